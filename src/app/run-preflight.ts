import type { CredentialError } from '../domain/credential-errors';
import type { FieldError, Result } from '../domain/error-codes';
import { ErrorCode, fail, ok } from '../domain/error-codes';
import type { Caller } from '../domain/payer-account';
import type { PreflightCheck } from '../domain/preflight';
import { CANNOT_TELL, PREFLIGHT_APIS, preflightPages, RESOURCE_PRINCIPAL_NOT_FOUND } from '../domain/preflight';
import { RegistrationStep } from '../domain/registration';
import { stagedSecretNames } from '../domain/staged-secrets';
import { TransientError } from '../domain/transient-error';
import type { AppTokenProvider } from '../ports/app-token-provider';
import type { Clock } from '../ports/clock';
import type { PayerAccounts } from '../ports/payer-accounts';
import type { RegistrationWorkflow } from '../ports/registration-workflow';
import type { SecretStore } from '../ports/secret-store';
import type { TenantDirectory } from '../ports/tenant-directory';
import { registrationNotFound } from './get-registration';

export interface RunPreflightDeps {
  payerAccounts: PayerAccounts;
  workflow: RegistrationWorkflow;
  secretStore: SecretStore;
  directory: TenantDirectory;
  tokens: AppTokenProvider;
  clock: Clock;
}

export interface PreflightReport {
  checkedAt: string;
  checks: PreflightCheck[];
}

const microsoftIds = (error: CredentialError) => ({
  ...(error.aadsts !== undefined ? { aadsts: error.aadsts } : {}),
  ...(error.traceId ? { traceId: error.traceId } : {}),
  ...(error.correlationId ? { correlationId: error.correlationId } : {}),
});

/**
 * Step 3, before the consent: with the app and secret verified in step 2, an app-only token for each Microsoft API
 * the consent names proves its service principal exists in the partner tenant (AADSTS500011 when it does not).
 * Partner Center's App management was proven by step 2 itself. The rest cannot be told app-only, and says so.
 */
export async function runPreflight(
  caller: Caller,
  deps: RunPreflightDeps,
): Promise<Result<PreflightReport & { registrationId: string }, FieldError>> {
  const record = await deps.payerAccounts.find(caller.organizationId);
  if (!record || record.state !== 'registering') return fail(registrationNotFound());
  const verified = (await deps.workflow.state(record.registrationId))?.progress;
  if (verified?.step !== RegistrationStep.PartnerApiConsent || !verified.verified) {
    return fail({
      code: ErrorCode.RegistrationNotAtThisStep,
      message: 'The checks before consent run at step 3, once step 2 has verified your Partner Center credentials.',
    });
  }
  const { tenantId, applicationId, domain } = verified.verified;
  const [tenant, secret] = await Promise.all([
    deps.directory.resolveTenant(tenantId),
    deps.secretStore.getLatest(stagedSecretNames(record.registrationId).partnerCenterSecret),
  ]);
  if (!tenant.ok) return fail(tenant.error);
  if (!secret) {
    return fail({
      code: ErrorCode.SecretNoLongerAvailable,
      message: "Step 2's secret is no longer stored. Submit the Partner Center credentials again.",
    });
  }
  const servicePrincipals = await Promise.all(
    PREFLIGHT_APIS.map(async (api): Promise<PreflightCheck> => {
      let token;
      try {
        token = await deps.tokens.acquireAppToken(
          { tenant: tenant.value, clientId: applicationId, clientSecret: secret.value, scope: api.scope },
          { domain, secretLooksLikeId: false },
        );
      } catch (error) {
        if (!(error instanceof TransientError)) throw error;
        return {
          id: api.id,
          outcome: 'cannotTell',
          detail: 'Entra ID could not be reached just now: run the checks again in a minute.',
          page: preflightPages.clientCredentials,
        };
      }
      if (token.ok)
        return {
          id: api.id,
          outcome: 'pass',
          detail: `The ${api.name} API (${api.appId}) has its service principal in your tenant: Entra ID issued your app a token for it.`,
          page: preflightPages.clientCredentials,
        };
      if (token.error.aadsts === RESOURCE_PRINCIPAL_NOT_FOUND)
        return {
          id: api.id,
          outcome: 'fail',
          detail: `Your tenant has no service principal for the ${api.name} API (${api.appId}) (AADSTS500011), so the admin cannot consent to it.`,
          fix: `Create it once, signed in as an admin of your tenant: New-MgServicePrincipal -AppId ${api.appId} (Microsoft Graph PowerShell), then run the checks again.`,
          page: preflightPages.servicePrincipal,
          ...microsoftIds(token.error),
        };
      return {
        id: api.id,
        outcome: 'cannotTell',
        detail: `Entra ID did not say: ${token.error.message}`,
        page: preflightPages.errorCodes,
        ...microsoftIds(token.error),
      };
    }),
  );
  const appManagement: PreflightCheck = {
    id: 'partnerCenterAppAccess',
    outcome: 'pass',
    detail: "Partner Center accepted your app's own token in step 2: it is registered under App management.",
    page: preflightPages.appManagement,
  };
  return ok({
    registrationId: record.registrationId,
    checkedAt: deps.clock.now().toISOString(),
    checks: [appManagement, ...servicePrincipals, ...CANNOT_TELL],
  });
}
