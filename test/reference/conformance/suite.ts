/**
 * Runs one scenario on both engines and holds the observations against each other and the accepted differences.
 * Each observation is also written to test-output/conformance/<scenario>.<engine>.json for reading.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DurableEngine, Stack, StackOptions } from '../../../local/stack';
import type { AcceptedDifference } from './compare';
import { describeDifferences, judge, loadAcceptedDifferences } from './compare';
import { ENGINES, printTimings, REPO, restoreReferenceHost, startStacks, stopStacks, timings } from './engines';
import type { Observation, Scenario } from './observe';

const OUTPUT = path.join(REPO, 'test-output', 'conformance');

/** Entries of the accepted differences that the scenarios of this suite file used. */
export const usedEntries = new Set<AcceptedDifference>();

export interface RunOptions<C> {
  /** After the scenario on each engine: leave the stack as the next scenario expects it. */
  after?: (context: C) => Promise<void>;
  /** Run the two engines at the same time (for scenarios that mostly wait for real time). */
  parallel?: boolean;
}

export async function runOnBothEngines<C>(
  scenario: Scenario<C>,
  contexts: Record<DurableEngine, C>,
  accepted: AcceptedDifference[],
  options: RunOptions<C> = {},
): Promise<void> {
  const observed = {} as Record<DurableEngine, Observation>;
  const runOn = async (engine: DurableEngine) => {
    const started = Date.now();
    try {
      observed[engine] = await scenario.run(contexts[engine]);
    } catch (error) {
      throw new Error(`${scenario.name} on the ${engine} engine: ${(error as Error)?.stack ?? String(error)}`, {
        cause: error,
      });
    } finally {
      await options.after?.(contexts[engine]);
      timings[`${scenario.name} (${engine})`] = Date.now() - started;
    }
  };
  if (options.parallel) await Promise.all(ENGINES.map(runOn));
  else for (const engine of ENGINES) await runOn(engine);
  mkdirSync(OUTPUT, { recursive: true });
  for (const engine of ENGINES)
    writeFileSync(path.join(OUTPUT, `${scenario.name}.${engine}.json`), JSON.stringify(observed[engine], null, 2));

  for (const engine of ENGINES) {
    for (const [key, value] of Object.entries(scenario.expected)) {
      const actual = observed[engine][key as keyof Observation];
      if (JSON.stringify(actual) !== JSON.stringify(value))
        throw new Error(
          `${scenario.name} on the ${engine} engine: ${key} ${JSON.stringify(actual)}, expected ${JSON.stringify(value)}`,
        );
    }
  }
  const verdict = judge(scenario.name, observed.local, observed.reference, accepted);
  verdict.accepted.forEach(({ entry }) => usedEntries.add(entry));
  const reasons = [...new Set(verdict.accepted.map(({ entry }) => entry.reason))];
  process.stdout.write(
    `${scenario.name}: local ${observed.local.runtimeStatus} ${JSON.stringify(observed.local.output)}, reference ` +
      `${observed.reference.runtimeStatus} ${JSON.stringify(observed.reference.output)}; ` +
      `${verdict.accepted.length} accepted difference(s)${reasons.length ? ` (${reasons.length} reasons)` : ''}, ` +
      `${verdict.unexpected.length} unexpected\n`,
  );
  if (verdict.unexpected.length) {
    throw new Error(
      `${scenario.name}: the engines differ where no accepted difference says they may ` +
        `(observations in test-output/conformance/${scenario.name}.*.json):\n${describeDifferences(verdict.unexpected)}`,
    );
  }
}

export interface ConformanceSuite<C> {
  title: string;
  stackOptions?: Omit<StackOptions, 'engine'>;
  context(stack: Stack): C | Promise<C>;
  scenarios: Scenario<C>[];
  /** After each scenario on each engine: leave the stack as the next scenario expects it. */
  after?(context: C): Promise<void>;
  /** Run each scenario on the two engines at the same time. */
  parallel?: boolean;
  /** Further tests inside the suite's describe, given its stacks and contexts once started. */
  more?(running: () => { stacks: Record<DurableEngine, Stack>; contexts: Record<DurableEngine, C> }): void;
}

/**
 * A Jest describe that starts one stack per engine, runs every scenario on both and compares; a visible skip where
 * the reference host cannot be had (no .NET SDK, NuGet unreachable).
 */
export function conformanceSuite<C>(suite: ConformanceSuite<C>): void {
  const restored = restoreReferenceHost();
  if ('skipped' in restored) {
    // Jest does not name the tests of a suite skipped as a whole: the reason is printed as well.
    process.stdout.write(`${suite.title}: skipped: ${restored.skipped}\n`);
    describe(suite.title, () => {
      it.skip(`skipped: ${restored.skipped}`, () => undefined);
    });
    return;
  }
  const accepted = loadAcceptedDifferences(REPO);
  describe(suite.title, () => {
    let stacks: Record<DurableEngine, Stack>;
    let contexts: Record<DurableEngine, C>;
    beforeAll(async () => {
      stacks = await startStacks(suite.stackOptions);
      contexts = { local: await suite.context(stacks.local), reference: await suite.context(stacks.reference) };
    });
    afterAll(async () => {
      const started = Date.now();
      await stopStacks(stacks);
      timings[`${suite.title}: stacks stop`] = Date.now() - started;
      printTimings(suite.title);
      const used = accepted.flatMap((entry, i) => (usedEntries.has(entry) ? [`#${i + 1} ${entry.path}`] : []));
      process.stdout.write(`${suite.title}: accepted differences used: ${used.join('; ') || 'none'}\n`);
    });
    for (const scenario of suite.scenarios) {
      it(`${scenario.name}: ${scenario.title}`, () =>
        runOnBothEngines(scenario, contexts, accepted, { after: suite.after, parallel: suite.parallel }));
    }
    suite.more?.(() => ({ stacks, contexts }));
  });
}
