import type { OrchestrationContext, OrchestrationHandler, RetryOptions, Task } from 'durable-functions';
import type { CredentialError } from '../src/domain/credential-errors';
import { Activity, ORCHESTRATOR, RegistrationEvent } from '../src/domain/durable-names';
import type { ConsentCompletion, ConsentResult, PartnerApiCredentialsSubmission } from '../src/domain/consent';
import type {
  PartnerCenterCredentialsSubmission,
  StagedSecret,
  VerificationResult,
} from '../src/domain/partner-center-credentials';
import type { RegistrationInput, RegistrationOutcome, RegistrationProgress } from '../src/domain/registration';
import { RegistrationStatus, RegistrationStep } from '../src/domain/registration';
import { registerOrchestration } from '../src/hosting/durable-registrations';
import { EventWaits } from '../src/workflow/event-waits';

const HOUR_MS = 3600_000;

function retryPolicy(firstMs: number, attempts: number): RetryOptions {
  const { RetryOptions: Options } = require('durable-functions') as typeof import('durable-functions');
  const options = new Options(firstMs, attempts);
  options.backoffCoefficient = 2;
  options.maxRetryIntervalInMilliseconds = 30_000;
  return options;
}
/** Storage and Key Vault housekeeping: five attempts over about a minute. */
const housekeeping = () => retryPolicy(2000, 5);
/** Loaded only when needed: entry points stay cheap to load. */
function verificationUnavailable(): CredentialError {
  const { unavailable } =
    require('../src/domain/credential-errors') as typeof import('../src/domain/credential-errors');
  const { ErrorCode } = require('../src/domain/error-codes') as typeof import('../src/domain/error-codes');
  return unavailable(ErrorCode.IdentityProviderUnavailable, 'Entra ID or Key Vault');
}
function consentRefused(error: string, errorCodes: number[]): CredentialError {
  const { mapConsentFailure } =
    require('../src/domain/consent-errors') as typeof import('../src/domain/consent-errors');
  return mapConsentFailure(error, errorCodes);
}
/** A person is waiting for verification: three quick attempts for Entra ID or Key Vault hiccups. */
const verification = () => retryPolicy(1000, 3);

/**
 * One registration, or the re-consent of a registered account (step 3 only). Step 2 waits for
 * Partner Center credentials and verifies each submission until one passes; step 3 issues consent
 * links and redeems the admin's consent; all along, raced against the expiry and a cancellation.
 * Deterministic: time only from currentUtcDateTime; side effects only in activities.
 */
