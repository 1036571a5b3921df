import type { InvocationContext } from '@azure/functions';
import type { NewAuditEntry } from '../app/record-audit';
import { recordAudit } from '../app/record-audit';
import type { AppServices } from '../composition';
import type { AuditAction, AuditDetails } from '../domain/audit';
import type { Caller } from '../domain/payer-account';

/** Records what the signed-in caller just changed (best effort: see recordAudit). */
export function auditByCaller(
  services: AppServices,
  context: InvocationContext,
  caller: Caller,
  action: AuditAction,
  registrationId?: string,
  details?: AuditDetails,
): Promise<void> {
  const entry: NewAuditEntry = {
    organizationId: caller.organizationId,
    actor: { type: 'user', id: caller.userId },
    action,
    ...(registrationId ? { registrationId } : {}),
    ...(details ? { details } : {}),
  };
  return recordAudit(services, entry, (message, properties) => context.error(message, properties));
}
