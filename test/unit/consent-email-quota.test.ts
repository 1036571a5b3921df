import type { AuditEntry } from '../../src/domain/audit';
import { AuditAction } from '../../src/domain/audit';
import { CONSENT_EMAILS_PER_HOUR, nextConsentEmailAt } from '../../src/domain/consent-email-quota';

const NOW = new Date('2026-11-25T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
const entry = (at: string, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  organizationId: 'org',
  at,
  actor: { type: 'user', id: 'alice' },
  action: AuditAction.ConsentLinkRequested,
  details: { emailed: true },
  ...overrides,
});

describe('consent e-mails per organization and hour', () => {
  it('allows the next e-mail now while fewer than the limit went out in the last hour', () => {
    const four = [5, 10, 20, 30].map((m) => entry(minutesAgo(m)));
    expect(nextConsentEmailAt(four, NOW)).toEqual(NOW);
    expect(nextConsentEmailAt([], NOW)).toEqual(NOW);
  });

  it('at the limit, allows it once the oldest of the last hour ages out', () => {
    const five = [5, 10, 20, 30, 45].map((m, i) =>
      entry(minutesAgo(m), { action: i % 2 ? AuditAction.ReconsentRequested : AuditAction.ConsentLinkRequested }),
    );
    expect(CONSENT_EMAILS_PER_HOUR).toBe(5);
    expect(nextConsentEmailAt(five, NOW)).toEqual(new Date(NOW.getTime() + 15 * 60_000));
  });

  it('counts only e-mails people asked for within the hour', () => {
    const others = [
      entry(minutesAgo(1), { details: { emailed: false } }),
      entry(minutesAgo(2), { actor: { type: 'system', id: 'TokenKeepAlive' }, action: AuditAction.ReconsentRequested }),
      entry(minutesAgo(3), { action: AuditAction.RegistrationStarted }),
      entry(minutesAgo(61)),
      entry(minutesAgo(90)),
    ];
    const four = [5, 10, 20, 30].map((m) => entry(minutesAgo(m)));
    expect(nextConsentEmailAt([...others, ...four], NOW)).toEqual(NOW);
  });
});
