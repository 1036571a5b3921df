import type { Task } from 'durable-functions';
import { unavailable } from '../domain/credential-errors';
import { Activity, RegistrationEvent } from '../domain/durable-names';
import { ErrorCode } from '../domain/error-codes';
import type {
  PartnerCenterCredentialsSubmission,
  StagedSecret,
  VerificationResult,
} from '../domain/partner-center-credentials';
import type { RegistrationOutcome } from '../domain/registration';
import { RegistrationStatus, RegistrationStep } from '../domain/registration';
import type { RegistrationRun } from './registration-run';
import { HOUSEKEEPING, VERIFICATION } from './retry-policies';

/** The application secret that passed step 2 (staged in Key Vault; the workflow holds only its reference). */
export interface VerifiedSecret {
  secret: StagedSecret;
  expiresAt?: string;
}

/**
 * Step 2: waits for Partner Center credentials and verifies each submission until one passes. A replaced staged
 * secret is disabled. Ends the registration when it expires or is cancelled first.
 */
export function* partnerCenterCredentialsStep(
  run: RegistrationRun,
): Generator<Task, VerifiedSecret | { ended: RegistrationOutcome }, unknown> {
  let staged: StagedSecret | undefined;
  for (;;) {
    const race = yield* run.race([RegistrationEvent.PartnerCenterCredentialsSubmitted]);
    if (race.kind === 'ended') return { ended: yield* run.end(race.expired) };
    const submission = race.result as PartnerCenterCredentialsSubmission;
    run.publish({
      status: RegistrationStatus.VerifyingPartnerCenterCredentials,
      submissionId: submission.submissionId,
      error: undefined,
    });
    // The request verified it already when it could (the person waits for this episode only, and the request audits
    // the verdict); the activity verifies when the request could not decide.
    if (submission.verdict) publishVerdict(run, submission.verdict);
    if (staged && staged.version !== submission.secret.version) {
      yield run.context.df.callActivityWithRetry(Activity.DisableStagedSecret, HOUSEKEEPING, staged);
    }
    staged = submission.secret;
    const result = submission.verdict ?? (yield* verify(run, submission));
    publishVerdict(run, result);
    if (result.ok) {
      run.log(`Partner Center credentials verified for tenant ${result.partner.tenantId}`);
      return { secret: staged, expiresAt: submission.secretExpiresAt };
    }
    const { code, aadsts } = result.error;
    run.log(`credentials refused (${code}${aadsts ? `, AADSTS${aadsts}` : ''})`);
  }
}

function publishVerdict(run: RegistrationRun, result: VerificationResult): void {
  if (result.ok)
    run.publish({
      step: RegistrationStep.PartnerApiConsent,
      status: RegistrationStatus.AwaitingPartnerApiCredentials,
      verified: result.partner,
      error: undefined,
    });
  else run.publish({ status: RegistrationStatus.AwaitingPartnerCenterCredentials, error: result.error });
}

/** The verification's verdict; when every attempt failed, Entra ID or Key Vault were unavailable. */
function* verify(
  run: RegistrationRun,
  submission: PartnerCenterCredentialsSubmission,
): Generator<Task, VerificationResult, unknown> {
  try {
    return (yield run.context.df.callActivityWithRetry(
      Activity.VerifyPartnerCenterCredentials,
      VERIFICATION,
      submission,
    )) as VerificationResult;
  } catch {
    return { ok: false, error: unavailable(ErrorCode.IdentityProviderUnavailable, 'Entra ID or Key Vault') };
  }
}
