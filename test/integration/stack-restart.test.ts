import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../local/free-port';
import { LOCAL_PASSWORD } from '../../local/stack';
import { loadEntraFixtures } from '../../local/stand-ins/entra-id/fixtures';
import { keepAliveRounds, roundEnded } from '../../local/keep-alive-rounds';
import { CONTOSO, PC_APP, until, VALID_SECRET } from '../support/registration-driver';
import type { StackProcess } from '../support/stack-process';
import { startStackProcess } from '../support/stack-process';

const ADMIN = 'alice@contoso.example';
/** The partner's token requests (code redemption, refresh), not the app's own for the vault. */
const PARTNER_TOKEN_PATH = `^POST /${CONTOSO}/oauth2/v2\\.0/token$`;
const fixtures = loadEntraFixtures();
const appNamed = (name: string) => fixtures.applications.find((a) => a.name === name)!;
/** Polls for up to about 30 s: a 2-core machine running another suite beside this one is slow, not wrong. */
const eventually = (check: () => Promise<boolean>) => until(check, 1000);

/**
 * `npm start` over a data folder, killed hard (SIGKILL to every process of the stack) at three points of a
 * registration and started again over the same folder: each time it carries on as if nothing happened. Azurite keeps
 * the tables and the durable history, the Key Vault stand-in the staged secrets, the signing key of the consent links
 * and the token cache, the Entra ID stand-in its signing key, codes and refresh tokens, maildev the consent e-mail,
 * and every stand-in its address.
 */
