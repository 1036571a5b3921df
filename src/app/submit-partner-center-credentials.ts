import type { CredentialError } from '../domain/credential-errors';
import { looksLikeGuid } from '../domain/credential-errors';
import type { FieldError, Result } from '../domain/error-codes';
import { ErrorCode, fail, ok } from '../domain/error-codes';
import type { Caller } from '../domain/payer-account';
import type { PartnerCenterCredentialsSubmission, VerifiedPartner } from '../domain/partner-center-credentials';
import { RegistrationStatus, RegistrationStep } from '../domain/registration';
import { stagedSecretNames } from '../domain/staged-secrets';
import type { Clock } from '../ports/clock';
import type { PayerAccounts } from '../ports/payer-accounts';
import type { RegistrationWorkflow } from '../ports/registration-workflow';
import type { SecretStore } from '../ports/secret-store';
import { SecretStoreError } from '../ports/secret-store';
import { backOff } from './back-off';
import { registrationNotFound } from './get-registration';

export interface SubmitPartnerCenterCredentialsDeps {
  payerAccounts: PayerAccounts;
  workflow: RegistrationWorkflow;
  secretStore: SecretStore;
  clock: Clock;
  newSubmissionId(): string;
  /** How long the person's request waits for the verification before answering "still verifying". */
  waitForOutcomeMs: number;
  /** Pauses between looks at the verification: the first, then each 1.5 times the last, up to the longest. */
  poll: { firstMs: number; maxMs: number };
}

export type SubmissionOutcome =
  | { kind: 'verified'; registrationId: string; partner: VerifiedPartner }
  | { kind: 'rejected'; registrationId: string; error: CredentialError }
  | { kind: 'pending'; registrationId: string; submissionId: string };

/**
 * Step 2 from the person's side: stage the secret in the secret store at once, hand the
 * registration only its reference, and wait a few seconds for the verification's answer.
 */
export async function submitPartnerCenterCredentials(
  caller: Caller,
  input: { applicationId: string; domain: string; secret: string; secretExpiresAt?: string },
  deps: SubmitPartnerCenterCredentialsDeps,
): Promise<Result<SubmissionOutcome, FieldError>> {
  const record = await deps.payerAccounts.find(caller.organizationId);
  if (!record || record.state !== 'registering') return fail(registrationNotFound());
  const registrationId = record.registrationId;
  const progress = (await deps.workflow.state(registrationId))?.progress;
  if (
    progress?.step !== RegistrationStep.PartnerCenterCredentials ||
    progress.status === RegistrationStatus.VerifyingPartnerCenterCredentials
  ) {
    return fail({
      code: ErrorCode.RegistrationNotAtThisStep,
      message:
        progress?.status === RegistrationStatus.VerifyingPartnerCenterCredentials
          ? 'The previous Partner Center credentials are still being verified. Wait for their result, then submit again if needed.'
          : "The registration is not waiting for Partner Center credentials now. Look at the registration's status again.",
    });
  }

  let staged;
  try {
    staged = await deps.secretStore.put(stagedSecretNames(registrationId).partnerCenterSecret, input.secret, {
      contentType: 'client-secret',
      tags: { registrationId, applicationId: input.applicationId },
    });
  } catch (error) {
    if (error instanceof SecretStoreError && error.transient) {
      return fail({
        code: ErrorCode.SecretStoreUnavailable,
        message: 'The secret could not be stored securely right now, so nothing was saved. Try again in a minute.',
      });
    }
    throw error;
  }
  const submission: PartnerCenterCredentialsSubmission = {
    submissionId: deps.newSubmissionId(),
    organizationId: caller.organizationId,
    registrationId,
    applicationId: input.applicationId,
    domain: input.domain,
    secret: staged,
    secretLooksLikeId: looksLikeGuid(input.secret),
    submittedAt: deps.clock.now().toISOString(),
    ...(input.secretExpiresAt ? { secretExpiresAt: input.secretExpiresAt } : {}),
  };
  try {
    await deps.workflow.submitPartnerCenterCredentials(registrationId, submission);
  } catch (error) {
    await deps.secretStore.disableVersion(staged).catch(() => undefined);
    throw error;
  }
  return ok(await awaitOutcome(registrationId, submission.submissionId, deps));
}

async function awaitOutcome(
  registrationId: string,
  submissionId: string,
  deps: SubmitPartnerCenterCredentialsDeps,
): Promise<SubmissionOutcome> {
  const deadline = deps.clock.now().getTime() + deps.waitForOutcomeMs;
  // A person is waiting: look within milliseconds, then less and less often (each look is one status read).
  for (const pause of backOff(deps.poll)) {
    if (deps.clock.now().getTime() >= deadline) break;
    await deps.clock.sleep(pause);
    const progress = (await deps.workflow.state(registrationId))?.progress;
    if (
      progress?.submissionId !== submissionId ||
      progress.status === RegistrationStatus.VerifyingPartnerCenterCredentials
    )
      continue;
    if (progress.verified && !progress.error) return { kind: 'verified', registrationId, partner: progress.verified };
    if (progress.error) return { kind: 'rejected', registrationId, error: progress.error };
  }
  return { kind: 'pending', registrationId, submissionId };
}
