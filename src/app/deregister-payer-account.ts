import type { FieldError, Result } from '../domain/error-codes';
import { ErrorCode, fail, ok } from '../domain/error-codes';
import type { Caller } from '../domain/payer-account';
import { allStagedSecretNames } from '../domain/staged-secrets';
import type { PayerAccounts } from '../ports/payer-accounts';
import type { SecretStore } from '../ports/secret-store';
import { SecretStoreError } from '../ports/secret-store';

export interface Deregistration {
  registrationId: string;
  /** A re-consent that was waiting: the caller cancels its workflow. */
  reconsentId?: string;
  /** Names of the secrets deleted (soft-deleted in Key Vault), never values. */
  secretsDeleted: string[];
}

const ATTEMPTS = 3;

export const payerAccountNotFound = (): FieldError => ({
  code: ErrorCode.PayerAccountNotFound,
  message: 'Your organization has no registered Azure CSP payer account.',
});

/**
 * DELETE /api/payer-account: the account's Key Vault secrets go first, then its row, conditional
 * on the version read. A failure part-way leaves the account registered (never orphaned secrets
 * without a row pointing at them), and calling again finishes the job: deletions are idempotent.
 * Once the row is gone the organization may register again.
 */
export async function deregisterPayerAccount(
  caller: Caller,
  deps: { payerAccounts: PayerAccounts; secretStore: SecretStore },
): Promise<Result<Deregistration>> {
  let done: Deregistration | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const record = await deps.payerAccounts.find(caller.organizationId);
    if (!record) return done ? ok(done) : fail(payerAccountNotFound()); // gone: removed by a concurrent call after our deletions
    if (record.state !== 'registered') {
      return fail({
        code: ErrorCode.RegistrationInProgress,
        message:
          'Your organization has a registration in progress, not a registered payer account. Cancel it with DELETE /api/payer-account/registration.',
      });
    }
    const names = [
      ...new Set([
        ...(record.account ? [record.account.tokenCache.name, record.account.applicationSecret.name] : []),
        ...allStagedSecretNames(record.registrationId),
        // A re-consent's workflow cleans up when cancelled, but not one that ended without it (terminated or failed).
        ...(record.reconsentId ? allStagedSecretNames(record.reconsentId) : []),
      ]),
    ];
    try {
      await Promise.all(names.map((name) => deps.secretStore.delete(name)));
    } catch (error) {
      if (error instanceof SecretStoreError && error.transient) {
        return fail({
          code: ErrorCode.SecretStoreUnavailable,
          message:
            "The payer account's secrets could not be deleted right now, so the account is still registered. Try again in a minute.",
        });
      }
      throw error;
    }
    done = {
      registrationId: record.registrationId,
      ...(record.reconsentId ? { reconsentId: record.reconsentId } : {}),
      secretsDeleted: [...new Set([...(done?.secretsDeleted ?? []), ...names])],
    };
    const outcome = await deps.payerAccounts.remove(caller.organizationId, record.version as string);
    if (outcome !== 'changed') return ok(done);
  }
  return fail({
    code: ErrorCode.ConcurrentChange,
    message: 'The payer account changed while it was being removed. Try again.',
  });
}
