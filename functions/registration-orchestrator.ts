import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { ORCHESTRATOR } from '../src/domain/durable-names';
import { consentStep } from '../src/workflow/consent-step';
import { partnerCenterCredentialsStep } from '../src/workflow/partner-center-credentials-step';
import { RegistrationRun } from '../src/workflow/registration-run';

/**
 * One registration, or the re-consent of a registered account (step 3 only, over what the registration verified):
 * step 2 verifies Partner Center credentials, step 3 redeems the admin's consent; every wait races the registration's
 * expiry and its cancellation. Deterministic: time only from currentUtcDateTime, side effects only in activities.
 */
export const registrationOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  const run = new RegistrationRun(context);
  try {
    const { reconsent } = run.input;
    const verified = reconsent ? { secret: reconsent.applicationSecret } : yield* partnerCenterCredentialsStep(run);
    if ('ended' in verified) return verified.ended;
    return yield* consentStep(run, verified);
  } finally {
    // However it ends: the Durable Task Framework completes (or fails) an instance only once no timer of it is pending.
    run.cancelPendingTimers();
  }
};

df.app.orchestration(ORCHESTRATOR.Registration, registrationOrchestrator);
