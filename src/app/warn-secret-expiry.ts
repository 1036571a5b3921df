import type { PayerAccountRecord } from '../domain/payer-account';
import { healthOf, secretExpiresSoon } from '../domain/token-health';
import type { Clock } from '../ports/clock';
import type { Mailer } from '../ports/mailer';
import type { PayerAccounts } from '../ports/payer-accounts';
import { saveAccountChanges } from './save-account-changes';

/** The address to ask for re-consent or warn: the admin links were e-mailed to, else the consenting admin's UPN. */
export const recordedAdmin = (record: PayerAccountRecord): string | undefined =>
  record.account?.adminEmail ?? (record.account?.consentedBy.includes('@') ? record.account.consentedBy : undefined);

/**
 * Warns the admin once per expiry date that the application secret expires within 30 days, and
 * flags it on the account's health. `record` is the account as the caller just read it. Returns whether a warning
 * went out.
 */
export async function warnSecretExpiry(
  record: PayerAccountRecord,
  deps: { payerAccounts: PayerAccounts; mailer: Mailer; clock: Clock },
): Promise<boolean> {
  const expiresAt = record.account?.applicationSecretExpiresAt;
  if (record.state !== 'registered' || !expiresAt || !secretExpiresSoon(expiresAt, deps.clock.now())) return false;
  const health = healthOf(record);
  if (health.secretExpiryWarnedFor === expiresAt) return false;
  const to = recordedAdmin(record);
  if (to) {
    const company = record.account?.companyName ?? 'your organization';
    const text = [
      `The application secret that lets Octo read ${company}'s Azure CSP pricing and billing data expires on ${new Date(expiresAt).toUTCString()}.`,
      `Create a new client secret for the application ${record.account?.applicationId} in Entra ID (App registrations → Certificates & secrets), then replace it in Octo (Payer account → Replace secret). Until then nothing changes.`,
    ];
    await deps.mailer.send({
      to,
      subject: `Secret expiring: ${company}'s Azure CSP payer account`,
      text: text.join('\n\n'),
      html: text.map((t) => `<p>${escapeHtml(t)}</p>`).join(''),
    });
  }
  // The row may have moved on since the caller read it (a re-consent started meanwhile).
  const saved = await saveAccountChanges(deps.payerAccounts, record, (current) =>
    current.state === 'registered'
      ? { health: { ...healthOf(current), secretExpiresSoon: true, secretExpiryWarnedFor: expiresAt } }
      : undefined,
  );
  return saved && !!to;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
