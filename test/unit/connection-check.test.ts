import { supportText } from '../../src/app/support-bundle-text';
import type { AuditEntry } from '../../src/domain/audit';
import { AuditAction } from '../../src/domain/audit';
import type { ConnectionCheck, PathCheck } from '../../src/domain/connection-check';
import { connectionCheckAuditDetails, verdictOf } from '../../src/domain/connection-check';
import { nextConnectionCheckAt } from '../../src/domain/connection-check-quota';
import { auditedErrors, mergeSeenErrors } from '../../src/domain/support-errors';

const NOW = new Date('2026-12-01T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
const entry = (at: string, overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  organizationId: 'org',
  at,
  actor: { type: 'user', id: 'alice' },
  action: AuditAction.ConnectionChecked,
  details: { verdict: 'ok' },
  ...overrides,
});
const path = (p: PathCheck['path'], outcome: PathCheck['outcome'], error?: PathCheck['error']): PathCheck => ({
  path: p,
  outcome,
  at: NOW.toISOString(),
  ...(error ? { error } : {}),
});

describe('connection checks per organization and hour', () => {
  it('allows a check now while fewer than the limit ran in the last hour, counting only people’s checks', () => {
    const others = [
      entry(minutesAgo(1), { actor: { type: 'system', id: 'TokenKeepAlive' } }),
      entry(minutesAgo(2), { action: AuditAction.TokenRefreshed }),
      entry(minutesAgo(61)),
    ];
    const two = [entry(minutesAgo(5)), entry(minutesAgo(30))];
    expect(nextConnectionCheckAt([...others, ...two], NOW, 3)).toEqual(NOW);
  });

  it('at the limit, allows the next once the oldest of the last hour ages out', () => {
    const three = [10, 20, 45].map((m) => entry(minutesAgo(m)));
    expect(nextConnectionCheckAt(three, NOW, 3)).toEqual(new Date(NOW.getTime() + 15 * 60_000));
    expect(nextConnectionCheckAt(three, NOW, 4)).toEqual(NOW);
  });
});

describe('a connection check', () => {
  it('is ok when every path is, failed when Microsoft refused one, unavailable when only passing faults remain', () => {
    const ok = [path('refreshToken', 'ok'), path('priceSheet', 'ok')];
    expect(verdictOf(ok)).toBe('ok');
    expect(verdictOf([...ok, path('billing', 'unavailable')])).toBe('unavailable');
    expect(verdictOf([path('refreshToken', 'unavailable'), path('priceSheet', 'notChecked')])).toBe('unavailable');
    expect(verdictOf([...ok, path('billing', 'unavailable'), path('mpnProfile', 'failed')])).toBe('failed');
  });

  it("is audited flat: each path's outcome, and a failed one's codes and IDs", () => {
    const check: ConnectionCheck = {
      checkedAt: NOW.toISOString(),
      verdict: 'failed',
      reconsentRequired: false,
      paths: [
        path('refreshToken', 'ok'),
        path('billing', 'failed', {
          code: 'admin_without_partner_role',
          message: 'm',
          partnerCenterCode: 900150,
          correlationId: 'c-1',
        }),
      ],
    };
    expect(connectionCheckAuditDetails(check)).toEqual({
      verdict: 'failed',
      reconsentRequired: false,
      refreshToken: 'ok',
      billing: 'failed',
      'billing.code': 'admin_without_partner_role',
      'billing.aadsts': undefined,
      'billing.partnerCenterCode': 900150,
      'billing.correlationId': 'c-1',
      'billing.traceId': undefined,
    });
  });
});

describe('the errors the support details list', () => {
  it('reads them from audit entries: a refusal’s `code` and a check’s `<path>.code`', () => {
    const refused = entry(minutesAgo(3), {
      action: AuditAction.ConsentRefused,
      details: { code: 'admin_without_mfa', aadsts: 50076, correlationId: 'c-2' },
    });
    const checked = entry(minutesAgo(2), {
      details: {
        verdict: 'failed',
        priceSheet: 'failed',
        'priceSheet.code': 'permission_not_configured',
        'priceSheet.partnerCenterCode': 400,
      },
    });
    expect([...auditedErrors(refused), ...auditedErrors(checked), ...auditedErrors(entry(minutesAgo(1)))]).toEqual([
      {
        at: minutesAgo(3),
        source: 'registration.consent.refused',
        code: 'admin_without_mfa',
        aadsts: 50076,
        correlationId: 'c-2',
      },
      {
        at: minutesAgo(2),
        source: 'payerAccount.connectionChecked.priceSheet',
        code: 'permission_not_configured',
        partnerCenterCode: 400,
      },
    ]);
  });

  it('lists each error once, what one sighting lacks filled in from another, newest first', () => {
    const merged = mergeSeenErrors([
      { at: minutesAgo(10), source: 'registration', code: 'admin_without_mfa', correlationId: 'c-1', traceId: 't-1' },
      {
        at: minutesAgo(9),
        source: 'registration.consent.refused',
        code: 'admin_without_mfa',
        correlationId: 'c-1',
        aadsts: 50076,
      },
      // Without IDs: the same within two minutes, another one later.
      { at: minutesAgo(5), source: 'connectionCheck.refreshToken', code: 'token_no_longer_valid', message: 'dead' },
      { at: minutesAgo(4), source: 'payerAccount.connectionChecked.refreshToken', code: 'token_no_longer_valid' },
      { at: minutesAgo(1), source: 'tokenRefresh', code: 'token_no_longer_valid' },
      // Another correlation ID is another error.
      { at: minutesAgo(8), source: 'registration', code: 'admin_without_mfa', correlationId: 'c-3' },
    ]);
    expect(merged).toEqual([
      { at: minutesAgo(1), source: 'tokenRefresh', code: 'token_no_longer_valid' },
      { at: minutesAgo(5), source: 'connectionCheck.refreshToken', code: 'token_no_longer_valid', message: 'dead' },
      { at: minutesAgo(8), source: 'registration', code: 'admin_without_mfa', correlationId: 'c-3' },
      {
        at: minutesAgo(10),
        source: 'registration',
        code: 'admin_without_mfa',
        correlationId: 'c-1',
        traceId: 't-1',
        aadsts: 50076,
      },
    ]);
  });

  it('renders as text with Microsoft’s codes and IDs spelled out', () => {
    const text = supportText({
      generatedAt: NOW.toISOString(),
      organizationId: 'org-1',
      state: 'registered',
      registrationId: 'reg-1',
      tenantId: 'tenant-1',
      applicationId: 'app-1',
      mpnId: '1234567',
      microsoftErrors: [
        { at: minutesAgo(1), source: 'tokenRefresh', code: 'token_no_longer_valid', aadsts: 50173, traceId: 't-9' },
      ],
      timelines: [],
    });
    expect(text).toContain('Directory (tenant) ID: tenant-1');
    expect(text).toContain('Application (client) ID: app-1');
    expect(text).toContain('MPN ID: 1234567');
    expect(text).toContain('Last connection check: none yet');
    expect(text).toContain(`${minutesAgo(1)}  tokenRefresh: code token_no_longer_valid, AADSTS50173, trace ID t-9`);
  });
});
