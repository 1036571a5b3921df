const HOUR_MS = 3600_000;

/**
 * When the next action limited to `perHour` in any rolling hour may run: now, or once the oldest of the last hour's
 * actions ages out. `times` are the earlier actions' times (ms since epoch), in any order.
 */
export function nextAllowedAt(times: readonly number[], now: Date, perHour: number): Date {
  const recent = times.filter((at) => at > now.getTime() - HOUR_MS).sort((a, b) => b - a);
  return recent.length < perHour ? now : new Date(recent[perHour - 1] + HOUR_MS);
}
