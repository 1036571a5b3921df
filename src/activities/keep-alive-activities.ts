/** The keep-alive round's activities: one page of accounts, and one account's turn. Loaded on first use. */
import type { InvocationContext } from '@azure/functions';
import type { DurableClient } from 'durable-functions';
import type { KeepAliveOutcome } from '../app/keep-token-alive';
import { keepTokenAlive } from '../app/keep-token-alive';
import { recordAudit } from '../app/record-audit';
import { startReconsent } from '../app/start-reconsent';
import { recordedAdmin, warnSecretExpiry } from '../app/warn-secret-expiry';
import type { AppServices } from '../composition';
import type { FunctionScope } from '../hosting/function-handlers';
import { AuditAction } from '../domain/audit';
import type { AccountTurn } from '../domain/keep-alive-round';
import type { PayerAccountRecord } from '../domain/payer-account';
import type { RegisteredPage } from '../ports/payer-accounts';

const ACTOR = 'TokenKeepAlive';

export interface KeepAlivePageRequest {
  pageSize: number;
  continuationToken?: string;
}

export interface AccountTurnRequest {
  organizationId: string;
  /** When the round began: an account refreshed since then is not redeemed again. */
  roundStartedAt: string;
}

/** The round's next page of registered accounts (organization IDs only). */
export function listKeepAlivePage(
  request: KeepAlivePageRequest,
  _context: InvocationContext,
  services: AppServices,
): Promise<RegisteredPage> {
  return services.payerAccounts.listRegisteredPage(request.pageSize, request.continuationToken);
}

const AUDITED: Partial<Record<KeepAliveOutcome, AuditAction>> = {
  refreshed: AuditAction.TokenRefreshed,
  reconsentRequired: AuditAction.ReconsentRequired,
  failed: AuditAction.TokenRefreshFailed,
  transient: AuditAction.TokenRefreshFailed,
};

/**
 * One account's turn: redeem its refresh token (kept alive and rotated), ask the recorded admin to consent again when
 * only that helps, and warn of an expiring secret. Throttling is answered, not waited out, so the round slows down.
 */
export async function keepAccountTokenAlive(
  request: AccountTurnRequest,
  context: InvocationContext,
  { services, client }: FunctionScope,
): Promise<AccountTurn> {
  const { organizationId } = request;
  const since = new Date(request.roundStartedAt);
  const refresh = await keepTokenAlive(organizationId, since, services.keepAlive);
  if (refresh.outcome === 'throttled')
    return { organizationId, throttled: { retryAfterMs: refresh.retryAfterMs ?? 0 } };
  const { outcome } = refresh;
  const record = await services.payerAccounts.find(organizationId);
  if (outcome === 'skipped' || !record) return { organizationId, outcome: 'skipped' };
  const action = AUDITED[outcome];
  if (action && !(refresh.alreadyRefreshed && (await auditedSince(services, organizationId, action, since))))
    await audit(services, record, action, { outcome }, context);
  if (outcome === 'reconsentRequired') await askForReconsent(services, record, client, context);
  if (await warnSecretExpiry(record, services)) {
    const expiresAt = record.account?.applicationSecretExpiresAt;
    await audit(services, record, AuditAction.SecretExpiryWarned, { expiresAt }, context);
  }
  return { organizationId, outcome };
}

/** A turn run again after a crash: whether its first run got as far as the audit entry. */
async function auditedSince(services: AppServices, organizationId: string, action: AuditAction, since: Date) {
  const recent = await services.auditTrail.list(organizationId, { limit: 10 });
  return recent.some((entry) => entry.action === action && Date.parse(entry.at) >= since.getTime());
}

/** Starts a re-consent that e-mails the recorded admin its link, unless one is already waiting. */
async function askForReconsent(
  services: AppServices,
  record: PayerAccountRecord,
  client: DurableClient,
  context: InvocationContext,
): Promise<void> {
  const to = recordedAdmin(record);
  if (!to) {
    context.warn('Re-consent required, but no admin e-mail is recorded', { organizationId: record.organizationId });
    return;
  }
  const current = record.reconsentId ? await services.workflow(client).state(record.reconsentId) : undefined;
  if (current && ['Pending', 'Running'].includes(current.runtimeStatus)) return;
  const started = await startReconsent(
    record.organizationId,
    ACTOR,
    { adminEmail: to },
    services.reconsentStart(client),
  );
  if (!started.ok) {
    context.warn('Re-consent not started', { organizationId: record.organizationId, code: started.error.code });
    return;
  }
  await audit(
    services,
    record,
    AuditAction.ReconsentRequested,
    { emailed: true, expiresAt: started.value.expiresAt },
    context,
    started.value.reconsentId,
  );
}

function audit(
  services: AppServices,
  record: PayerAccountRecord,
  action: AuditAction,
  details: Record<string, string | number | boolean | undefined>,
  context: InvocationContext,
  registrationId = record.registrationId,
) {
  return recordAudit(
    services,
    { organizationId: record.organizationId, actor: { type: 'system', id: ACTOR }, action, registrationId, details },
    (message, properties) => context.error(message, properties),
  );
}
