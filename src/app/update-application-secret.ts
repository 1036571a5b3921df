import { randomUUID } from 'node:crypto';
import type { CredentialError } from '../domain/credential-errors';
import { unavailable } from '../domain/credential-errors';
import { healthOf } from '../domain/token-health';
import type { Result } from '../domain/error-codes';
import { ErrorCode, fail, ok } from '../domain/error-codes';
import type { Caller } from '../domain/payer-account';
import type { StagedSecret } from '../domain/partner-center-credentials';
import { payerAccountNotFound } from './deregister-payer-account';
import { isTransient } from './retry-transient';
import type { VerifyPartnerCenterCredentialsDeps } from './verify-partner-center-credentials';
import { verifyPartnerCenterCredentials } from './verify-partner-center-credentials';
import type { PayerAccounts } from '../ports/payer-accounts';

export interface SecretUpdate {
  applicationSecret: StagedSecret;
  expiresAt?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * PUT /api/payer-account/secret: the new secret is stored as a new version (unused until the swap),
 * verified as in step 2, then swapped in by a conditional update; the old version is disabled.
 * A refused or unverifiable secret is disabled and the account keeps the one it had.
 */
export async function updateApplicationSecret(
  caller: Caller,
  input: { secret: string; expiresAt?: string },
  deps: VerifyPartnerCenterCredentialsDeps & { payerAccounts: PayerAccounts },
): Promise<Result<SecretUpdate, CredentialError>> {
  const record = await deps.payerAccounts.find(caller.organizationId);
  if (record?.state !== 'registered' || !record.account) return fail(payerAccountNotFound());
  const old = record.account.applicationSecret;
  let ref: StagedSecret;
  try {
    ref = await deps.secretStore.put(old.name, input.secret, { contentType: 'client-secret' });
  } catch (error) {
    if (isTransient(error))
      return fail({
        code: ErrorCode.SecretStoreUnavailable,
        message: 'The secret could not be stored securely right now, so nothing changed. Try again in a minute.',
        unavailable: true,
      });
    throw error;
  }
  const refused = async (error: CredentialError) => {
    await deps.secretStore.disableVersion(ref).catch(() => undefined);
    return fail(error);
  };
  let verified;
  try {
    verified = await verifyPartnerCenterCredentials(
      {
        submissionId: randomUUID(),
        organizationId: caller.organizationId,
        registrationId: record.registrationId,
        applicationId: record.account.applicationId,
        domain: record.account.tenantId,
        secret: ref,
        secretLooksLikeId: GUID.test(input.secret),
        submittedAt: deps.clock.now().toISOString(),
      },
      deps,
    );
  } catch (error) {
    if (!isTransient(error)) throw error;
    return refused(unavailable(ErrorCode.IdentityProviderUnavailable, 'Entra ID or Key Vault'));
  }
  if (!verified.ok) return refused(verified.error.unavailable ? verified.error : asSecretRefusal(verified.error));

  for (let attempt = 0; attempt < 3; attempt++) {
    const current = attempt === 0 ? record : await deps.payerAccounts.find(caller.organizationId);
    if (current?.state !== 'registered' || !current.account) return refused(payerAccountNotFound());
    // A re-consent with a new secret moved the account to another secret name meanwhile: this version is not its.
    if (current.account.applicationSecret.name !== ref.name) break;
    const health = healthOf(current);
    const saved = await deps.payerAccounts.update(caller.organizationId, current.version as string, {
      account: { ...current.account, applicationSecret: ref, applicationSecretExpiresAt: input.expiresAt },
      health: {
        ...health,
        secretExpiresSoon: false,
        secretExpiryWarnedFor: undefined,
        ...(health.lastError?.code === ErrorCode.SecretNoLongerAvailable ? { lastError: undefined } : {}),
      },
    });
    if (saved === 'gone') return refused(payerAccountNotFound());
    if (saved === 'updated') {
      await deps.secretStore.disableVersion(current.account.applicationSecret).catch(() => undefined);
      return ok({ applicationSecret: ref, ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}) });
    }
  }
  return refused({
    code: ErrorCode.ConcurrentChange,
    message: 'The payer account kept changing while the secret was being replaced; nothing changed. Try again.',
  });
}

/**
 * Only the secret is new here: a refusal of the application or tenant the account was registered with (step 2's
 * `applicationId` or `domain` errors) is no field of this request, and nothing in it can fix that.
 */
function asSecretRefusal(error: CredentialError): CredentialError {
  if (error.field === undefined || error.field === 'secret') return { ...error, field: 'secret' };
  const { field: _registered, ...rest } = error;
  return {
    ...rest,
    message:
      'Microsoft no longer accepts the application or the tenant this payer account was registered with, so no secret can be verified for it. ' +
      'Check the Partner Center app in your tenant; if it was deleted or changed, deregister the payer account and register it again.',
  };
}
