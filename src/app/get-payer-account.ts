import { ErrorCode, fail, ok, Result, FieldError } from '../domain/error-codes';
import { Caller, PayerAccountView } from '../domain/payer-account';
import { PayerAccounts } from '../ports/payer-accounts';

/** The organization's registered payer account: metadata only (secret names and versions, never values). */
export async function getPayerAccount(caller: Caller, deps: { payerAccounts: PayerAccounts }): Promise<Result<PayerAccountView, FieldError>> {
  const record = await deps.payerAccounts.find(caller.organizationId);
  if (!record || record.state !== 'registered' || !record.account) {
    return fail({ code: ErrorCode.PayerAccountNotFound, message: 'Your organization has no registered Azure CSP payer account yet. Complete the registration first.' });
  }
  const { tokenCache, applicationSecret, ...account } = record.account;
  return ok({
    accountName: record.accountName, registrationId: record.registrationId, registeredAt: account.consentedAt, ...account,
    secrets: { tokenCache: { name: tokenCache.name, version: tokenCache.version }, applicationSecret: { name: applicationSecret.name, version: applicationSecret.version } },
  });
}
