import type { AuditEntry } from '../domain/audit';

/** The audit trail (Table Storage in production); append-only. */
export interface AuditTrail {
  record(entry: AuditEntry): Promise<void>;
  /** An organization's entries, newest first. */
  list(organizationId: string, options?: { limit?: number }): Promise<AuditEntry[]>;
}
