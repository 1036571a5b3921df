import { ErrorCode } from '../domain/error-codes';
import type { PartnerCenterCredentialsSubmission, VerificationResult } from '../domain/partner-center-credentials';
import type { AppTokenProvider } from '../ports/app-token-provider';
import type { Clock } from '../ports/clock';
import type { PartnerCenter } from '../ports/partner-center';
import type { SecretStore } from '../ports/secret-store';
import type { TenantDirectory } from '../ports/tenant-directory';

export const PARTNER_CENTER_SCOPE = 'https://api.partnercenter.microsoft.com/.default';
const AADSTS_INVALID_SECRET = 7000215;

export interface VerifyPartnerCenterCredentialsDeps {
  directory: TenantDirectory;
  tokens: AppTokenProvider;
  partnerCenter: PartnerCenter;
  secretStore: SecretStore;
  clock: Clock;
  /** A secret created minutes ago may not have replicated yet: AADSTS7000215 gets a few more tries. */
  replication: { freshForMs: number; retries: number; delayMs: number };
}

/** What a verification reads of a submission (the secret itself comes separately). */
export type SubmissionToVerify = Pick<
  PartnerCenterCredentialsSubmission,
  'applicationId' | 'domain' | 'secretLooksLikeId' | 'submittedAt'
>;

/**
 * Step 2, run as an activity: the staged secret read back from the secret store, then verified (see below).
 */
export async function verifyPartnerCenterCredentials(
  submission: PartnerCenterCredentialsSubmission,
  deps: VerifyPartnerCenterCredentialsDeps,
): Promise<VerificationResult> {
  return verifyWithSecret(submission, deps.secretStore.get(submission.secret), deps);
}

/**
 * Tenant from the domain, an app-only token for Partner Center with the secret (in hand, or on its way from the
 * secret store), then the partner's legal business profile. Refusals come back as results; transient faults
 * (Entra ID 5xx, Key Vault 5xx, network) are thrown for the caller to retry.
 */
export async function verifyWithSecret(
  submission: SubmissionToVerify,
  secret: Promise<string | undefined>,
  deps: Omit<VerifyPartnerCenterCredentialsDeps, 'secretStore'>,
): Promise<VerificationResult> {
  const [tenant, clientSecret] = await Promise.all([deps.directory.resolveTenant(submission.domain), secret]);
  if (!tenant.ok) return tenant;
  if (clientSecret === undefined) {
    return {
      ok: false,
      error: {
        code: ErrorCode.SecretNoLongerAvailable,
        field: 'secret',
        message:
          'The secret of this submission is no longer stored (a newer submission replaced it, or the registration ended). Submit the credentials again.',
      },
    };
  }
  const request = {
    tenant: tenant.value,
    clientId: submission.applicationId,
    clientSecret,
    scope: PARTNER_CENTER_SCOPE,
  };
  const context = { domain: submission.domain, secretLooksLikeId: submission.secretLooksLikeId };
  let token = await deps.tokens.acquireAppToken(request, context);
  const fresh = deps.clock.now().getTime() - Date.parse(submission.submittedAt) < deps.replication.freshForMs;
  for (let retry = 0; fresh && !submission.secretLooksLikeId && retry < deps.replication.retries; retry++) {
    if (token.ok || token.error.aadsts !== AADSTS_INVALID_SECRET) break;
    await deps.clock.sleep(deps.replication.delayMs);
    token = await deps.tokens.acquireAppToken(request, context);
  }
  if (!token.ok) return token;
  const profile = await deps.partnerCenter.legalBusinessProfile(token.value.accessToken);
  if (!profile.ok) return profile;
  return {
    ok: true,
    partner: {
      tenantId: tenant.value.tenantId,
      applicationId: submission.applicationId,
      domain: submission.domain,
      companyName: profile.value.companyName,
      country: profile.value.country,
    },
  };
}
