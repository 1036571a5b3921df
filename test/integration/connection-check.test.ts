import { TableClient, TableServiceClient } from '@azure/data-tables';
import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';
import { runKeepAliveRound } from '../../local/keep-alive-rounds';
import { contractCheckedClient } from '../support/openapi-contract';
import type { ApiAnswer } from '../support/registration-driver';
import { CONTOSO, PC_APP, registerContoso, TOKEN_PATH, until, VALID_SECRET } from '../support/registration-driver';

const ADMIN = 'alice@contoso.example';
const PER_HOUR = 3;
const HOUR_MS = 3600_000;
const PRICE_SHEET_PATH = '^GET /v1\\.0/sales/pricesheets';

/**
 * The registered account's connection check (POST /api/payer-account/connection-check) and support details
 * (GET /api/payer-account/support-bundle), on the running stack: every data path proven, each failing in turn as
 * Microsoft answers it, the hourly limit, the roles, and what a support ticket gets (never a secret, code or token).
 */
describe('connection check and support details of the registered payer account', () => {
  let stack: Stack;
  let alice: string; // Contoso, write role
  let bob: string; // Contoso, member without the write role
  let seen: string[];
  let call: (method: string, path: string, token: string | undefined, body?: unknown) => Promise<ApiAnswer>;
  const check = () => call('POST', '/payer-account/connection-check', alice);
  const account = async () => (await call('GET', '/payer-account', alice)).body;
  const pathOf = (answer: ApiAnswer, path: string) =>
    (answer.body.paths as { path: string }[]).find((p) => p.path === path) as Record<string, any>;
  const outcomes = (answer: ApiAnswer) =>
    Object.fromEntries((answer.body.paths as { path: string; outcome: string }[]).map((p) => [p.path, p.outcome]));
  const cacheVersions = (name: string) => stack.keyVault.state.listVersions(name);
  const enabledCaches = (name: string) =>
    cacheVersions(name)
      .filter(({ v }) => v.enabled)
      .map(({ v }) => v.version);

  beforeAll(async () => {
    stack = await startStack({ settings: { CONNECTION_CHECKS_PER_HOUR: String(PER_HOUR) } });
    [alice, bob] = await Promise.all([stack.tokenFor(ADMIN), stack.tokenFor('bob@contoso.example')]);
    seen = [];
    // Every answer must be one the OpenAPI document describes.
    call = await contractCheckedClient(stack, seen);
    await registerContoso(stack, alice, seen);
  });
  // Each test starts a new hour: the checks of the one before no longer count against the limit.
  beforeEach(async () => {
    await stack.advanceClock(HOUR_MS + 60_000);
  });
  afterEach(() => {
    stack.entra.faults.clear();
    stack.partnerCenter.faults.clear();
    stack.partnerApi.faults.clear();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('proves every data path, rotating the refresh token as the keep-alive does, and keeps the check on the account', async () => {
    const before = await account();
    expect(before.lastConnectionCheck).toBeUndefined();
    const cacheName = before.secrets.tokenCache.name;
    const downloads = stack.partnerApi.downloads().length;

    const checked = await check();
    expect(checked.status).toBe(200);
    expect(checked.headers.get('cache-control')).toBe('no-store');
    expect(checked.body).toMatchObject({ verdict: 'ok', reconsentRequired: false });
    expect(outcomes(checked)).toEqual({ refreshToken: 'ok', priceSheet: 'ok', billing: 'ok', mpnProfile: 'ok' });
    expect(pathOf(checked, 'mpnProfile').detail).toContain('1234567');
    expect(pathOf(checked, 'priceSheet').detail).toContain('US');
    for (const path of checked.body.paths)
      expect(Date.parse(path.at)).toBeGreaterThanOrEqual(Date.parse(checked.body.checkedAt));
    // The price sheet of the account's market was read (and left after its first rows).
    expect(stack.partnerApi.downloads().slice(downloads)).toEqual([
      expect.objectContaining({ tenantId: CONTOSO, userPrincipalName: ADMIN, market: 'US' }),
    ]);

    const after = await account();
    expect(after.lastConnectionCheck).toEqual(checked.body);
    // The refresh rotated the token: a new version of the same cache, the only one readable, and health recorded it.
    expect(after.secrets.tokenCache.name).toBe(cacheName);
    expect(after.secrets.tokenCache.version).not.toBe(before.secrets.tokenCache.version);
    expect(enabledCaches(cacheName)).toEqual([after.secrets.tokenCache.version]);
    expect(Date.parse(after.health.lastRefreshAt)).toBeGreaterThan(Date.parse(before.health.lastRefreshAt));
    expect(after.health.lastError).toBeUndefined();

    const audit = (await call('GET', '/payer-account/audit', alice)).body.items;
    expect(audit[0]).toMatchObject({
      action: 'payerAccount.connectionChecked',
      actor: { type: 'user' },
      registrationId: after.registrationId,
      details: { verdict: 'ok', refreshToken: 'ok', priceSheet: 'ok', billing: 'ok', mpnProfile: 'ok' },
    });
  });

  it('needs the write role to check, and a registered account; any member reads the result', async () => {
    const refused = await call('POST', '/payer-account/connection-check', bob);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden');
    expect((await call('POST', '/payer-account/connection-check', undefined)).status).toBe(401);
    const stranger = await stack.entra.mintToken({
      iss: `${stack.entra.url}/77777777-7777-4777-8777-000000000001/v2.0`,
      aud: 'aaaaaaaa-0000-4000-8000-000000000001',
      tid: '77777777-7777-4777-8777-000000000001',
      oid: 'someone',
      roles: ['PayerAccount.Manage'],
    });
    expect((await call('POST', '/payer-account/connection-check', stranger)).body.code).toBe('payer_account_not_found');
    expect((await call('GET', '/payer-account/support-bundle', stranger)).body.code).toBe('payer_account_not_found');
    expect((await call('GET', '/payer-account', bob)).body.lastConnectionCheck).toMatchObject({ verdict: 'ok' });
  });

  // Billing is the Admin agent's and the Billing admin's, not a Sales agent's, who reads prices only:
  // https://learn.microsoft.com/en-us/partner-center/account-settings/permissions-overview
  it('reports billing refused (403, 900150) when the consenting admin is only a Sales agent, and the other paths ok', async () => {
    const admin = stack.entra.fixtures.users.find((u) => u.userPrincipalName === ADMIN) as {
      partnerCenterRoles?: string[];
    };
    const roles = admin.partnerCenterRoles;
    admin.partnerCenterRoles = ['SalesAgent'];
    let checked: ApiAnswer;
    try {
      checked = await check();
    } finally {
      admin.partnerCenterRoles = roles;
    }
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ verdict: 'failed', reconsentRequired: false });
    expect(outcomes(checked)).toEqual({ refreshToken: 'ok', priceSheet: 'ok', billing: 'failed', mpnProfile: 'ok' });
    expect(pathOf(checked, 'billing').error).toMatchObject({
      code: 'admin_without_partner_role',
      partnerCenterCode: 900150,
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      help: 'https://learn.microsoft.com/en-us/partner-center/account-settings/permissions-overview',
    });
    expect(pathOf(checked, 'billing').error.field).toBeUndefined();
    expect((await account()).health).toMatchObject({ reconsentRequired: false });
    const [entry] = (await call('GET', '/payer-account/audit', alice)).body.items;
    expect(entry.details).toMatchObject({
      verdict: 'failed',
      billing: 'failed',
      'billing.code': 'admin_without_partner_role',
      'billing.partnerCenterCode': 900150,
      'billing.correlationId': pathOf(checked, 'billing').error.correlationId,
    });
  });

  // "Get a price sheet": HTTP 400 there is an authentication problem, not a passing one:
  // https://learn.microsoft.com/en-us/partner-center/developer/get-a-price-sheet
  it('reports the price sheet refused (400) with its correlation ID', async () => {
    stack.partnerApi.faults.inject({ match: PRICE_SHEET_PATH, status: 400, count: 1 });
    const checked = await check();
    expect(checked.body.verdict).toBe('failed');
    expect(outcomes(checked)).toEqual({ refreshToken: 'ok', priceSheet: 'failed', billing: 'ok', mpnProfile: 'ok' });
    expect(pathOf(checked, 'priceSheet').error).toMatchObject({
      code: 'permission_not_configured',
      partnerCenterCode: 400,
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      help: expect.stringMatching(/^https:\/\/learn\.microsoft\.com\//),
    });
  });

  it('reports Partner Center unavailable when it keeps answering 5xx, and the Partner API unavailable on 503', async () => {
    stack.partnerCenter.faults.inject({ match: '^GET /v1/', status: 503, count: 100 });
    stack.partnerApi.faults.inject({ match: PRICE_SHEET_PATH, status: 503, count: 100 });
    const checked = await check();
    expect(checked.body.verdict).toBe('unavailable');
    expect(outcomes(checked)).toEqual({
      refreshToken: 'ok',
      priceSheet: 'unavailable',
      billing: 'unavailable',
      mpnProfile: 'unavailable',
    });
    expect(pathOf(checked, 'billing').error).toMatchObject({
      code: 'partner_center_unavailable',
      unavailable: true,
      partnerCenterCode: 503,
      correlationId: expect.any(String),
    });
    expect(pathOf(checked, 'priceSheet').error).toMatchObject({
      code: 'partner_center_unavailable',
      unavailable: true,
      partnerCenterCode: 503,
    });
  });

  it('reports Entra ID unavailable when its token endpoint keeps failing; nothing else is checked and the token stays', async () => {
    const before = await account();
    stack.entra.faults.inject({ match: TOKEN_PATH, status: 503, count: 20 });
    const checked = await check();
    stack.entra.faults.clear();
    expect(checked.body).toMatchObject({ verdict: 'unavailable', reconsentRequired: false });
    expect(outcomes(checked)).toEqual({
      refreshToken: 'unavailable',
      priceSheet: 'notChecked',
      billing: 'notChecked',
      mpnProfile: 'notChecked',
    });
    expect(pathOf(checked, 'refreshToken').error).toMatchObject({
      code: 'identity_provider_unavailable',
      unavailable: true,
    });
    const after = await account();
    expect(after.secrets.tokenCache).toEqual(before.secrets.tokenCache);
    expect(after.health).toMatchObject({
      reconsentRequired: false,
      lastError: { code: 'identity_provider_unavailable', transient: true },
    });
  });

  it('at most the hourly number of checks per organization: then 429 with Retry-After', async () => {
    for (let i = 0; i < PER_HOUR; i++) expect((await check()).status).toBe(200);
    const refused = await check();
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'too_many_connection_checks', help: '/' });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // A member without the write role is refused for the role, not counted.
    expect((await call('POST', '/payer-account/connection-check', bob)).status).toBe(403);
    await stack.advanceClock(retryAfter * 1000);
    expect((await check()).status).toBe(200);
  });

  it('a check while the keep-alive runs: both rotate the same cache, and the account keeps a working token', async () => {
    const cacheName = (await account()).secrets.tokenCache.name;
    const stored = cacheVersions(cacheName).length;
    // The first refresh to reach Entra ID waits there, so both read the same cache before either stores its own.
    stack.entra.faults.inject({ match: TOKEN_PATH, latencyMs: 1500, count: 1 });
    const round = runKeepAliveRound(stack, () => stack.runFunction('TokenKeepAlive'));
    const checked = await check();
    expect((await round).output?.counts).toMatchObject({ refreshed: 1, error: 0 });
    expect(checked.body.paths[0]).toMatchObject({ path: 'refreshToken', outcome: 'ok' });
    expect(cacheVersions(cacheName).length).toBeGreaterThanOrEqual(stored + 2); // both rotated the token
    const after = await account();
    expect(after.health).toMatchObject({ reconsentRequired: false });
    expect(after.health.lastError).toBeUndefined();
    // Of the two rotated caches the vault's newer is recorded and the other disabled: only the token in use is readable.
    expect(enabledCaches(after.secrets.tokenCache.name)).toEqual([after.secrets.tokenCache.version]);
    expect(cacheVersions(after.secrets.tokenCache.name).at(-1)?.v.version).toBe(after.secrets.tokenCache.version);
    // And it redeems: the next check proves every path again.
    expect((await check()).body.verdict).toBe('ok');
    expect(enabledCaches(after.secrets.tokenCache.name)).toEqual([(await account()).secrets.tokenCache.version]);
  });

  // An admin revokes the consenting admin's sessions: https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens#token-revocation
  it('a revoked refresh token (AADSTS50173) sets reconsentRequired, as the keep-alive does; a new consent restores it', async () => {
    stack.entra.revokeRefreshTokens(ADMIN);
    const checked = await check();
    expect(checked.body).toMatchObject({ verdict: 'failed', reconsentRequired: true });
    expect(outcomes(checked)).toMatchObject({ refreshToken: 'failed', priceSheet: 'notChecked' });
    expect(pathOf(checked, 'refreshToken').error).toMatchObject({
      code: 'token_no_longer_valid',
      aadsts: 50173,
      traceId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      help: expect.stringMatching(/^https:\/\/learn\.microsoft\.com\//),
    });
    expect(pathOf(checked, 'refreshToken').error.message).toMatch(/revoked.*consent again/);
    const flagged = await account();
    expect(flagged.health).toMatchObject({
      reconsentRequired: true,
      lastError: { code: 'token_no_longer_valid', aadsts: 50173 },
    });
    expect(flagged.lastConnectionCheck).toEqual(checked.body);
    expect((await call('GET', '/payer-account/audit', alice)).body.items[0].details).toMatchObject({
      verdict: 'failed',
      reconsentRequired: true,
      refreshToken: 'failed',
      'refreshToken.aadsts': 50173,
      priceSheet: 'notChecked',
    });

    const asked = await call('POST', '/payer-account/reconsent', alice, { redirectUri: 'https://localhost' });
    expect(asked.status).toBe(202);
    const start = await fetch(asked.body.consentLink, { redirect: 'manual' });
    const { location } = await stack.entra.authorize({
      authorizeUrl: start.headers.get('location') as string,
      username: ADMIN,
      decision: 'accept',
    });
    expect((await call('POST', '/payer-account/reconsent/authorization-code', alice, { url: location })).status).toBe(
      202,
    );
    expect(await until(async () => (await account()).reconsent === undefined)).toBe(true);
    expect((await check()).body).toMatchObject({ verdict: 'ok', reconsentRequired: false });
  });

  it("gives any member the support details: IDs, the timeline, the last check and every error seen with Microsoft's IDs", async () => {
    const current = await account();
    const answer = await call('GET', '/payer-account/support-bundle', bob);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const bundle = answer.body;
    expect(bundle).toMatchObject({
      organizationId: CONTOSO,
      state: 'registered',
      registrationId: current.registrationId,
      tenantId: CONTOSO,
      applicationId: PC_APP,
      mpnId: '1234567',
      companyName: 'Contoso Ltd',
      country: 'US',
      consentedBy: ADMIN,
      health: { reconsentRequired: false },
      lastConnectionCheck: current.lastConnectionCheck,
    });
    // The registration's timeline as ops read it, without payloads.
    const [registration] = bundle.timelines;
    expect(registration).toMatchObject({ kind: 'registration', registrationId: current.registrationId });
    expect(registration.statusTransitions.map((t: { status: string }) => t.status)).toContain('registered');
    expect(registration.entries.map((e: { name?: string }) => e.name)).toEqual(
      expect.arrayContaining(['PartnerCenterCredentialsSubmitted', 'RedeemConsent', 'ConsentCompleted']),
    );
    expect(registration.entries.some((e: object) => 'result' in e || 'verdict' in e)).toBe(false);
    expect(registration).not.toHaveProperty('progress');
    // Every error seen, once each, with Microsoft's codes and IDs and the page that fixes it.
    const errors = bundle.microsoftErrors as Record<string, any>[];
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          source: 'payerAccount.connectionChecked.refreshToken',
          code: 'token_no_longer_valid',
          aadsts: 50173,
          traceId: expect.any(String),
          help: expect.any(String),
        }),
        expect.objectContaining({
          code: 'admin_without_partner_role',
          partnerCenterCode: 900150,
          correlationId: expect.any(String),
        }),
        expect.objectContaining({ code: 'permission_not_configured', partnerCenterCode: 400 }),
        expect.objectContaining({ code: 'identity_provider_unavailable' }),
      ]),
    );
    const revoked = errors.filter((e) => e.aadsts === 50173);
    expect(revoked).toHaveLength(1); // the check's, the keep-alive's health and the audit entry: one error
    expect(errors.map((e) => e.at)).toEqual([...errors.map((e) => e.at)].sort().reverse());
    // The same, as text to paste into a ticket.
    for (const fact of [CONTOSO, PC_APP, '1234567', current.registrationId, 'AADSTS50173', revoked[0].traceId])
      expect(bundle.text).toContain(fact);
    expect(bundle.text).toMatch(/Partner Center code 900150, correlation ID [0-9a-f-]{36}/);
    expect(bundle.text).toContain('RedeemConsent');
    // Reading it is audited, under the reader's name.
    const audit = (await call('GET', '/payer-account/audit', alice)).body.items as {
      action: string;
      actor: { id: string };
    }[];
    expect(audit.find((e) => e.action === 'payerAccount.supportBundle.read')).toBeDefined();
  });

  it('gives the support details of a registration in progress too', async () => {
    const carol = await stack.tokenFor('carol@fabrikam.example');
    expect((await call('POST', '/payer-account/registration', carol, {})).status).toBe(201);
    expect(
      await until(async () => (await call('GET', '/payer-account/registration', carol)).body?.status !== 'starting'),
    ).toBe(true);
    const bundle = (await call('GET', '/payer-account/support-bundle', carol)).body;
    expect(bundle).toMatchObject({ state: 'registering', organizationId: '33333333-3333-4333-8333-333333333333' });
    expect(bundle.mpnId).toBeUndefined();
    expect(bundle.lastConnectionCheck).toBeUndefined();
    expect(bundle.timelines[0]).toMatchObject({ kind: 'registration', runtimeStatus: 'Running' });
    expect(bundle.text).toContain('Last connection check: none yet');
    expect((await call('POST', '/payer-account/connection-check', carol)).body.code).toBe('payer_account_not_found');
    expect((await call('DELETE', '/payer-account/registration', carol)).status).toBe(204);
  });

  it('no answer, table, audit entry or log carried a secret, a code or a token', async () => {
    const service = TableServiceClient.fromConnectionString(stack.azurite.connectionString, {
      allowInsecureConnection: true,
    });
    let stored = '';
    for await (const table of service.listTables()) {
      const client = TableClient.fromConnectionString(stack.azurite.connectionString, table.name as string, {
        allowInsecureConnection: true,
      });
      for await (const entity of client.listEntities()) stored += JSON.stringify(entity);
    }
    // Every refresh token the account ever held: every version of every token cache in the vault, deleted ones too.
    const vault = stack.keyVault.state;
    const caches = [
      ...vault.listCurrent().flatMap(({ name }) => vault.listVersions(name).map(({ v }) => ({ name, v }))),
      ...vault.listDeleted().flatMap(({ name, versions }) => versions.map((v) => ({ name, v }))),
    ].filter(({ name }) => name.endsWith('-token-cache'));
    const refreshTokens = caches.flatMap(({ v }) =>
      Object.values(
        (JSON.parse(v.value) as { RefreshToken?: Record<string, { secret: string }> }).RefreshToken ?? {},
      ).map((token) => token.secret),
    );
    expect(refreshTokens.length).toBeGreaterThan(3);
    const everywhere = [stored, stack.host.output(), ...seen].join('\n').replace(/ticket=[\w.-]+/g, 'ticket=…');
    for (const secret of [VALID_SECRET, ...refreshTokens]) expect(everywhere).not.toContain(secret);
    expect(everywhere).not.toMatch(/refresh_token|eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\.|[?&]code=[^…]/);
  });
});
