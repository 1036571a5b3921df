import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { DurableClient } from 'durable-functions';
import { startReconsent } from '../app/start-reconsent';
import { updateApplicationSecret } from '../app/update-application-secret';
import { appServices } from '../composition';
import { AuditAction } from '../domain/audit';
import { ErrorCode } from '../domain/error-codes';
import { auditByCaller } from './audit';
import { consentEmailRefusal } from './consent-email-quota';
import { authenticate } from './authenticate';
import { json, problem } from './problem';
import { readJsonBody } from './request-body';
import { applicationSecretBody, reconsentBody } from './schemas';

/** POST /api/payer-account/reconsent: step 3 again for the registered account; answers with the consent link. */
export async function startReconsentHandler(
  request: HttpRequest,
  client: DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const services = appServices();
  const auth = await authenticate(request, services, { requiredRole: services.config.API_WRITE_ROLE });
  if (!auth.ok) return auth.response;
  const body = await readJsonBody(request, reconsentBody, { optional: true });
  if (!body.ok) return problem(body.error);
  const tooMany = body.value.adminEmail ? await consentEmailRefusal(auth.caller, services) : undefined;
  if (tooMany) return tooMany;
  const { redirectUri, ...rest } = body.value;
  const result = await startReconsent(
    auth.caller.organizationId,
    auth.caller.userId,
    { ...rest, redirectUri: redirectUri === 'callback' ? services.consentCallbackUrl : redirectUri },
    {
      ...services.consentLinks(client),
      newReconsentId: randomUUID,
      expiresAfterHours: services.config.REGISTRATION_EXPIRY_HOURS,
    },
  );
  if (!result.ok) return problem(result.error);
  await auditByCaller(services, context, auth.caller, AuditAction.ReconsentRequested, result.value.reconsentId, {
    emailed: !!result.value.emailedTo,
    newSecret: rest.secret !== undefined,
    expiresAt: result.value.expiresAt,
  });
  context.info('Re-consent link issued', {
    organizationId: auth.caller.organizationId,
    reconsentId: result.value.reconsentId,
    emailed: !!result.value.emailedTo,
  });
  return json(202, { ...result.value, statusUrl: '/api/payer-account' }, { location: '/api/payer-account' });
}

/** PUT /api/payer-account/secret: a new application secret, verified before it replaces the old one. */
export async function updateSecretHandler(
  request: HttpRequest,
  _client: DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const services = appServices();
  const auth = await authenticate(request, services, { requiredRole: services.config.API_WRITE_ROLE });
  if (!auth.ok) return auth.response;
  const body = await readJsonBody(request, applicationSecretBody);
  if (!body.ok) return problem(body.error);
  if (body.value.expiresAt && Date.parse(body.value.expiresAt) <= services.clock.now().getTime()) {
    return problem({
      code: ErrorCode.InvalidField,
      field: 'expiresAt',
      message: 'must be in the future: this date has passed, so the secret has already expired',
    });
  }
  const result = await updateApplicationSecret(auth.caller, body.value, {
    ...services.verification,
    secretStore: services.requestSecretStore,
    payerAccounts: services.payerAccounts,
  });
  if (!result.ok) {
    await auditByCaller(services, context, auth.caller, AuditAction.SecretUpdateRefused, undefined, {
      code: result.error.code,
      aadsts: result.error.aadsts,
      correlationId: result.error.correlationId,
    });
    const decided = (
      [ErrorCode.PayerAccountNotFound, ErrorCode.ConcurrentChange, ErrorCode.SecretStoreUnavailable] as string[]
    ).includes(result.error.code);
    return problem(result.error, decided ? undefined : result.error.unavailable ? 503 : 422);
  }
  await auditByCaller(services, context, auth.caller, AuditAction.SecretUpdated, undefined, {
    version: result.value.applicationSecret.version,
    expiresAt: result.value.expiresAt,
  });
  context.info('Application secret replaced', {
    organizationId: auth.caller.organizationId,
    version: result.value.applicationSecret.version,
  });
  return json(200, result.value);
}
