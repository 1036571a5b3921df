import { setTimeout as wait } from 'node:timers/promises';
import type { Clock } from '../ports/clock';

/** The system's time: what the app runs on in Azure. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => wait(ms),
};

/**
 * The time of a host that runs the app on a clock it controls (APP_CLOCK_MODULE names a CommonJS module exporting
 * `now(): number`, milliseconds since the epoch): the project's local host, whose tests move time weeks ahead and
 * the app's `now` with it. Waits stay real: they pace calls, they are not timers of the product.
 */
export function hostedClock(source: { now(): number }): Clock {
  return { now: () => new Date(source.now()), sleep: systemClock.sleep };
}
