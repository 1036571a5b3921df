import { CONSENT_EMAILS_PER_HOUR, nextConsentEmailAt } from '../domain/consent-email-quota';
import type { FieldError, Result } from '../domain/error-codes';
import { ErrorCode, fail, ok } from '../domain/error-codes';
import type { Caller } from '../domain/payer-account';
import type { AuditTrail } from '../ports/audit-trail';
import type { Clock } from '../ports/clock';

export type QuotaRefusal = FieldError & { retryAfterSeconds: number };

/** Whether the caller's organization may have one more consent link e-mailed now. */
export async function checkConsentEmailQuota(
  caller: Caller,
  deps: { auditTrail: AuditTrail; clock: Clock },
): Promise<Result<void, QuotaRefusal>> {
  const now = deps.clock.now();
  // The newest entries are enough: only the last hour's e-mails count, and a few other actions lie between them.
  const next = nextConsentEmailAt(await deps.auditTrail.list(caller.organizationId, { limit: 50 }), now);
  if (next <= now) return ok(undefined);
  return fail({
    code: ErrorCode.TooManyConsentEmails,
    field: 'adminEmail',
    message: `Octo has e-mailed ${CONSENT_EMAILS_PER_HOUR} consent links for your organization within the last hour. Leave the e-mail out to get the link and send it yourself, or try again after ${next.toISOString()}.`,
    retryAfterSeconds: Math.ceil((next.getTime() - now.getTime()) / 1000),
  });
}