describe('a crash of the whole stack loses nothing (npm start with DATA_DIR)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stack-restart-'));
  let port: number;
  let stack: StackProcess;
  let alice: string;
  let mailedLink: string;
  let registrationId: string;

  const api = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${stack.apiBaseUrl}${route}`, {
      method,
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
  };
  const registration = async () => (await api('GET', '/payer-account/registration')).body;
  const mails = async () => {
    const res = await fetch(`${stack.inboxUrl}/api/email?sort=asc`);
    return ((await res.json()) as { text: string; to: { address: string }[] }[]).filter((m) =>
      m.to.some((t) => t.address === ADMIN),
    );
  };
  const entraControl = async (route: string, body?: unknown) => {
    const res = await fetch(`${stack.entraUrl}/_control/${route}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.ok).toBe(true);
    return (await res.json()) as any;
  };
  /** Runs the weekly keep-alive now (Azure's admin API) and waits for the round to end. */
  const keepAlive = async () => {
    const admin = (route: string, init: RequestInit = {}) =>
      fetch(`${stack.hostUrl}${route}`, { ...init, headers: { 'x-functions-key': stack.masterKey } });
    const timer = async () =>
      ((await (await admin('/admin/host/timers')).json()) as any[]).find((t) => t.name === 'TokenKeepAlive');
    const before = (await timer()).invocationCount as number;
    const host = { hostUrl: stack.hostUrl, masterKey: stack.masterKey };
    const known = new Set((await keepAliveRounds(host)).map((r) => r.instanceId));
    const run = await admin('/admin/functions/TokenKeepAlive', { method: 'POST', body: '{"input":""}' });
    expect(run.status).toBe(202);
    expect(
      await eventually(async () => {
        const status = await timer();
        return status.invocationCount > before && !status.running;
      }),
    ).toBe(true);
    expect((await timer()).lastResult).toBe('Succeeded');
    expect((await roundEnded(host, known)).runtimeStatus).toBe('Completed');
  };
  const restart = async () => {
    const before = stack;
    // Azurite saves its tables every 5 s, so a crash may lose that window's writes: the crash comes after a save.
    await stack.tablesSaved();
    await stack.crash();
    stack = await startStackProcess({ port, dataDir });
    // The addresses the product and the person hold stay valid: the stand-ins come back on their ports.
    expect([stack.entraUrl, stack.keyVaultUrl, stack.inboxUrl]).toEqual([
      before.entraUrl,
      before.keyVaultUrl,
      before.inboxUrl,
    ]);
  };

  beforeAll(async () => {
    port = await freePort();
    stack = await startStackProcess({ port, dataDir });
    const res = await fetch(`${stack.entraUrl}/organizations/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: appNamed('octo-web').clientId,
        username: ADMIN,
        password: LOCAL_PASSWORD,
        scope: `${appNamed('octo-payer-registration-api').identifierUri}/.default`,
      }),
    });
    // One sign-in for the whole test: the stand-in keeps its signing key and issuer, so the API keeps accepting it.
    alice = ((await res.json()) as { access_token: string }).access_token;
  }, 120_000);
  afterAll(async () => {
    await stack?.crash();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps a registration waiting for consent: the e-mail and its link still work after the crash', async () => {
    expect((await api('POST', '/payer-account/registration', { accountName: 'Contoso CSP' })).status).toBe(201);
    expect(await eventually(async () => (await registration())?.status === 'awaitingPartnerCenterCredentials')).toBe(
      true,
    );
    const step2 = await api('PUT', '/payer-account/registration/partner-center-credentials', {
      applicationId: PC_APP,
      domain: 'contoso.example',
      secret: VALID_SECRET,
    });
    expect(step2.status).toBe(200);
    const step3 = await api('PUT', '/payer-account/registration/partner-api-credentials', {
      tenantId: CONTOSO,
      applicationId: PC_APP,
      adminEmail: ADMIN,
    });
    expect(step3.status).toBe(200);
    expect(await eventually(async () => (await mails()).length === 1)).toBe(true);
    const [mail] = await mails();
    mailedLink = /(http:\/\/127\.0\.0\.1:\d+\/api\/consent\/start\?ticket=\S+)/.exec(mail.text)?.[1] as string;
    expect(mailedLink).toBeDefined();
    registrationId = (await registration()).registrationId;

    await restart();

    expect(await registration()).toMatchObject({ registrationId, status: 'awaitingConsent' });
    expect((await mails()).map((m) => m.text)).toEqual([mail.text]);
    // The ticket is signed with a key kept in the vault: an emptied vault would answer "not valid" here.
    const start = await fetch(mailedLink, { redirect: 'manual' });
    expect(start.status).toBe(302);
    expect(start.headers.get('location')).toMatch(
      new RegExp(`^${stack.entraUrl}/${CONTOSO}/oauth2/v2\\.0/authorize\\?`),
    );
  }, 120_000);

  it('finishes a consent received just before the crash: the redemption runs again over the kept code', async () => {
    const start = await fetch(mailedLink, { redirect: 'manual' });
    const { location } = await entraControl('authorize', {
      authorizeUrl: start.headers.get('location'),
      username: ADMIN,
      decision: 'accept',
    });
    // Entra ID holds the redemption, so the crash comes after the callback and before the code is redeemed.
    await entraControl('faults', { match: PARTNER_TOKEN_PATH, latencyMs: 600_000, count: 1 });
    const callback = await fetch(location as string, { redirect: 'manual' });
    expect(await callback.text()).toContain('Consent received');
    expect(await eventually(async () => (await entraControl('faults')).faults.some((r: any) => r.hits === 1))).toBe(
      true,
    );
    expect((await registration()).status).toBe('redeemingConsent');

    await restart();

    expect(await eventually(async () => (await api('GET', '/payer-account')).status === 200)).toBe(true);
    expect((await api('GET', '/payer-account')).body).toMatchObject({
      registrationId,
      tenantId: CONTOSO,
      applicationId: PC_APP,
      consentedBy: ADMIN,
      health: { reconsentRequired: false },
    });
  }, 120_000);

  it('keeps the registered account: its refresh token still refreshes after the crash', async () => {
    await keepAlive();
    const refreshed = (await api('GET', '/payer-account')).body;
    expect(refreshed.health.lastError).toBeUndefined();
    expect(refreshed.health.lastRefreshAt).toBeDefined();

    await restart();

    expect((await api('GET', '/payer-account')).body).toEqual(refreshed);
    await keepAlive();
    const after = (await api('GET', '/payer-account')).body;
    expect(after.health).toMatchObject({ reconsentRequired: false });
    expect(after.health.lastError).toBeUndefined();
    // A new refresh token was redeemed and kept: the cache is a new version, the refresh is recorded anew.
    expect(after.secrets.tokenCache.name).toBe(refreshed.secrets.tokenCache.name);
    expect(after.secrets.tokenCache.version).not.toBe(refreshed.secrets.tokenCache.version);
    expect(Date.parse(after.health.lastRefreshAt)).toBeGreaterThan(Date.parse(refreshed.health.lastRefreshAt));
  }, 120_000);
});
