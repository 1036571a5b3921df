import {
  AZURE_STORAGE_LONG_TIMERS,
  firstSubTimer,
  longTimerLimits,
  nextSubTimer,
  timeSpanMs,
} from '../../local/durable-host/long-timers';

const DAY = 86_400_000;

describe("the local host's long timers (the Azure Storage provider's thresholds, or shrunk ones for tests)", () => {
  it("defaults to Azure Storage's 6 days and 3-day sub-timers, as the extension tells the SDK", () => {
    expect(longTimerLimits({})).toEqual(AZURE_STORAGE_LONG_TIMERS);
    expect(AZURE_STORAGE_LONG_TIMERS).toEqual({
      maximumShortTimer: { timeSpan: '6.00:00:00', ms: 6 * DAY },
      interval: { timeSpan: '3.00:00:00', ms: 3 * DAY },
    });
  });

  it('takes both thresholds from the settings as .NET TimeSpans, and hands them to the SDK as written', () => {
    const limits = longTimerLimits({
      LocalHost__MaximumShortTimer: '00:00:30',
      LocalHost__LongTimerInterval: '00:00:03',
    });
    expect(limits).toEqual({
      maximumShortTimer: { timeSpan: '00:00:30', ms: 30_000 },
      interval: { timeSpan: '00:00:03', ms: 3000 },
    });
    expect(timeSpanMs('1.02:03:04.5')).toBe(DAY + (2 * 3600 + 3 * 60 + 4.5) * 1000);
  });

  it('refuses one threshold without the other, an interval longer than the maximum, and what is no TimeSpan', () => {
    expect(() => longTimerLimits({ LocalHost__MaximumShortTimer: '00:00:30' })).toThrow(/set together/);
    expect(() =>
      longTimerLimits({ LocalHost__MaximumShortTimer: '00:00:03', LocalHost__LongTimerInterval: '00:00:30' }),
    ).toThrow(/no longer than/);
    expect(() =>
      longTimerLimits({ LocalHost__MaximumShortTimer: '30 seconds', LocalHost__LongTimerInterval: '00:00:03' }),
    ).toThrow(/is not a TimeSpan/);
  });

  // DurableOrchestrationContext.CreateTimer in Azure/azure-functions-durable-extension: long beyond the maximum, then
  // one interval at a time until less than one remains.
  it('splits a timer beyond the maximum into sub-timers of one interval, the last one due at its own time', () => {
    const limits = longTimerLimits({
      LocalHost__MaximumShortTimer: '00:00:30',
      LocalHost__LongTimerInterval: '00:00:03',
    });
    expect(firstSubTimer(limits, 0, 30_000)).toEqual({ dueAt: 30_000, long: false });
    expect(firstSubTimer(limits, 0, 40_000)).toEqual({ dueAt: 3000, long: true });
    expect(nextSubTimer(limits, 36_000, 40_000)).toBe(39_000);
    expect(nextSubTimer(limits, 39_000, 40_000)).toBe(40_000);
    expect(nextSubTimer(limits, 40_000, 40_000)).toBeUndefined();
  });
});
