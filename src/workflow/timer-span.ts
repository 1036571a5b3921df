import type { OrchestrationContext } from 'durable-functions';

const DAY_MS = 86_400_000;
/** Azure Storage's MaximumDelayTime, for an SDK that was not told the engine's. */
const AZURE_STORAGE_MAXIMUM_SHORT_TIMER_MS = 6 * DAY_MS;

/**
 * The longest timer the orchestrator creates: half the longest that the Durable engine takes as one timer, which the
 * extension hands the SDK as `maximumShortTimerDuration` (6 days on Azure Storage, so 3 days). Microsoft's advice for
 * JavaScript apps, whose durable timers are "limited to six days": the timer APIs in a loop
 * (https://learn.microsoft.com/en-us/azure/azure-functions/durable/durable-functions-timers, Timer limitations).
 *
 * A longer timer the extension waits for in 3-day sub-timers, and the SDK's LongTimerTask with it, until the timer is
 * cancelled: then the extension's out-of-process shim creates no more sub-timers, yet the SDK numbers a new one each
 * time a pending one fires, and on replay the shim creates only the first one. Azure then fails the instance as
 * non-deterministic, or it waits forever (test/reference/long-timers-conformance.test.ts and
 * sample-long-timers-conformance.test.ts). Half, because when the instance ends and its pending timers are cancelled
 * (RegistrationRun.cancelPendingTimers), the shim replays the actions that follow a race with a cancelled timer as
 * soon as it reaches them, at that race's time: a timer created up to one span later then looks up to twice as long
 * to the extension, and must still be a short one.
 */
export function timerSpanMs(context: OrchestrationContext): number {
  // Not in the SDK's typings: the extension's binding data (schema V3 and later) as the SDK parsed it.
  const told = (context.df as unknown as { maximumShortTimerDuration?: { asMilliseconds(): number } })
    .maximumShortTimerDuration;
  return (told?.asMilliseconds() || AZURE_STORAGE_MAXIMUM_SHORT_TIMER_MS) / 2;
}
