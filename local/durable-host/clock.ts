/**
 * The host's notion of time. Orchestrations see it as `currentUtcDateTime` and durable timers fire
 * by it, so tests can move it days ahead while everything else runs in real time.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` once the clock reaches `at`; returns a cancel function. */
  wakeAt(at: number, fn: () => void): () => void;
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** System time plus an offset that only moves forward. */
export class AdjustableClock implements Clock {
  constructor(private offsetMs = 0) {}

  get offset(): number {
    return this.offsetMs;
  }

  private readonly waiters = new Set<{ at: number; fn: () => void; handle?: NodeJS.Timeout }>();

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('The clock only moves forward');
    this.offsetMs += ms;
    for (const waiter of [...this.waiters]) this.arm(waiter);
  }

  wakeAt(at: number, fn: () => void): () => void {
    const waiter: { at: number; fn: () => void; handle?: NodeJS.Timeout } = { at, fn };
    this.waiters.add(waiter);
    this.arm(waiter);
    return () => {
      clearTimeout(waiter.handle);
      this.waiters.delete(waiter);
    };
  }

  private arm(waiter: { at: number; fn: () => void; handle?: NodeJS.Timeout }): void {
    clearTimeout(waiter.handle);
    const delay = waiter.at - this.now();
    if (delay <= 0) {
      this.waiters.delete(waiter);
      setImmediate(waiter.fn);
      return;
    }
    waiter.handle = setTimeout(() => this.arm(waiter), Math.min(delay, MAX_TIMEOUT_MS));
    waiter.handle.unref();
  }
}
