import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { AuditAction, AuditDetails, AuditEntry } from '../domain/audit';
import { scrubText } from '../domain/redaction';
import type { AuditTrail } from '../ports/audit-trail';

/** Above any millisecond timestamp until the year 275760: inverted, so a partition lists newest first. */
const MAX_MS = 8_640_000_000_000_000;

interface Row {
  partitionKey: string;
  rowKey: string;
  at: string;
  action: string;
  actorType: string;
  actorId: string;
  registrationId?: string;
  details?: string;
}

/**
 * The audit trail in Azure Table Storage: one partition per organization, one row per entry,
 * row keys ordered newest first. Details are stored as JSON of primitives, scrubbed again of
 * anything shaped like a token.
 */
export class TableAuditTrail implements AuditTrail {
  private ready: Promise<unknown> | undefined;

  constructor(private readonly table: TableClient) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.ensureTable();
    const ms = Date.parse(entry.at);
    const details = entry.details ? clean(entry.details) : undefined;
    await this.table.createEntity<Row>({
      partitionKey: entry.organizationId,
      rowKey: `${String(MAX_MS - ms).padStart(16, '0')}-${randomUUID()}`,
      at: new Date(ms).toISOString(),
      action: entry.action,
      actorType: entry.actor.type,
      actorId: scrubText(entry.actor.id),
      ...(entry.registrationId ? { registrationId: entry.registrationId } : {}),
      ...(details && Object.keys(details).length ? { details: JSON.stringify(details) } : {}),
    });
  }

  async list(organizationId: string, options: { limit?: number } = {}): Promise<AuditEntry[]> {
    await this.ensureTable();
    const limit = options.limit ?? 100;
    const entries: AuditEntry[] = [];
    const filter = `PartitionKey eq '${organizationId.replace(/'/g, "''")}'`;
    for await (const page of this.table
      .listEntities<Row>({ queryOptions: { filter } })
      .byPage({ maxPageSize: Math.min(limit, 1000) })) {
      for (const row of page) {
        entries.push({
          organizationId,
          at: row.at,
          action: row.action as AuditAction,
          actor: { type: row.actorType as 'user' | 'system', id: row.actorId },
          ...(row.registrationId ? { registrationId: row.registrationId } : {}),
          ...(row.details ? { details: JSON.parse(row.details) as AuditDetails } : {}),
        });
        if (entries.length >= limit) return entries;
      }
    }
    return entries;
  }

  private ensureTable(): Promise<unknown> {
    this.ready ??= this.table.createTable().catch((error) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}

function clean(details: AuditDetails): AuditDetails {
  const out: AuditDetails = {};
  for (const [key, value] of Object.entries(details)) {
    if (value === undefined) continue;
    if (typeof value === 'string') out[key] = scrubText(value).slice(0, 300);
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  return out;
}
