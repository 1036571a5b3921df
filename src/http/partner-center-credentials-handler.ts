import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { DurableClient } from 'durable-functions';
import { submitPartnerCenterCredentials } from '../app/submit-partner-center-credentials';
import { appServices } from '../composition';
import { RegistrationStatus, RegistrationStep } from '../domain/registration';
import { AuditAction } from '../domain/audit';
import { auditByCaller } from './audit';
import { authenticate } from './authenticate';
import { json, problem } from './problem';
import { readJsonBody } from './request-body';
import type { CredentialsVerified, VerificationPending } from './response-schemas';
import { partnerCenterCredentialsBody } from './schemas';

const STATUS_LINK = '/api/payer-account/registration';

/** PUT: step 2 — stage the secret, start verification, answer with its result if it comes within a few seconds. */
export async function submitPartnerCenterCredentialsHandler(
  request: HttpRequest,
  client: DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const services = appServices();
  const auth = await authenticate(request, services, { requiredRole: services.config.API_WRITE_ROLE });
  if (!auth.ok) return auth.response;
  const body = await readJsonBody(request, partnerCenterCredentialsBody);
  if (!body.ok) return problem(body.error);
  const result = await submitPartnerCenterCredentials(auth.caller, body.value, {
    payerAccounts: services.payerAccounts,
    workflow: services.workflow(client),
    secretStore: services.requestSecretStore,
    clock: services.clock,
    newSubmissionId: randomUUID,
    waitForOutcomeMs: services.config.PARTNER_CENTER_VERIFY_WAIT_SECONDS * 1000,
    pollMs: 25,
  });
  if (!result.ok) return problem(result.error);
  const outcome = result.value;
  await auditByCaller(
    services,
    context,
    auth.caller,
    AuditAction.PartnerCenterCredentialsSubmitted,
    outcome.registrationId,
    {
      applicationId: body.value.applicationId,
      domain: body.value.domain,
      outcome: outcome.kind,
      errorCode: outcome.kind === 'rejected' ? outcome.error.code : undefined,
    },
  );
  context.info('Partner Center credentials submitted', {
    registrationId: outcome.registrationId,
    outcome: outcome.kind,
  });
  switch (outcome.kind) {
    case 'verified':
      return json(200, {
        registrationId: outcome.registrationId,
        step: RegistrationStep.PartnerApiConsent,
        status: RegistrationStatus.AwaitingPartnerApiCredentials,
        verified: outcome.partner,
      } satisfies CredentialsVerified);
    case 'rejected':
      return problem(outcome.error, outcome.error.unavailable ? 503 : 422);
    case 'pending':
      return json(
        202,
        {
          registrationId: outcome.registrationId,
          submissionId: outcome.submissionId,
          status: RegistrationStatus.VerifyingPartnerCenterCredentials,
          statusUrl: STATUS_LINK,
        } satisfies VerificationPending,
        { location: STATUS_LINK, 'retry-after': '2' },
      );
  }
}
