/**
 * Long timers as the Durable Task extension runs them on its Azure Storage provider (whose timers are queue messages
 * with a bounded visibility delay): a timer due more than 6 days ahead is waited for in sub-timers of 3 days, each one
 * a TimerCreated/TimerFired pair of its own (DurableOrchestrationContext.CreateTimer in
 * Azure/azure-functions-durable-extension). The extension also hands both lengths to the SDK, whose LongTimerTask
 * expects the sub-timers.
 */
const DAY_MS = 24 * 3600_000;

/** The two lengths, as .NET TimeSpans (what the SDK is told) and in milliseconds. */
export interface LongTimerLimits {
  maximumShortTimer: { timeSpan: string; ms: number };
  interval: { timeSpan: string; ms: number };
}

/** The Azure Storage provider's (AzureStorageDurabilityProvider.MaximumDelayTime, LongRunningTimerIntervalLength). */
export const AZURE_STORAGE_LONG_TIMERS: LongTimerLimits = {
  maximumShortTimer: { timeSpan: '6.00:00:00', ms: 6 * DAY_MS },
  interval: { timeSpan: '3.00:00:00', ms: 3 * DAY_MS },
};

const TIME_SPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/;

/** A .NET TimeSpan ([d.]hh:mm:ss[.fffffff]) in milliseconds. */
export function timeSpanMs(value: string): number {
  const match = TIME_SPAN.exec(value);
  if (!match) throw new Error(`'${value}' is not a TimeSpan ([d.]hh:mm:ss[.fffffff])`);
  const [days, hours, minutes, seconds] = match.slice(1, 5).map((part) => Number(part ?? 0));
  const fraction = Number(`0.${match[5] ?? '0'}`);
  return (((days * 24 + hours) * 60 + minutes) * 60 + seconds + fraction) * 1000;
}

/**
 * The limits from the host's settings: LocalHost__MaximumShortTimer and LocalHost__LongTimerInterval (TimeSpans, both
 * or neither; tests shrink them to seconds, as the reference host shrinks the extension's), else Azure Storage's.
 */
export function longTimerLimits(settings: Record<string, string | undefined>): LongTimerLimits {
  const maximum = settings.LocalHost__MaximumShortTimer;
  const interval = settings.LocalHost__LongTimerInterval;
  if (!maximum && !interval) return AZURE_STORAGE_LONG_TIMERS;
  if (!maximum || !interval)
    throw new Error('LocalHost__MaximumShortTimer and LocalHost__LongTimerInterval are set together');
  const limits = {
    maximumShortTimer: { timeSpan: maximum, ms: timeSpanMs(maximum) },
    interval: { timeSpan: interval, ms: timeSpanMs(interval) },
  };
  if (!(limits.interval.ms > 0 && limits.interval.ms <= limits.maximumShortTimer.ms))
    throw new Error(
      'LocalHost__LongTimerInterval must be longer than zero and no longer than LocalHost__MaximumShortTimer',
    );
  return limits;
}

/** When a new timer's first sub-timer is due: the timer itself, unless it is long. */
export function firstSubTimer(limits: LongTimerLimits, now: number, fireAt: number): { dueAt: number; long: boolean } {
  return fireAt - now > limits.maximumShortTimer.ms
    ? { dueAt: now + limits.interval.ms, long: true }
    : { dueAt: fireAt, long: false };
}

/** After a sub-timer fired at `now`: when the next one is due, or undefined when the long timer is due. */
export function nextSubTimer(limits: LongTimerLimits, now: number, fireAt: number): number | undefined {
  const remaining = fireAt - now;
  if (remaining <= 0) return undefined;
  return remaining < limits.interval.ms ? fireAt : now + limits.interval.ms;
}
