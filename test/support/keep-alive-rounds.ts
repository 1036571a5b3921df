import type { Stack } from '../../local/stack';
import type { KeepAliveRoundReport } from '../../src/domain/keep-alive-round';
import { until } from './registration-driver';

export interface RoundInstance {
  instanceId: string;
  runtimeStatus: string;
  customStatus: KeepAliveRoundReport | null;
  output: KeepAliveRoundReport | null;
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

/** The keep-alive rounds the task hub holds, through the durable management API (`instanceIdPrefix`). */
export async function keepAliveRounds({ hostUrl, masterKey }: HostAccess): Promise<RoundInstance[]> {
  const url = new URL(`${hostUrl}/runtime/webhooks/durabletask/instances`);
  url.searchParams.set('instanceIdPrefix', 'keep-alive-');
  url.searchParams.set('code', masterKey);
  url.searchParams.set('top', '1000');
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Listing keep-alive rounds answered ${res.status}`);
  return (await res.json()) as RoundInstance[];
}

/**
 * Makes the keep-alive timer run (by `trigger`: the clock moved past its occurrence, or the admin API), waits for that
 * run, then for the round it started to end, and answers that round.
 */
export async function runKeepAliveRound(
  stack: Stack,
  trigger: () => Promise<void>,
  tries = 1200,
): Promise<RoundInstance> {
  const known = new Set((await keepAliveRounds(hostOf(stack))).map((r) => r.instanceId));
  const before = (await stack.timerStatus('TokenKeepAlive')).invocationCount;
  await trigger();
  const ran = await until(
    async () => {
      const status = await stack.timerStatus('TokenKeepAlive');
      return status.invocationCount > before && !status.running;
    },
    tries,
    50,
  );
  if (!ran) throw new Error('The keep-alive timer did not run');
  const timer = await stack.timerStatus('TokenKeepAlive');
  if (timer.invocationCount !== before + 1)
    throw new Error(`The keep-alive timer ran ${timer.invocationCount - before} times`);
  if (timer.lastResult !== 'Succeeded') throw new Error(`The keep-alive timer's run ended ${timer.lastResult}`);
  return roundEnded(hostOf(stack), known, tries);
}

/** Waits for a round that is not among `known` to end, and answers it. */
export async function roundEnded(host: HostAccess, known: Set<string>, tries = 1200): Promise<RoundInstance> {
  let round: RoundInstance | undefined;
  const ended = await until(
    async () => {
      round = (await keepAliveRounds(host)).find((r) => !known.has(r.instanceId));
      return !!round && ['Completed', 'Failed', 'Terminated'].includes(round.runtimeStatus);
    },
    tries,
    50,
  );
  if (!ended || !round) throw new Error(`No keep-alive round ended (last seen: ${JSON.stringify(round)})`);
  return round;
}
