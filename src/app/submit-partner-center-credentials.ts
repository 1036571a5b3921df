import type { CredentialError } from '../domain/credential-errors';
import { looksLikeGuid } from '../domain/credential-errors';
import type { FieldError, Result } from '../domain/error-codes';
import { ErrorCode, fail, ok } from '../domain/error-codes';
import type { Caller, PayerAccountRecord } from '../domain/payer-account';
import { submissionNotYetTaken } from '../domain/payer-account';
import type {
  PartnerCenterCredentialsSubmission,
  StagedSecret,
  VerificationResult,
  VerifiedPartner,
} from '../domain/partner-center-credentials';
import { RegistrationStatus, RegistrationStep } from '../domain/registration';
import { stagedSecretNames } from '../domain/staged-secrets';
import type { Clock } from '../ports/clock';
import type { PayerAccounts } from '../ports/payer-accounts';
import type { RegistrationWorkflow } from '../ports/registration-workflow';
import { hasEnded } from '../ports/registration-workflow';
import type { SecretStore } from '../ports/secret-store';
import { backOff } from './back-off';
import { saveAccountChanges } from './save-account-changes';
import { stageSecret } from './stage-secret';
import { registrationNotFound } from './get-registration';
import type { SubmissionToVerify, VerifyPartnerCenterCredentialsDeps } from './verify-partner-center-credentials';
import { verifyWithSecret } from './verify-partner-center-credentials';

export interface SubmitPartnerCenterCredentialsDeps {
  payerAccounts: PayerAccounts;
  workflow: RegistrationWorkflow;
  secretStore: SecretStore;
  /** The same verification the registration's activity runs, here with the secret in hand. */
  verification: Omit<VerifyPartnerCenterCredentialsDeps, 'secretStore'>;
  clock: Clock;
  newSubmissionId(): string;
  /** How long the person's request waits for the verification before answering "still verifying". */
  waitForOutcomeMs: number;
  /** Pauses between looks at the registration's own verification: the first, then each 1.5 times the last, up to the longest. */
  poll: { firstMs: number; maxMs: number };
}

/** The submission as the registration received it. */
export type HandedOver = PartnerCenterCredentialsSubmission & { organizationId: string; registrationId: string };

export type SubmissionOutcome =
  | { kind: 'verified'; registrationId: string; partner: VerifiedPartner }
  | { kind: 'rejected'; registrationId: string; error: CredentialError }
  | { kind: 'pending'; registrationId: string; submissionId: string };

const stillVerifying = (): FieldError => ({
  code: ErrorCode.RegistrationNotAtThisStep,
  message:
    'The previous Partner Center credentials are still being verified. Wait for their result, then submit again if needed.',
});
const notAtThisStep = (): FieldError => ({
  code: ErrorCode.RegistrationNotAtThisStep,
  message:
    "The registration is not waiting for Partner Center credentials now. Look at the registration's status again.",
});

/**
 * Step 2 from the person's side: verify the secret at once, beside the reads of the registration and the staging of
 * the secret in the secret store, then hand the registration the secret's reference with the verdict, and answer
 * once the registration has taken it in (one episode: the registration stays the source of truth for its step). When
 * the verification could not decide (a transient fault, or no answer in time), the registration's activity verifies
 * with retries, and the request waits for its answer until the deadline, then answers "still verifying".
 * `handedOver` runs once the registration has the submission, beside the wait for its answer (the audit entries).
 */
