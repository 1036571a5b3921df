/**
 * The local host's clock as the app reads it: the module that APP_CLOCK_MODULE names (src/config.ts), exporting
 * `now()`. The host, in the same process, points it at its own adjustable clock when tests may move time
 * (`LocalHost__ClockControl`), so the app's `now`, durable timers and timer triggers move together.
 */
let source: () => number = Date.now;

export function now(): number {
  return source();
}

export function useClock(clock: { now(): number }): void {
  source = () => clock.now();
}
