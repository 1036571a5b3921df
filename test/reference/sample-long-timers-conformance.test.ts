/**
 * The sample app's long timer cancelled before and after its first sub-timer fired, on both Durable engines, in real
 * time: the engines' long-timer thresholds shrunk to seconds (LONG_TIMERS). `npm run test:reference`.
 */
import * as path from 'node:path';
import { REPO } from './conformance/engines';
import { LONG_TIMERS, sampleContext, sampleLongTimerScenarios } from './conformance/sample-scenarios';
import { conformanceSuite } from './conformance/suite';

conformanceSuite({
  title: "conformance of the sample app's long timers on both Durable engines",
  stackOptions: {
    appRoot: path.join(REPO, 'test', 'fixtures', 'sample-app'),
    settings: { SampleHub: 'SampleLongTimers' },
    longTimers: LONG_TIMERS,
  },
  context: sampleContext,
  scenarios: sampleLongTimerScenarios,
  // The scenarios mostly wait for their timers in real time: both engines at once.
  parallel: true,
});
