import { cancelRegistration as cancel } from '../app/cancel-registration';
import { deregisterPayerAccount as deregister } from '../app/deregister-payer-account';
import { getPayerAccount as payerAccount } from '../app/get-payer-account';
import { getRegistration as registration } from '../app/get-registration';
import { runPreflight as preflight } from '../app/run-preflight';
import { signedConsentLink } from '../app/request-consent-link';
import { startRegistration as start } from '../app/start-registration';
import type { AppServices } from '../composition';
import { AuditAction } from '../domain/audit';
import type { CredentialError } from '../domain/credential-errors';
import { ErrorCode } from '../domain/error-codes';
import { auditByCaller } from './audit';
import { signedIn } from './endpoint';
import { json, problem } from './problem';

const LOCATION = '/api/payer-account/registration';

const consentLink = (services: AppServices) => (registrationId: string, linkId: string, expiresAt: string) =>
  signedConsentLink(services, registrationId, linkId, expiresAt);
const authority = (services: AppServices) => ({
  host: services.config.PARTNER_AUTHORITY_HOST,
  callbackUrl: services.consentCallbackUrl,
});

/** POST: step 1 — start the organization's registration. */
export const startRegistration = signedIn('startRegistration', async ({ caller, body, services, client, context }) => {
  const result = await start(caller, body, services.registrationStart(client));
  if (!result.ok) return problem(result.error);
  const { registrationId, accountName } = result.value;
  await auditByCaller(services, context, caller, AuditAction.RegistrationStarted, registrationId, { accountName });
  context.info('Registration started', { registrationId, organizationId: caller.organizationId });
  return json(201, result.value, { location: LOCATION });
});

/** GET: the organization's registration in progress. */
export const getRegistration = signedIn('getRegistration', async ({ caller, services, client }) => {
  const result = await registration(caller, {
    payerAccounts: services.payerAccounts,
    workflow: services.workflow(client),
    clock: services.clock,
    consentLink: consentLink(services),
    authority: authority(services),
  });
  return result.ok ? json(200, result.value) : problem(result.error);
});

/** POST …/registration/preflight: step 3's checks before consent, each pass / fail / cannot tell. */
export const runPreflight = signedIn('runPreflight', async ({ caller, services, client, context }) => {
  const result = await preflight(caller, services.preflight(client));
  if (result.ok) {
    const outcomes = Object.fromEntries(result.value.checks.map((c) => [c.id, c.outcome]));
    const aadsts = result.value.checks.flatMap((c) => (c.aadsts !== undefined ? [c.aadsts] : []));
    await auditByCaller(services, context, caller, AuditAction.PreflightRun, result.value.registrationId, {
      ...outcomes,
      ...(aadsts.length ? { aadsts: aadsts.join(',') } : {}),
    });
    const { registrationId: _registrationId, ...report } = result.value;
    return json(200, report);
  }
  const { code, unavailable } = result.error as CredentialError;
  return problem(result.error, unavailable ? 503 : code === ErrorCode.SecretNoLongerAvailable ? 422 : undefined);
});

/** DELETE: cancel the organization's registration in progress. */
export const cancelRegistration = signedIn('cancelRegistration', async ({ caller, services, client, context }) => {
  const result = await cancel(caller, {
    payerAccounts: services.payerAccounts,
    workflow: services.workflow(client),
    secretStore: services.requestSecretStore,
  });
  if (!result.ok) return problem(result.error);
  const { registrationId } = result.value;
  await auditByCaller(services, context, caller, AuditAction.RegistrationCancelled, registrationId);
  context.info('Registration cancelled', { registrationId, organizationId: caller.organizationId });
  return { status: 204 };
});

/** GET /api/payer-account: the registered payer account, its health and any re-consent in progress. */
export const getPayerAccount = signedIn('getPayerAccount', async ({ caller, services, client }) => {
  const result = await payerAccount(caller, {
    payerAccounts: services.payerAccounts,
    workflow: services.workflow(client),
    clock: services.clock,
    consentLink: consentLink(services),
    authority: authority(services),
  });
  return result.ok ? json(200, result.value) : problem(result.error);
});

/** DELETE /api/payer-account: deregister — the row and the Key Vault secrets go; the organization may register again. */
export const deregisterPayerAccount = signedIn(
  'deregisterPayerAccount',
  async ({ caller, services, client, context }) => {
    const result = await deregister(caller, {
      payerAccounts: services.payerAccounts,
      secretStore: services.requestSecretStore,
    });
    if (!result.ok) return problem(result.error);
    const { registrationId, reconsentId, secretsDeleted } = result.value;
    // A waiting re-consent has nothing left to re-consent; it would otherwise wait out its expiry.
    if (reconsentId) {
      await services
        .workflow(client)
        .cancel(reconsentId)
        .catch((error) => context.warn('Re-consent not cancelled', { reconsentId, error: (error as Error)?.name }));
    }
    await auditByCaller(services, context, caller, AuditAction.PayerAccountDeregistered, registrationId, {
      secretsDeleted: secretsDeleted.length,
    });
    context.info('Payer account deregistered', {
      registrationId,
      organizationId: caller.organizationId,
      secretsDeleted: secretsDeleted.length,
    });
    return { status: 204 };
  },
);
