import type { FieldError, Result } from '../domain/error-codes';
import { ErrorCode, fail, ok } from '../domain/error-codes';
import type { StagedSecret } from '../domain/partner-center-credentials';
import type { PutSecretOptions, SecretStore } from '../ports/secret-store';
import { SecretStoreError } from '../ports/secret-store';

/** Stores a secret a person gave: its reference, or, when the store is unavailable now, why nothing was saved. */
export async function stageSecret(
  store: SecretStore,
  name: string,
  value: string,
  options: PutSecretOptions,
): Promise<Result<StagedSecret, FieldError>> {
  try {
    return ok(await store.put(name, value, options));
  } catch (error) {
    if (error instanceof SecretStoreError && error.transient) {
      return fail({
        code: ErrorCode.SecretStoreUnavailable,
        message: 'The secret could not be stored securely right now, so nothing was saved. Try again in a minute.',
      });
    }
    throw error;
  }
}
