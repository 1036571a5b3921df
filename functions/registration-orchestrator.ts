import type { OrchestrationContext, OrchestrationHandler, RetryOptions } from 'durable-functions';
import { Activity, ORCHESTRATOR, RegistrationEvent } from '../src/domain/durable-names';
import {
  RegistrationInput, RegistrationOutcome, RegistrationProgress, RegistrationStatus, RegistrationStep,
} from '../src/domain/registration';
import { registerOrchestration } from '../src/hosting/durable-registrations';

const HOUR_MS = 3600_000;

/** Activities touch storage and Microsoft: retried on transient faults, five attempts over about a minute. */
function retryPolicy(): RetryOptions {
  const { RetryOptions: Options } = require('durable-functions') as typeof import('durable-functions');
  const options = new Options(2000, 5);
  options.backoffCoefficient = 2;
  options.maxRetryIntervalInMilliseconds = 30_000;
  return options;
}

/**
 * One registration: waits for the person's Partner Center credentials, raced against the
 * registration's expiry and a cancellation. Deterministic: time only from currentUtcDateTime.
 */
export const registrationOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput() as RegistrationInput;
  const expiresAt = new Date(context.df.currentUtcDateTime.getTime() + input.expiresAfterHours * HOUR_MS);
  const publish = (status: RegistrationStatus) => {
    const progress: RegistrationProgress = { step: RegistrationStep.PartnerCenterCredentials, status, expiresAt: expiresAt.toISOString() };
    context.df.setCustomStatus(progress);
  };
  publish(RegistrationStatus.AwaitingPartnerCenterCredentials);

  const expiry = context.df.createTimer(expiresAt);
  const cancelled = context.df.waitForExternalEvent(RegistrationEvent.RegistrationCancelled);
  // Step 2's verification (issue 3) handles this event; until then a submission leaves the registration at step 2.
  let credentials = context.df.waitForExternalEvent(RegistrationEvent.PartnerCenterCredentialsSubmitted);
  let winner = yield context.df.Task.any([credentials, cancelled, expiry]);
  while (winner === credentials) {
    credentials = context.df.waitForExternalEvent(RegistrationEvent.PartnerCenterCredentialsSubmitted);
    winner = yield context.df.Task.any([credentials, cancelled, expiry]);
  }

  const outcome: RegistrationOutcome['outcome'] = winner === expiry ? 'expired' : 'cancelled';
  if (winner !== expiry) expiry.cancel();
  yield context.df.callActivityWithRetry(Activity.ReleaseRegistration, retryPolicy(), {
    organizationId: input.organizationId, registrationId: context.df.instanceId,
  });
  publish(outcome === 'expired' ? RegistrationStatus.Expired : RegistrationStatus.Cancelled);
  if (!context.df.isReplaying) context.log(`Registration ${context.df.instanceId} ended: ${outcome}`);
  return { outcome } satisfies RegistrationOutcome;
};

registerOrchestration(ORCHESTRATOR.Registration, registrationOrchestrator);
