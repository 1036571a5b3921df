import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { DurableEngine, Stack, StackOptions } from '../../../local/stack';
import { startStack } from '../../../local/stack';

export const REPO = path.resolve(__dirname, '..', '..', '..', '..');
export const ENGINES: DurableEngine[] = ['local', 'reference'];

/**
 * Restores (and on first use builds) the reference host with the .NET SDK from NuGet: ok, or the reason this machine
 * cannot run it (restore.sh's exit 3), which the suites report as a visible skip. Anything else is a failure.
 */
export function restoreReferenceHost(): { ok: true } | { skipped: string } {
  const run = spawnSync('bash', [path.join(REPO, 'local', 'durable-reference', 'restore.sh')], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  if (run.status === 0) return { ok: true };
  const reason = /cannot run here: (.*)/.exec(run.stderr ?? '')?.[1];
  if (run.status === 3 && reason) return { skipped: reason };
  throw new Error(`restoring the reference host failed (exit ${run.status ?? run.signal}):\n${run.stderr}`);
}

/** One stack per engine with the same options; stacks start one after the other (2 cores), and stop together. */
export async function startStacks(options: Omit<StackOptions, 'engine'> = {}): Promise<Record<DurableEngine, Stack>> {
  const stacks: Partial<Record<DurableEngine, Stack>> = {};
  try {
    for (const engine of ENGINES) {
      const started = Date.now();
      stacks[engine] = await startStack({ ...options, engine });
      timings[`${engine} stack start`] = Date.now() - started;
    }
    return stacks as Record<DurableEngine, Stack>;
  } catch (error) {
    await stopStacks(stacks);
    throw error;
  }
}

export async function stopStacks(stacks: Partial<Record<DurableEngine, Stack>> | undefined): Promise<void> {
  await Promise.all(Object.values(stacks ?? {}).map((s) => s?.stop()));
}

/** Wall times of the suite's parts (ms), printed by each suite file at its end. */
export const timings: Record<string, number> = {};

export function printTimings(suite: string): void {
  const parts = Object.entries(timings).map(([k, v]) => `${k} ${v}`);
  process.stdout.write(`${suite} timings (ms): ${parts.join(', ')}\n`);
}