export const registrationOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput() as RegistrationInput;
  const registrationId = context.df.instanceId;
  const expiresAt = new Date(context.df.currentUtcDateTime.getTime() + input.expiresAfterHours * HOUR_MS);
  let progress: RegistrationProgress = input.reconsent
    ? {
        step: RegistrationStep.PartnerApiConsent,
        status: RegistrationStatus.AwaitingPartnerApiCredentials,
        expiresAt: expiresAt.toISOString(),
        verified: input.reconsent.verified,
      }
    : {
        step: RegistrationStep.PartnerCenterCredentials,
        status: RegistrationStatus.AwaitingPartnerCenterCredentials,
        expiresAt: expiresAt.toISOString(),
      };
  const publish = (changes: Partial<RegistrationProgress>) => {
    progress = { ...progress, ...changes };
    context.df.setCustomStatus(progress);
  };
  publish({});

  const events = new EventWaits(context);
  /**
   * Each race creates its own expiry timer (timers are scheduled actions; a lost one is cancelled).
   * An event that already arrived, a cancellation first, wins without waiting.
   */
  const race = function* (
    ...candidates: Task[]
  ): Generator<Task, { winner: Task; expired: boolean; cancelled: boolean }, Task> {
    const cancellation = events.for(RegistrationEvent.RegistrationCancelled);
    let winner = [cancellation, ...candidates].find((task) => task.isCompleted);
    if (!winner) {
      const expiry = context.df.createTimer(expiresAt);
      winner = yield context.df.Task.any([...candidates, cancellation, expiry]);
      if (winner !== expiry) expiry.cancel();
      else return { winner, expired: true, cancelled: false };
    }
    events.handled(winner);
    return { winner, expired: false, cancelled: winner === cancellation };
  };
  const end = function* (expired: boolean): Generator<Task, RegistrationOutcome, unknown> {
    const outcome = expired ? 'expired' : 'cancelled';
    yield context.df.callActivityWithRetry(Activity.CleanUpRegistration, housekeeping(), {
      organizationId: input.organizationId,
      registrationId,
    });
    publish({ status: expired ? RegistrationStatus.Expired : RegistrationStatus.Cancelled });
    if (!context.df.isReplaying) context.log(`Registration ${registrationId} ended: ${outcome}`);
    return { outcome };
  };

  let staged: StagedSecret | undefined = input.reconsent?.applicationSecret;
  let stagedExpiresAt: string | undefined;
  while (!input.reconsent) {
    const credentials = events.for(RegistrationEvent.PartnerCenterCredentialsSubmitted);
    const { winner, expired } = yield* race(credentials);
    if (winner !== credentials) return yield* end(expired);
    const submission = credentials.result as PartnerCenterCredentialsSubmission;
    publish({
      status: RegistrationStatus.VerifyingPartnerCenterCredentials,
      submissionId: submission.submissionId,
      error: undefined,
    });
    if (staged && staged.version !== submission.secret.version) {
      yield context.df.callActivityWithRetry(Activity.DisableStagedSecret, housekeeping(), staged);
    }
    staged = submission.secret;
    stagedExpiresAt = submission.secretExpiresAt;
    let result: VerificationResult;
    try {
      result = yield context.df.callActivityWithRetry(
        Activity.VerifyPartnerCenterCredentials,
        verification(),
        submission,
      );
    } catch {
      result = { ok: false, error: verificationUnavailable() };
    }
    if (result.ok) {
      publish({
        step: RegistrationStep.PartnerApiConsent,
        status: RegistrationStatus.AwaitingPartnerApiCredentials,
        verified: result.partner,
        error: undefined,
      });
      if (!context.df.isReplaying)
        context.log(
          `Registration ${registrationId}: Partner Center credentials verified for tenant ${result.partner.tenantId}`,
        );
      break;
    }
    publish({ status: RegistrationStatus.AwaitingPartnerCenterCredentials, error: result.error });
    if (!context.df.isReplaying)
      context.log(
        `Registration ${registrationId}: credentials refused (${result.error.code}${result.error.aadsts ? `, AADSTS${result.error.aadsts}` : ''})`,
      );
  }

  // Step 3: a consent link per request (a new one replaces the old), raced against the link's expiry.
  let link: PartnerApiCredentialsSubmission | undefined;
  for (;;) {
    const request = events.for(RegistrationEvent.PartnerApiCredentialsSubmitted);
    const consent = link ? events.for(RegistrationEvent.ConsentCompleted) : undefined;
    const linkExpiry = link ? context.df.createTimer(new Date(link.linkExpiresAt)) : undefined;
    // A consent on the link in force comes before a request that would replace the link.
    const { winner, expired } = yield* race(...(consent && linkExpiry ? [consent, linkExpiry] : []), request);
    if (linkExpiry && winner !== linkExpiry) linkExpiry.cancel();
    if (winner === request) {
      link = request.result as PartnerApiCredentialsSubmission;
      publish({
        status: RegistrationStatus.AwaitingConsent,
        error: undefined,
        consent: {
          linkId: link.linkId,
          expiresAt: link.linkExpiresAt,
          redirectUri: link.redirectUri,
          ...(link.adminEmail ? { emailedTo: link.adminEmail } : {}),
        },
      });
      if (link.adminEmail) {
        try {
          yield context.df.callActivityWithRetry(Activity.SendConsentEmail, housekeeping(), {
            registrationId,
            linkId: link.linkId,
            linkExpiresAt: link.linkExpiresAt,
            to: link.adminEmail,
            requestedBy: link.requestedBy,
            companyName: progress.verified?.companyName,
            tenantId: progress.verified?.tenantId,
            reconsent: !!input.reconsent,
          });
        } catch {
          publish({ error: emailFailed(link.adminEmail) });
        }
      }
      continue;
    }
    if (winner === linkExpiry) {
      publish({ status: RegistrationStatus.ConsentExpired });
      link = undefined;
      continue;
    }
    if (winner !== consent) return yield* end(expired);
    const completion = (consent as Task).result as ConsentCompletion;
    if (!link || completion.linkId !== link.linkId) continue;
    let result: ConsentResult;
    if ('error' in completion) {
      result = { ok: false, error: consentRefused(completion.error, completion.errorCodes) };
    } else
      try {
        publish({ status: RegistrationStatus.RedeemingConsent });
        result = yield context.df.callActivityWithRetry(Activity.RedeemConsent, verification(), {
          registrationId,
          organizationId: input.organizationId,
          accountName: input.accountName,
          completion,
          link,
          verified: progress.verified,
          partnerCenterSecret: staged,
          partnerCenterSecretExpiresAt: stagedExpiresAt,
          reconsent: !!input.reconsent,
        });
      } catch {
        result = { ok: false, error: verificationUnavailable() };
      }
    if (result.ok) {
      publish({ status: RegistrationStatus.Registered, error: undefined, consent: undefined });
      if (!context.df.isReplaying) context.log(`Registration ${registrationId}: payer account registered`);
      return { outcome: 'registered' } satisfies RegistrationOutcome;
    }
    publish({ status: RegistrationStatus.AwaitingPartnerApiCredentials, error: result.error, consent: undefined });
    link = undefined;
  }
};

function emailFailed(to: string): CredentialError {
  return {
    code: 'email_not_sent',
    field: 'adminEmail',
    message: `The consent e-mail to ${to} could not be sent. Copy the consent link to the admin yourself, or ask for a new link.`,
  };
}

registerOrchestration(ORCHESTRATOR.Registration, registrationOrchestrator);
