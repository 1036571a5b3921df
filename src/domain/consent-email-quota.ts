import type { AuditEntry } from './audit';
import { AuditAction } from './audit';
import { nextAllowedAt } from './hourly-quota';

/** Consent links a person may have e-mailed per organization per hour: the product's sender is not a relay. */
export const CONSENT_EMAILS_PER_HOUR = 5;

/**
 * When the organization may have the next consent link e-mailed: now, or once the oldest of the last hour's
 * e-mails ages out. Counts the people's requests (step 3, re-consent) that asked for an e-mail, from the audit trail.
 */
export function nextConsentEmailAt(entries: readonly AuditEntry[], now: Date): Date {
  const sent = entries
    .filter((e) => e.actor.type === 'user' && e.details?.emailed === true)
    .filter((e) => e.action === AuditAction.ConsentLinkRequested || e.action === AuditAction.ReconsentRequested)
    .map((e) => Date.parse(e.at));
  return nextAllowedAt(sent, now, CONSENT_EMAILS_PER_HOUR);
}
