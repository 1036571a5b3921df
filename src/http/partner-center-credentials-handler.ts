import { submitPartnerCenterCredentials as submit } from '../app/submit-partner-center-credentials';
import { AuditAction } from '../domain/audit';
import { RegistrationStatus, RegistrationStep } from '../domain/registration';
import { auditByCaller } from './audit';
import { signedIn } from './endpoint';
import { json, problem } from './problem';
import type { CredentialsVerified, VerificationPending } from './response-schemas';

const STATUS_LINK = '/api/payer-account/registration';

/** PUT: step 2 — stage the secret, start verification, answer with its result if it comes within a few seconds. */
export const submitPartnerCenterCredentials = signedIn(
  'submitPartnerCenterCredentials',
  async ({ caller, body, services, client, context }) => {
    const result = await submit(caller, body, services.credentialsSubmission(client));
    if (!result.ok) return problem(result.error);
    const outcome = result.value;
    await auditByCaller(
      services,
      context,
      caller,
      AuditAction.PartnerCenterCredentialsSubmitted,
      outcome.registrationId,
      {
        applicationId: body.applicationId,
        domain: body.domain,
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
  },
);
