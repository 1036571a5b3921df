import type { Result, FieldError } from '../domain/error-codes';
import { ErrorCode, fail, ok } from '../domain/error-codes';
import { handMadeLink } from '../domain/consent';
import type { Caller, PayerAccountView } from '../domain/payer-account';
import { RegistrationStatus } from '../domain/registration';
import { healthOf, secretExpiresSoon } from '../domain/token-health';
import type { Clock } from '../ports/clock';
import type { PayerAccounts } from '../ports/payer-accounts';
import type { RegistrationWorkflow } from '../ports/registration-workflow';

export interface GetPayerAccountDeps {
  payerAccounts: PayerAccounts;
  workflow: RegistrationWorkflow;
  clock: Clock;
  consentLink(instanceId: string, linkId: string, expiresAt: string): Promise<string>;
  /** Where the hand-made sign-in address points, and this product's callback (which gets none). */
  authority?: { host: string; callbackUrl: string };
}

/** The organization's registered payer account: metadata, health and any re-consent in progress (never a secret). */
export async function getPayerAccount(
  caller: Caller,
  deps: GetPayerAccountDeps,
): Promise<Result<PayerAccountView, FieldError>> {
  const record = await deps.payerAccounts.find(caller.organizationId);
  if (!record || record.state !== 'registered' || !record.account) {
    return fail({
      code: ErrorCode.PayerAccountNotFound,
      message: 'Your organization has no registered Azure CSP payer account yet. Complete the registration first.',
    });
  }
  const { tokenCache, applicationSecret, ...account } = record.account;
  const progress = record.reconsentId ? (await deps.workflow.state(record.reconsentId))?.progress : undefined;
  const health = healthOf(record);
  return ok({
    accountName: record.accountName,
    registrationId: record.registrationId,
    registeredAt: account.consentedAt,
    ...account,
    health: { ...health, secretExpiresSoon: secretExpiresSoon(account.applicationSecretExpiresAt, deps.clock.now()) },
    secrets: {
      tokenCache: { name: tokenCache.name, version: tokenCache.version },
      applicationSecret: { name: applicationSecret.name, version: applicationSecret.version },
    },
    ...(record.lastConnectionCheck ? { lastConnectionCheck: record.lastConnectionCheck } : {}),
    ...(record.reconsentId && progress
      ? {
          reconsent: {
            reconsentId: record.reconsentId,
            status: progress.status,
            expiresAt: progress.expiresAt,
            error: progress.error,
            consent: progress.consent && {
              ...progress.consent,
              ...(progress.status === RegistrationStatus.AwaitingConsent
                ? {
                    consentLink: await deps.consentLink(
                      record.reconsentId,
                      progress.consent.linkId,
                      progress.consent.expiresAt,
                    ),
                  }
                : {}),
              ...(deps.authority ? handMadeLink(deps.authority, account, progress.consent.redirectUri) : {}),
            },
          },
        }
      : {}),
  });
}
