/**
 * Long timers as the Durable Task extension runs them on its Azure Storage provider (whose timers are queue messages
 * with a bounded visibility delay): a timer due more than 6 days ahead is waited for in sub-timers of 3 days, each one
 * a TimerCreated/TimerFired pair of its own (DurableOrchestrationContext.CreateTimer in
 * Azure/azure-functions-durable-extension). The extension also hands both lengths to the SDK, whose LongTimerTask
 * expects the sub-timers.
 */
const DAY_MS = 24 * 3600_000;
export const MAXIMUM_SHORT_TIMER = { timeSpan: '6.00:00:00', ms: 6 * DAY_MS };
export const LONG_TIMER_INTERVAL = { timeSpan: '3.00:00:00', ms: 3 * DAY_MS };

/** When a new timer's first sub-timer is due: the timer itself, unless it is long. */
export function firstSubTimer(now: number, fireAt: number): { dueAt: number; long: boolean } {
  return fireAt - now > MAXIMUM_SHORT_TIMER.ms
    ? { dueAt: now + LONG_TIMER_INTERVAL.ms, long: true }
    : { dueAt: fireAt, long: false };
}

/** After a sub-timer fired at `now`: when the next one is due, or undefined when the long timer is due. */
export function nextSubTimer(now: number, fireAt: number): number | undefined {
  const remaining = fireAt - now;
  if (remaining <= 0) return undefined;
  return remaining < LONG_TIMER_INTERVAL.ms ? fireAt : now + LONG_TIMER_INTERVAL.ms;
}
