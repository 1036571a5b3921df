import type { TimerView } from '../../local/durable-host/timer-scheduler';
import type { Stack } from '../../local/stack';
import { until } from './registration-driver';

/**
 * Makes a timer function run (`start`: by hand through the admin API, or by moving the clock past its schedule) and
 * waits until that run ended: the timer's status then, or undefined when no run ended in time.
 */
export async function timerRun(
  stack: Stack,
  name: string,
  start: () => Promise<unknown> = () => stack.runFunction(name),
  wait: { tries?: number; everyMs?: number } = {},
): Promise<TimerView | undefined> {
  const before = (await stack.timerStatus(name)).invocationCount;
  await start();
  let status: TimerView | undefined;
  const ended = await until(
    async () => {
      status = await stack.timerStatus(name);
      return status.invocationCount > before && !status.running;
    },
    wait.tries,
    wait.everyMs,
  );
  return ended ? status : undefined;
}
