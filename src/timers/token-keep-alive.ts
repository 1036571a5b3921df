/** The keep-alive round's body: loaded on first run, like the activities. */
import type { InvocationContext, Timer } from '@azure/functions';
import type { DurableClient } from 'durable-functions';
import type { KeepAliveOutcome } from '../app/keep-token-alive';
import { keepTokenAlive } from '../app/keep-token-alive';
import { recordAudit } from '../app/record-audit';
import { startReconsent } from '../app/start-reconsent';
import { recordedAdmin, warnSecretExpiry } from '../app/warn-secret-expiry';
import type { AppServices } from '../composition';
import { AuditAction } from '../domain/audit';
import type { PayerAccountRecord } from '../domain/payer-account';

const ACTOR = 'TokenKeepAlive';

/**
 * For each registered payer account: redeem its refresh token (keeping it alive and rotated), ask
 * the recorded admin to consent again when only that helps, and warn of an expiring secret. One
 * account's fault never stops the round.
 */
export async function tokenKeepAliveRound(
  timer: Timer,
  context: InvocationContext,
  { services, client }: { services: AppServices; client: DurableClient },
): Promise<Record<KeepAliveOutcome | 'error', number>> {
  const counts = { refreshed: 0, reconsentRequired: 0, failed: 0, transient: 0, skipped: 0, error: 0 };
  for await (const record of services.payerAccounts.listRegistered()) {
    try {
      const outcome = await keepTokenAlive(record, services.keepAlive);
      counts[outcome]++;
      if (outcome === 'skipped') continue;
      await audit(
        services,
        record,
        outcome === 'refreshed'
          ? AuditAction.TokenRefreshed
          : outcome === 'reconsentRequired'
            ? AuditAction.ReconsentRequired
            : AuditAction.TokenRefreshFailed,
        { outcome },
        context,
      );
      const current = await services.payerAccounts.find(record.organizationId);
      if (outcome === 'reconsentRequired' && current) await askForReconsent(services, current, client, context);
      if (await warnSecretExpiry(record.organizationId, services)) {
        await audit(
          services,
          record,
          AuditAction.SecretExpiryWarned,
          { expiresAt: record.account?.applicationSecretExpiresAt },
          context,
        );
      }
    } catch (error) {
      counts.error++;
      context.error('Token keep-alive failed for an account', {
        organizationId: record.organizationId,
        error: (error as Error)?.name,
        message: (error as Error)?.message,
      });
    }
  }
  context.info('Token keep-alive round done', { ...counts, isPastDue: timer.isPastDue });
  return counts;
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
