/**
 * The registration's short timers on both Durable engines, in real time: a consent link and a registration that expire
 * within seconds (CONSENT_LINK_TTL_HOURS and REGISTRATION_EXPIRY_HOURS in fractions of an hour). `npm run test:reference`.
 */
import {
  cleanUp,
  registrationContext,
  SHORT_TIMER_SETTINGS,
  shortTimerScenarios,
} from './conformance/registration-scenarios';
import { conformanceSuite } from './conformance/suite';

conformanceSuite({
  title: 'conformance of the short timers on both Durable engines',
  stackOptions: { settings: SHORT_TIMER_SETTINGS },
  context: registrationContext,
  scenarios: shortTimerScenarios,
  after: cleanUp,
  // The scenario mostly waits for its timers in real time: both engines at once.
  parallel: true,
});
