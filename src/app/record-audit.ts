import type { AuditEntry } from '../domain/audit';
import type { AuditTrail } from '../ports/audit-trail';
import type { Clock } from '../ports/clock';

export type NewAuditEntry = Omit<AuditEntry, 'at'>;

/**
 * Records one audit entry after the change it describes was made. The change stands even when the
 * trail cannot be written (the person gets a truthful answer; an activity is not retried for it):
 * the failure is logged as an error, naming the action, for ops to follow up.
 */
export async function recordAudit(
  deps: { auditTrail: AuditTrail; clock: Clock },
  entry: NewAuditEntry,
  logError: (message: string, properties: Record<string, unknown>) => void,
): Promise<void> {
  try {
    await deps.auditTrail.record({ ...entry, at: deps.clock.now().toISOString() });
  } catch (error) {
    logError(`Audit entry not recorded: ${(error as Error)?.name ?? 'Error'}`, {
      action: entry.action,
      organizationId: entry.organizationId,
      registrationId: entry.registrationId,
      status: (error as { statusCode?: number })?.statusCode,
    });
  }
}
