/** The keep-alive rounds of a running host, through the durable management API: for tests and benches. */
import { setTimeout as delay } from 'node:timers/promises';
import type { KeepAliveRoundReport } from '../src/domain/keep-alive-round';
import { KEEP_ALIVE_ROUND_PREFIX } from '../src/domain/keep-alive-round';
import type { Stack } from './stack';

export interface RoundInstance {
  instanceId: string;
  runtimeStatus: string;
  customStatus: KeepAliveRoundReport | null;
  output: KeepAliveRoundReport | null;
  createdTime: string;
  lastUpdatedTime: string;
}

/** Where the host answers and its master key. */
export interface HostAccess {
  hostUrl: string;
  masterKey: string;
}

export const hostOf = (stack: Stack): HostAccess => ({
  hostUrl: stack.host.url,
  masterKey: stack.settings.LocalHost__MasterKey,
});

const ENDED = ['Completed', 'Failed', 'Terminated'];

/** Every keep-alive round the task hub holds (`instanceIdPrefix`). */
export async function keepAliveRounds({ hostUrl, masterKey }: HostAccess): Promise<RoundInstance[]> {
  const url = new URL(`${hostUrl}/runtime/webhooks/durabletask/instances`);
  url.searchParams.set('instanceIdPrefix', KEEP_ALIVE_ROUND_PREFIX);
  url.searchParams.set('code', masterKey);
  url.searchParams.set('top', '1000');
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Listing keep-alive rounds answered ${res.status}`);
  return (await res.json()) as RoundInstance[];
}

/** Waits for a round that is not among `known` to end (at most `timeoutMs`), and answers it. */
export async function roundEnded(
  host: HostAccess,
  known: Set<string>,
  { timeoutMs = 60_000, pollMs = 50 }: { timeoutMs?: number; pollMs?: number } = {},
): Promise<RoundInstance> {
  const deadline = Date.now() + timeoutMs;
  let round: RoundInstance | undefined;
  while (Date.now() < deadline) {
    round = (await keepAliveRounds(host)).find((r) => !known.has(r.instanceId));
    if (round && ENDED.includes(round.runtimeStatus)) return round;
    await delay(pollMs);
  }
  throw new Error(`No keep-alive round ended within ${timeoutMs} ms (last seen: ${JSON.stringify(round)})`);
}

/**
 * Makes the keep-alive timer run (by `trigger`: the clock moved past its occurrence, or the admin API), waits for that
 * one run to succeed, then for the round it started to end, and answers that round.
 */
export async function runKeepAliveRound(
  stack: Stack,
  trigger: () => Promise<void>,
  options: { timeoutMs?: number; pollMs?: number } = {},
): Promise<RoundInstance> {
  const host = hostOf(stack);
  const known = new Set((await keepAliveRounds(host)).map((r) => r.instanceId));
  const before = (await stack.timerStatus('TokenKeepAlive')).invocationCount;
  await trigger();
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const timer = await stack.timerStatus('TokenKeepAlive');
    if (timer.invocationCount > before && !timer.running) {
      if (timer.invocationCount !== before + 1)
        throw new Error(`The timer ran ${timer.invocationCount - before} times`);
      if (timer.lastResult !== 'Succeeded') throw new Error(`The timer's run ended ${timer.lastResult}`);
      break;
    }
    if (Date.now() > deadline) throw new Error('The keep-alive timer did not run');
    await delay(options.pollMs ?? 50);
  }
  return roundEnded(host, known, { ...options, timeoutMs: Math.max(1000, deadline - Date.now()) });
}
