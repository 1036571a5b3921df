import type { AuditEntry } from './audit';
import { AuditAction } from './audit';
import { nextAllowedAt } from './hourly-quota';

/**
 * When the organization may check its connection again: now, or once the oldest of the last hour's checks ages out.
 * Each check redeems the refresh token and calls Partner Center and the Partner API on the partner's behalf, so
 * people get a few an hour (the setting CONNECTION_CHECKS_PER_HOUR); counted from the audit trail.
 */
export function nextConnectionCheckAt(entries: readonly AuditEntry[], now: Date, perHour: number): Date {
  const checks = entries
    .filter((e) => e.actor.type === 'user' && e.action === AuditAction.ConnectionChecked)
    .map((e) => Date.parse(e.at));
  return nextAllowedAt(checks, now, perHour);
}
