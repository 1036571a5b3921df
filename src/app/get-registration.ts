import { handMadeLink } from '../domain/consent';
import type { Caller } from '../domain/payer-account';
import { submissionNotYetTaken } from '../domain/payer-account';
import type { FieldError, Result } from '../domain/error-codes';
import { ErrorCode, fail, ok } from '../domain/error-codes';
import type { RegistrationView } from '../domain/registration';
import { RegistrationStatus, RegistrationStep } from '../domain/registration';
import type { Clock } from '../ports/clock';
import type { PayerAccounts } from '../ports/payer-accounts';
import type { RegistrationWorkflow } from '../ports/registration-workflow';
import { hasEnded } from '../ports/registration-workflow';

export const registrationNotFound = (): FieldError => ({
  code: ErrorCode.RegistrationNotFound,
  message:
    'Your organization has no payer account registration in progress. Start one with POST /api/payer-account/registration.',
});

/** The caller's organization's registration in progress, with the progress its workflow published. */
export async function getRegistration(
  caller: Caller,
  deps: {
    payerAccounts: PayerAccounts;
    workflow: RegistrationWorkflow;
    clock: Clock;
    consentLink?: (registrationId: string, linkId: string, expiresAt: string) => Promise<string>;
    /** Where the hand-made sign-in address points, and this product's callback (which gets none). */
    authority?: { host: string; callbackUrl: string };
  },
): Promise<Result<RegistrationView>> {
  const record = await deps.payerAccounts.find(caller.organizationId);
  if (!record || record.state !== 'registering') return fail(registrationNotFound());
  const state = await deps.workflow.state(record.registrationId);
  // Ended without its clean-up (terminated by ops, or failed): nothing is in progress; step 1 takes the claim over.
  if (state && hasEnded(state)) return fail(registrationNotFound());
  const progress = state?.progress;
  // Step 2 answered "still verifying" before the registration took the submission: it reads as verifying until then.
  const taking =
    progress?.step === RegistrationStep.PartnerCenterCredentials &&
    submissionNotYetTaken(record, progress.submissionId, deps.clock.now());
  return ok({
    registrationId: record.registrationId,
    accountName: record.accountName,
    step: progress?.step ?? RegistrationStep.PartnerCenterCredentials,
    status: taking ? RegistrationStatus.VerifyingPartnerCenterCredentials : (progress?.status ?? 'starting'),
    createdAt: record.createdAt,
    expiresAt: state?.progress?.expiresAt,
    verified: state?.progress?.verified,
    error: taking ? undefined : state?.progress?.error,
    consent: state?.progress?.consent && {
      ...state.progress.consent,
      // The link itself is never stored: it is signed again for the person who asks.
      ...(deps.consentLink && state.progress.status === RegistrationStatus.AwaitingConsent
        ? {
            consentLink: await deps.consentLink(
              record.registrationId,
              state.progress.consent.linkId,
              state.progress.consent.expiresAt,
            ),
          }
        : {}),
      ...(deps.authority && state.progress.verified
        ? handMadeLink(deps.authority, state.progress.verified, state.progress.consent.redirectUri)
        : {}),
    },
  });
}
