import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';
import { contractCheckedClient } from '../support/openapi-contract';
import type { ApiAnswer } from '../support/registration-driver';
import { PC_APP, TOKEN_PATH, until, VALID_SECRET } from '../support/registration-driver';

const CONTOSO = '22222222-2222-4222-8222-222222222222';
const PREFLIGHT = '/payer-account/registration/preflight';

// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow (an app-only token for a
// resource whose service principal exists, roles or not); https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes
// (AADSTS500011: the resource principal was not found in the tenant).
describe("step 3's checks before consent", () => {
  let stack: Stack;
  let alice: string;
  let call: (method: string, path: string, token: string | undefined, body?: unknown) => Promise<ApiAnswer>;
  const seen: string[] = [];
  const checks = async () => {
    const answer = await call('POST', PREFLIGHT, alice);
    expect(answer.status).toBe(200);
    return Object.fromEntries((answer.body.checks as { id: string }[]).map((c) => [c.id, c])) as Record<string, any>;
  };

  beforeAll(async () => {
    stack = await startStack();
    alice = await stack.tokenFor('alice@contoso.example');
    // Every answer must be one the OpenAPI document describes.
    call = await contractCheckedClient(stack, seen);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 404 before a registration and 409 before step 2 has verified the credentials', async () => {
    expect((await call('POST', PREFLIGHT, alice)).body.code).toBe('registration_not_found');
    expect((await call('POST', '/payer-account/registration', alice, { accountName: 'Contoso CSP' })).status).toBe(201);
    const early = await call('POST', PREFLIGHT, alice);
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('registration_not_at_this_step');
    const step2 = await call('PUT', '/payer-account/registration/partner-center-credentials', alice, {
      applicationId: PC_APP,
      domain: 'contoso.example',
      secret: VALID_SECRET,
    });
    expect(step2.status).toBe(200);
  });

  it('passes what an app-only token proves, and says what it cannot tell with what to look at', async () => {
    const found = await checks();
    expect(found.partnerCenterAppAccess.outcome).toBe('pass');
    expect(found.partnerApiServicePrincipal).toMatchObject({
      outcome: 'pass',
      page: expect.stringMatching(/^https:\/\/learn\.microsoft\.com\//),
    });
    expect(found.partnerCenterServicePrincipal.outcome).toBe('pass');
    expect(found.redirectUriPlatform).toMatchObject({ outcome: 'cannotTell', fix: expect.stringMatching(/under Web/) });
    expect(found.delegatedPermissions).toMatchObject({
      outcome: 'cannotTell',
      fix: expect.stringMatching(/user_impersonation/),
    });
  });

  it('fails the check of an API whose service principal the partner tenant lacks (AADSTS500011), with the fix', async () => {
    stack.entra.setServicePrincipal(CONTOSO, 'https://api.partner.microsoft.com', false);
    try {
      const found = await checks();
      expect(found.partnerApiServicePrincipal).toMatchObject({
        outcome: 'fail',
        aadsts: 500011,
        fix: expect.stringContaining('New-MgServicePrincipal -AppId 4990cffe-04e8-4e8b-808a-1175604b879f'),
      });
      expect(found.partnerCenterServicePrincipal.outcome).toBe('pass');
    } finally {
      stack.entra.setServicePrincipal(CONTOSO, 'https://api.partner.microsoft.com', true);
    }
    expect((await checks()).partnerApiServicePrincipal.outcome).toBe('pass');
  });

  it('cannot tell, and says to try again, while Entra ID does not answer', async () => {
    stack.entra.faults.inject({ match: TOKEN_PATH, status: 503, count: 20 });
    try {
      const found = await checks();
      expect(found.partnerApiServicePrincipal).toMatchObject({
        outcome: 'cannotTell',
        detail: expect.stringMatching(/again/),
      });
    } finally {
      stack.entra.faults.clear();
    }
  });

  it('is audited with each outcome, and no answer or audit entry carries the secret', async () => {
    await checks();
    const audit = await call('GET', '/payer-account/audit', alice);
    expect(audit.status).toBe(200);
    const runs = (audit.body.items as { action: string; details?: Record<string, unknown> }[]).filter(
      (e) => e.action === 'registration.preflight.run',
    );
    expect(runs.length).toBeGreaterThanOrEqual(4);
    expect(runs[0].details).toMatchObject({ partnerCenterAppAccess: 'pass', redirectUriPlatform: 'cannotTell' });
    expect(runs.some((r) => r.details?.aadsts === '500011')).toBe(true);
    for (const text of seen) expect(text).not.toContain(VALID_SECRET);
  });

  it('takes the write role', async () => {
    const bob = await stack.tokenFor('bob@contoso.example');
    expect((await call('POST', PREFLIGHT, bob)).status).toBe(403);
    expect(await until(async () => (await call('DELETE', '/payer-account/registration', alice)).status === 204)).toBe(
      true,
    );
  });
});
