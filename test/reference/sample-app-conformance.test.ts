/**
 * The sample app's orchestrators (test/fixtures/sample-app) on both Durable engines: the Durable features the
 * registration relies on, each alone. `npm run test:reference`.
 */
import * as path from 'node:path';
import { REPO } from './conformance/engines';
import { sampleContext, sampleScenarios } from './conformance/sample-scenarios';
import { conformanceSuite } from './conformance/suite';

conformanceSuite({
  title: "conformance of the sample app's orchestrators on both Durable engines",
  stackOptions: {
    appRoot: path.join(REPO, 'test', 'fixtures', 'sample-app'),
    settings: { SampleHub: 'SampleConformance' },
  },
  context: sampleContext,
  scenarios: sampleScenarios,
});
