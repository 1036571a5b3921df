import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { DurableClient } from 'durable-functions';
import { cancelRegistration } from '../app/cancel-registration';
import { deregisterPayerAccount } from '../app/deregister-payer-account';
import { getPayerAccount } from '../app/get-payer-account';
import { getRegistration } from '../app/get-registration';
import { signedConsentLink } from '../app/request-consent-link';
import { startRegistration } from '../app/start-registration';
import { appServices } from '../composition';
import { AuditAction } from '../domain/audit';
import { auditByCaller } from './audit';
import { authenticate } from './authenticate';
import { json, problem } from './problem';
import { readJsonBody } from './request-body';
import { startRegistrationBody } from './schemas';

const LOCATION = '/api/payer-account/registration';
/** A claim younger than this is a registration being started right now, never a leftover. */
const STALE_CLAIM_AFTER_MS = 60_000;

/** POST: step 1 — start the organization's registration. */
export async function startRegistrationHandler(
  request: HttpRequest,
  client: DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const services = appServices();
  const auth = await authenticate(request, services, { requiredRole: services.config.API_WRITE_ROLE });
  if (!auth.ok) return auth.response;
  const body = await readJsonBody(request, startRegistrationBody, { optional: true });
  if (!body.ok) return problem(body.error);
  const result = await startRegistration(auth.caller, body.value, {
    payerAccounts: services.payerAccounts,
    workflow: services.workflow(client),
    clock: services.clock,
    newRegistrationId: randomUUID,
    expiresAfterHours: services.config.REGISTRATION_EXPIRY_HOURS,
    staleClaimAfterMs: STALE_CLAIM_AFTER_MS,
  });
  if (!result.ok) return problem(result.error);
  await auditByCaller(services, context, auth.caller, AuditAction.RegistrationStarted, result.value.registrationId, {
    accountName: result.value.accountName,
  });
  context.info('Registration started', {
    registrationId: result.value.registrationId,
    organizationId: auth.caller.organizationId,
  });
  return json(201, result.value, { location: LOCATION });
}

/** GET: the organization's registration in progress. */
export async function getRegistrationHandler(request: HttpRequest, client: DurableClient): Promise<HttpResponseInit> {
  const services = appServices();
  const auth = await authenticate(request, services);
  if (!auth.ok) return auth.response;
  const result = await getRegistration(auth.caller, {
    payerAccounts: services.payerAccounts,
    workflow: services.workflow(client),
    consentLink: (registrationId, linkId, expiresAt) => signedConsentLink(services, registrationId, linkId, expiresAt),
  });
  return result.ok ? json(200, result.value) : problem(result.error);
}

/** DELETE: cancel the organization's registration in progress. */
export async function cancelRegistrationHandler(
  request: HttpRequest,
  client: DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const services = appServices();
  const auth = await authenticate(request, services, { requiredRole: services.config.API_WRITE_ROLE });
  if (!auth.ok) return auth.response;
  const result = await cancelRegistration(auth.caller, {
    payerAccounts: services.payerAccounts,
    workflow: services.workflow(client),
  });
  if (!result.ok) return problem(result.error);
  await auditByCaller(services, context, auth.caller, AuditAction.RegistrationCancelled, result.value.registrationId);
  context.info('Registration cancelled', {
    registrationId: result.value.registrationId,
    organizationId: auth.caller.organizationId,
  });
  return { status: 204 };
}

/** GET /api/payer-account: the registered payer account, its health and any re-consent in progress. */
export async function getPayerAccountHandler(request: HttpRequest, client: DurableClient): Promise<HttpResponseInit> {
  const services = appServices();
  const auth = await authenticate(request, services);
  if (!auth.ok) return auth.response;
  const result = await getPayerAccount(auth.caller, {
    payerAccounts: services.payerAccounts,
    workflow: services.workflow(client),
    clock: services.clock,
    consentLink: (instanceId, linkId, expiresAt) => signedConsentLink(services, instanceId, linkId, expiresAt),
  });
  return result.ok ? json(200, result.value) : problem(result.error);
}

/** DELETE /api/payer-account: deregister — the row and the Key Vault secrets go; the organization may register again. */
export async function deregisterPayerAccountHandler(
  request: HttpRequest,
  client: DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const services = appServices();
  const auth = await authenticate(request, services, { requiredRole: services.config.API_WRITE_ROLE });
  if (!auth.ok) return auth.response;
  const result = await deregisterPayerAccount(auth.caller, {
    payerAccounts: services.payerAccounts,
    secretStore: services.requestSecretStore,
  });
  if (!result.ok) return problem(result.error);
  // A waiting re-consent has nothing left to re-consent; it would otherwise wait out its expiry.
  if (result.value.reconsentId) {
    await services
      .workflow(client)
      .cancel(result.value.reconsentId)
      .catch((error) =>
        context.warn('Re-consent not cancelled', {
          reconsentId: result.value.reconsentId,
          error: (error as Error)?.name,
        }),
      );
  }
  await auditByCaller(
    services,
    context,
    auth.caller,
    AuditAction.PayerAccountDeregistered,
    result.value.registrationId,
    { secretsDeleted: result.value.secretsDeleted.length },
  );
  context.info('Payer account deregistered', {
    registrationId: result.value.registrationId,
    organizationId: auth.caller.organizationId,
    secretsDeleted: result.value.secretsDeleted.length,
  });
  return { status: 204 };
}