export async function submitPartnerCenterCredentials(
  caller: Caller,
  input: { applicationId: string; domain: string; secret: string; secretExpiresAt?: string },
  deps: SubmitPartnerCenterCredentialsDeps,
  handedOver: (submission: HandedOver) => Promise<void> = () => Promise.resolve(),
): Promise<Result<SubmissionOutcome, FieldError>> {
  const submitted = deps.clock.now();
  const toVerify = {
    applicationId: input.applicationId,
    domain: input.domain,
    secretLooksLikeId: looksLikeGuid(input.secret),
    submittedAt: submitted.toISOString(),
  };
  const deadline = submitted.getTime() + deps.waitForOutcomeMs;
  // Started first: the person waits for the verification, not for the reads beside it (nothing is staged or handed
  // over before they allow it).
  const verifying = verifyInTime(toVerify, input.secret, deadline, deps);
  const record = await deps.payerAccounts.find(caller.organizationId);
  if (!record || record.state !== 'registering') return fail(registrationNotFound());
  const registrationId = record.registrationId;
  const progress = (await deps.workflow.state(registrationId))?.progress;
  if (progress?.step !== RegistrationStep.PartnerCenterCredentials) return fail(notAtThisStep());
  if (
    progress.status === RegistrationStatus.VerifyingPartnerCenterCredentials ||
    submissionNotYetTaken(record, progress.submissionId, deps.clock.now())
  )
    return fail(stillVerifying());

  const [staged, verdict] = await Promise.all([stage(registrationId, input, deps), verifying]);
  if (!staged.ok) return staged;
  const submission: HandedOver = {
    ...toVerify,
    submissionId: deps.newSubmissionId(),
    organizationId: caller.organizationId,
    registrationId,
    ...(input.secretExpiresAt ? { secretExpiresAt: input.secretExpiresAt } : {}),
    secret: staged.value,
    ...(verdict ? { verdict } : {}),
  };
  try {
    await deps.workflow.submitPartnerCenterCredentials(registrationId, submission);
  } catch (error) {
    await deps.secretStore.disableVersion(staged.value).catch(() => undefined);
    throw error;
  }
  const [outcome] = await Promise.all([
    awaitOutcome(registrationId, submission.submissionId, deadline, deps),
    handedOver(submission),
  ]);
  if (!outcome.ok) await deps.secretStore.disableVersion(staged.value).catch(() => undefined);
  if (outcome.ok && outcome.value.kind === 'pending') await markPending(record, submission, deps);
  return outcome;
}

/**
 * "Still verifying" is answered before the registration may have taken the submission (the engine's queues deliver
 * it): the account's row says so meanwhile, so that the registration reads as verifying and a second submission
 * waits. Best effort: without it the registration reads as it last published.
 */
async function markPending(
  record: PayerAccountRecord,
  submission: PartnerCenterCredentialsSubmission,
  deps: SubmitPartnerCenterCredentialsDeps,
): Promise<void> {
  const pendingSubmission = {
    registrationId: record.registrationId,
    submissionId: submission.submissionId,
    submittedAt: submission.submittedAt,
  };
  await saveAccountChanges(deps.payerAccounts, record, (current) =>
    current.registrationId === record.registrationId ? { pendingSubmission } : undefined,
  );
}

function stage(
  registrationId: string,
  input: { applicationId: string; secret: string },
  deps: SubmitPartnerCenterCredentialsDeps,
): Promise<Result<StagedSecret, FieldError>> {
  return stageSecret(deps.secretStore, stagedSecretNames(registrationId).partnerCenterSecret, input.secret, {
    contentType: 'client-secret',
    tags: { registrationId, applicationId: input.applicationId },
  });
}

/** The verdict, or undefined when the verification could not decide within the person's wait. */
async function verifyInTime(
  submission: SubmissionToVerify,
  secret: string,
  deadline: number,
  deps: SubmitPartnerCenterCredentialsDeps,
): Promise<VerificationResult | undefined> {
  // Whatever it throws, the registration's activity verifies again with retries, and records why it could not.
  const verifying = verifyWithSecret(submission, Promise.resolve(secret), deps.verification).catch(() => undefined);
  return Promise.race([verifying, deps.clock.sleep(deadline - deps.clock.now().getTime()).then(() => undefined)]);
}

/**
 * The registration's answer to this submission, as it publishes it: with the request's verdict in the event, one
 * episode away; without, after its activity. A failure when the registration ended or moved past step 2 through
 * another submission meanwhile (the engine drops the event then).
 */
async function awaitOutcome(
  registrationId: string,
  submissionId: string,
  deadline: number,
  deps: SubmitPartnerCenterCredentialsDeps,
): Promise<Result<SubmissionOutcome, FieldError>> {
  // A person is waiting: look within milliseconds, then less and less often (each look is one status read).
  for (const pause of backOff(deps.poll)) {
    if (deps.clock.now().getTime() >= deadline) break;
    await deps.clock.sleep(pause);
    const state = await deps.workflow.state(registrationId);
    if (!state || hasEnded(state)) return fail(registrationNotFound());
    const progress = state.progress;
    if (progress?.submissionId !== submissionId) {
      if (progress && progress.step !== RegistrationStep.PartnerCenterCredentials) return fail(notAtThisStep());
      continue;
    }
    if (progress.status === RegistrationStatus.VerifyingPartnerCenterCredentials) continue;
    if (progress.verified && !progress.error)
      return ok({ kind: 'verified', registrationId, partner: progress.verified });
    if (progress.error) return ok({ kind: 'rejected', registrationId, error: progress.error });
  }
  return ok({ kind: 'pending', registrationId, submissionId });
}
