import type { Clock } from './clock';
import type { DurableStore, TimerStatus } from './durable-store';
import type { RegisteredFunction } from './functions-core-shim';
import type { Invoker, LogSink, RpcTypedData } from './invoker';
import type { TimerSchedule } from './timer-schedule';
import { parseSchedule } from './timer-schedule';

export interface TimerView {
  name: string;
  schedule: string;
  last: string | null;
  next: string | null;
  running: boolean;
  lastResult: 'Succeeded' | 'Failed' | null;
  invocationCount: number;
}

interface TimerFunction {
  fn: RegisteredFunction;
  schedule: TimerSchedule;
  status?: TimerStatus;
  /** Invocations run one after another (the host's singleton lock on a timer function). */
  tail: Promise<void>;
  queued: number;
  invocationCount: number;
  lastResult?: 'Succeeded' | 'Failed';
  cancelWake?: () => void;
}

export interface ScheduledFunction {
  fn: RegisteredFunction;
  schedule: TimerSchedule;
}

/** The app's timer functions with their schedules; throws, naming the function, when one is invalid. */
export function scheduledFunctions(
  fns: RegisteredFunction[],
  settings: Record<string, string | undefined>,
): ScheduledFunction[] {
  return fns.map((fn) => ({ fn, schedule: parseSchedule(fn.metadata.name, fn.trigger.schedule, settings) }));
}

export interface TimerDependencies {
  clock: Clock;
  store: DurableStore;
  invoker: Invoker;
  log: LogSink;
  /** Input data of the function's other input bindings (the durable client). */
  extraInputs(fn: RegisteredFunction): Record<string, RpcTypedData>;
}

/** A UTC instant as Json.NET writes the host's local DateTime on a UTC machine; `undefined` is DateTime's default. */
export function dotNetTime(ms: number | undefined): string {
  if (ms === undefined) return '0001-01-01T00:00:00';
  const iso = new Date(ms).toISOString();
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ''}+00:00`;
}

/**
 * Runs the app's timer triggers by the host's clock as the Functions host does with `useMonitor`:
 * the schedule status is persisted, a missed occurrence runs once past due (also across restarts),
 * and runs of one function never overlap.
 */
export class TimerScheduler {
  private readonly timers = new Map<string, TimerFunction>();
  private stopped = false;

  constructor(
    functions: ScheduledFunction[],
    private readonly deps: TimerDependencies,
  ) {
    for (const { fn, schedule } of functions) {
      this.timers.set(fn.metadata.name, { fn, schedule, tail: Promise.resolve(), queued: 0, invocationCount: 0 });
    }
  }

  async start(): Promise<void> {
    const { clock, store } = this.deps;
    for (const [name, timer] of this.timers) {
      const now = clock.now();
      let status = await store.loadTimerStatus(name);
      // As the host does: if the schedule changed while it was down, Next follows the new schedule.
      const expected = status ? timer.schedule.next(status.last ?? status.lastUpdated) : timer.schedule.next(now);
      if (status?.next !== expected) {
        status = { ...status, next: expected, lastUpdated: now };
        await store.saveTimerStatus(name, status);
      }
      timer.status = status;
      if (now > status.next) {
        this.enqueue(timer, () => this.runOccurrence(timer, true));
      } else {
        if (timer.fn.trigger.runOnStartup === true) {
          this.enqueue(timer, () => this.invoke(timer, false, `Timer fired at ${dotNetTime(now)}`));
        }
        this.arm(timer);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) timer.cancelWake?.();
  }

  /** Runs the function now, as the admin API does: the status is passed but not advanced. */
  invokeNow(name: string): boolean {
    const timer = this.timers.get(name);
    if (!timer) return false;
    this.enqueue(timer, () =>
      this.invoke(timer, false, 'This function was programmatically called via the host APIs.'),
    );
    return true;
  }

  /** The registered name; the admin API matches function names regardless of case. */
  find(name: string): string | undefined {
    return [...this.timers.keys()].find((key) => key.toLowerCase() === name.toLowerCase());
  }

  list(): TimerView[] {
    const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
    return [...this.timers].map(([name, t]) => ({
      name,
      schedule: t.schedule.expression,
      last: iso(t.status?.last),
      next: iso(t.status?.next),
      running: t.queued > 0,
      lastResult: t.lastResult ?? null,
      invocationCount: t.invocationCount,
    }));
  }

  private arm(timer: TimerFunction): void {
    if (this.stopped || !timer.status) return;
    const due = timer.status.next;
    timer.cancelWake = this.deps.clock.wakeAt(due, () => {
      timer.cancelWake = undefined;
      this.enqueue(timer, () => this.runOccurrence(timer, false));
    });
  }

  /** Runs the occurrence `status.next`, then records it and arms the next one. */
  private async runOccurrence(timer: TimerFunction, missedWhileDown: boolean): Promise<void> {
    const name = timer.fn.metadata.name;
    const due = (timer.status as TimerStatus).next;
    const invokedAt = this.deps.clock.now();
    // Past due when the clock passed more than one occurrence (it jumped, or a run outlasted a period).
    const pastDue = missedWhileDown || timer.schedule.next(due) <= invokedAt;
    await this.invoke(timer, pastDue, `Timer fired at ${dotNetTime(invokedAt)}`);
    // On time, the next occurrence follows the scheduled one; past due, it follows now.
    const last = pastDue ? invokedAt : due;
    timer.status = { last, next: timer.schedule.next(last), lastUpdated: this.deps.clock.now() };
    if (this.stopped) return;
    await this.deps.store
      .saveTimerStatus(name, timer.status)
      .catch((error) =>
        this.deps.log('error', 'system', name, `Saving the schedule status failed: ${(error as Error).message}`),
      );
    this.arm(timer);
  }

  private async invoke(timer: TimerFunction, isPastDue: boolean, reason: string): Promise<void> {
    const { fn } = timer;
    const name = fn.metadata.name;
    const status = timer.status;
    const info = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: status
        ? { Last: dotNetTime(status.last), Next: dotNetTime(status.next), LastUpdated: dotNetTime(status.lastUpdated) }
        : null,
      IsPastDue: isPastDue,
    };
    this.deps.log('information', 'system', name, `Executing 'Functions.${name}' (Reason='${reason}')`);
    const started = Date.now();
    try {
      await this.deps.invoker.invoke(fn, {
        [fn.triggerName]: { json: JSON.stringify(info) },
        ...this.deps.extraInputs(fn),
      });
      timer.lastResult = 'Succeeded';
      this.deps.log(
        'information',
        'system',
        name,
        `Executed 'Functions.${name}' (Succeeded, Duration=${Date.now() - started}ms)`,
      );
    } catch (error) {
      timer.lastResult = 'Failed';
      this.deps.log(
        'error',
        'system',
        name,
        `Executed 'Functions.${name}' (Failed, Duration=${Date.now() - started}ms): ${(error as Error)?.stack ?? String(error)}`,
      );
    } finally {
      timer.invocationCount++;
    }
  }

  private enqueue(timer: TimerFunction, run: () => Promise<void>): void {
    timer.queued++;
    timer.tail = timer.tail
      .then(() => (this.stopped ? undefined : run()))
      .catch((error) =>
        this.deps.log('error', 'system', timer.fn.metadata.name, (error as Error)?.stack ?? String(error)),
      )
      .finally(() => {
        timer.queued--;
      });
  }
}
