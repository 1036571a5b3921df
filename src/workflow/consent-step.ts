import type { Task } from 'durable-functions';
import { mapConsentFailure } from '../domain/consent-errors';
import type { ConsentCompletion, ConsentResult, PartnerApiCredentialsSubmission } from '../domain/consent';
import type { CredentialError } from '../domain/credential-errors';
import { unavailable } from '../domain/credential-errors';
import { Activity, RegistrationEvent } from '../domain/durable-names';
import { ErrorCode } from '../domain/error-codes';
import type { RegistrationOutcome } from '../domain/registration';
import { RegistrationStatus } from '../domain/registration';
import type { VerifiedSecret } from './partner-center-credentials-step';
import type { RegistrationRun } from './registration-run';
import { HOUSEKEEPING, VERIFICATION } from './retry-policies';

/**
 * Step 3: a consent link per request (a new one replaces the old, and is e-mailed when asked), until the link
 * expires; the admin's consent on the link in force is redeemed. Until a redemption passes, or the
 * registration expires or is cancelled.
 */
export function* consentStep(
  run: RegistrationRun,
  staged: VerifiedSecret | undefined,
): Generator<Task, RegistrationOutcome, unknown> {
  let link: PartnerApiCredentialsSubmission | undefined;
  for (;;) {
    // A consent on the link in force comes before a request that would replace the link; the link expires.
    const race = yield* run.race(
      link
        ? [RegistrationEvent.ConsentCompleted, RegistrationEvent.PartnerApiCredentialsSubmitted]
        : [RegistrationEvent.PartnerApiCredentialsSubmitted],
      link && new Date(link.linkExpiresAt),
    );
    if (race.kind === 'ended') return yield* run.end(race.expired);
    if (race.kind === 'deadline') {
      run.publish({ status: RegistrationStatus.ConsentExpired });
      link = undefined;
      continue;
    }
    if (race.name === RegistrationEvent.PartnerApiCredentialsSubmitted) {
      link = race.result as PartnerApiCredentialsSubmission;
      yield* issueLink(run, link);
      continue;
    }
    const completion = race.result as ConsentCompletion;
    if (!link || completion.linkId !== link.linkId) continue;
    const result = yield* redeem(run, completion, link, staged);
    if (result.ok) {
      run.publish({ status: RegistrationStatus.Registered, error: undefined, consent: undefined });
      yield* run.deleteUnusedSecrets();
      run.log('payer account registered');
      return { outcome: 'registered' };
    }
    run.publish({ status: RegistrationStatus.AwaitingPartnerApiCredentials, error: result.error, consent: undefined });
    link = undefined;
  }
}

/** Publishes the new link as the one in force, and e-mails it when asked (a failed e-mail is said, not fatal). */
function* issueLink(run: RegistrationRun, link: PartnerApiCredentialsSubmission): Generator<Task, void, unknown> {
  const { linkId, linkExpiresAt, redirectUri, adminEmail, requestedBy } = link;
  run.publish({
    status: RegistrationStatus.AwaitingConsent,
    error: undefined,
    consent: { linkId, expiresAt: linkExpiresAt, redirectUri, ...(adminEmail ? { emailedTo: adminEmail } : {}) },
  });
  if (!adminEmail) return;
  try {
    yield run.context.df.callActivityWithRetry(Activity.SendConsentEmail, HOUSEKEEPING, {
      registrationId: run.registrationId,
      linkId,
      linkExpiresAt,
      to: adminEmail,
      requestedBy,
      companyName: run.progress.verified?.companyName,
      tenantId: run.progress.verified?.tenantId,
      reconsent: !!run.input.reconsent,
    });
  } catch {
    run.publish({ error: emailFailed(adminEmail) });
  }
}

/** The admin's answer: an error Microsoft sent, or the code redeemed and proven (unavailable when every attempt failed). */
function* redeem(
  run: RegistrationRun,
  completion: ConsentCompletion,
  link: PartnerApiCredentialsSubmission,
  staged: VerifiedSecret | undefined,
): Generator<Task, ConsentResult, unknown> {
  if ('error' in completion) return { ok: false, error: mapConsentFailure(completion.error, completion.errorCodes) };
  try {
    run.publish({ status: RegistrationStatus.RedeemingConsent });
    return (yield run.context.df.callActivityWithRetry(Activity.RedeemConsent, VERIFICATION, {
      registrationId: run.registrationId,
      organizationId: run.input.organizationId,
      accountName: run.input.accountName,
      completion,
      link,
      verified: run.progress.verified,
      partnerCenterSecret: staged?.secret,
      partnerCenterSecretExpiresAt: staged?.expiresAt,
      reconsent: !!run.input.reconsent,
    })) as ConsentResult;
  } catch {
    return { ok: false, error: unavailable(ErrorCode.IdentityProviderUnavailable, 'Entra ID or Key Vault') };
  }
}

function emailFailed(to: string): CredentialError {
  return {
    code: ErrorCode.EmailNotSent,
    field: 'adminEmail',
    message: `The consent e-mail to ${to} could not be sent. Copy the consent link to the admin yourself, or ask for a new link.`,
  };
}
