/**
 * The registration when its expiry's timers fire between its steps, on both Durable engines, in real time: the
 * engines' long-timer thresholds shrunk to seconds (LONG_TIMER_STACK), as are the registration's expiry and its link.
 * `npm run test:reference`.
 */
import {
  cleanUp,
  LONG_TIMER_STACK,
  longTimerScenarios,
  registrationContext,
} from './conformance/registration-scenarios';
import { conformanceSuite } from './conformance/suite';

conformanceSuite({
  title: 'conformance of the registration across its timers on both Durable engines',
  stackOptions: LONG_TIMER_STACK,
  context: registrationContext,
  scenarios: longTimerScenarios,
  after: cleanUp,
  // The scenario mostly waits for its timers in real time: both engines at once.
  parallel: true,
});
