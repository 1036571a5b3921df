import type { InvocationContext } from '@azure/functions';
import { recordAudit } from '../app/record-audit';
import type { HandedOver } from '../app/submit-partner-center-credentials';
import { submitPartnerCenterCredentials as submit } from '../app/submit-partner-center-credentials';
import { verdictAuditEntry } from '../app/verdict-audit-entry';
import type { AppServices } from '../composition';
import type { Caller } from '../domain/payer-account';
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
    const result = await submit(caller, body, services.credentialsSubmission(client), (submission) =>
      auditSubmission(services, context, caller, submission),
    );
    if (!result.ok) return problem(result.error);
    const outcome = result.value;
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

/** The person's submission, and the verdict their request reached (the registration's activity audits its own). */
async function auditSubmission(
  services: AppServices,
  context: InvocationContext,
  caller: Caller,
  submission: HandedOver,
): Promise<void> {
  const { verdict } = submission;
  await Promise.all([
    auditByCaller(services, context, caller, AuditAction.PartnerCenterCredentialsSubmitted, submission.registrationId, {
      applicationId: submission.applicationId,
      domain: submission.domain,
      outcome: verdict ? (verdict.ok ? 'verified' : 'rejected') : 'pending',
      errorCode: verdict && !verdict.ok ? verdict.error.code : undefined,
    }),
    verdict &&
      recordAudit(services, verdictAuditEntry(submission, verdict), (message, properties) =>
        context.error(message, properties),
      ),
  ]);
}
