import { TableClient } from '@azure/data-tables';
import { aadstsErrorBody } from '../../local/stand-ins/entra-id/error-bodies';
import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';
import type { KeepAliveRoundReport } from '../../src/domain/keep-alive-round';
import { runKeepAliveRound } from '../../local/keep-alive-rounds';
import { contractCheckedClient } from '../support/openapi-contract';
import type { ApiAnswer } from '../support/registration-driver';
import { CONTOSO, PC_APP, registerContoso, TOKEN_PATH, until } from '../support/registration-driver';

const DAY_MS = 24 * 3600_000;
const ADMIN = 'alice@contoso.example';

/**
 * The account's life after registration, on the running stack with its clock moved weeks ahead:
 * the weekly keep-alive round, a refresh token left unused for 90 days, a revoked one, re-consent
 * by the e-mailed link and by the pasted address, a replaced secret and its expiry warning.
 */
describe('token keep-alive, re-consent and secret update', () => {
  let stack: Stack;
  let alice: string;
  let bob: string;
  let seen: string[];
  let call: (method: string, path: string, token: string | undefined, body?: unknown) => Promise<ApiAnswer>;
  const account = async () => (await call('GET', '/payer-account', alice)).body;
  const versions = (name: string) => stack.keyVault.state.listVersions(name);
  const enabledVersions = (name: string) =>
    versions(name)
      .filter(({ v }) => v.enabled)
      .map(({ v }) => v.version);
  const auditActions = async () => {
    const table = TableClient.fromConnectionString(stack.azurite.connectionString, 'AuditTrail', {
      allowInsecureConnection: true,
    });
    const actions: string[] = [];
    for await (const row of table.listEntities<{ action: string }>({
      queryOptions: { filter: `PartitionKey eq '${CONTOSO}'` },
    }))
      actions.push(row.action);
    return actions;
  };
  /** Moves the clock and waits for the keep-alive round the move makes due (exactly one), which must complete. */
  const roundAfter = async (ms: number) => {
    const round = await runKeepAliveRound(stack, () => stack.advanceClock(ms));
    expect(round.runtimeStatus).toBe('Completed');
    return round.output as KeepAliveRoundReport;
  };
  const consentFromLink = async (link: string, redirect = true) => {
    const start = await fetch(link, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const { location } = await stack.entra.authorize({
      authorizeUrl: start.headers.get('location') as string,
      username: ADMIN,
      decision: 'accept',
    });
    if (redirect) await fetch(location, { redirect: 'manual' });
    return location;
  };

  beforeAll(async () => {
    stack = await startStack();
    [alice, bob] = await Promise.all([stack.tokenFor(ADMIN), stack.tokenFor('bob@contoso.example')]);
    seen = [];
    // Every answer must be one the OpenAPI document describes.
    call = await contractCheckedClient(stack, seen);
    await registerContoso(stack, alice, seen);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('keeps the refresh token alive through 91 days of weekly rounds, rotating it each time', async () => {
    const registered = await account();
    expect(registered.health).toMatchObject({ reconsentRequired: false });
    expect(Date.parse(registered.health.refreshTokenExpiresAt) - Date.parse(registered.health.lastRefreshAt)).toBe(
      90 * DAY_MS,
    );
    const cacheName = registered.secrets.tokenCache.name;
    // The consent kept the cache twice (after redeeming the code, after the Partner Center token): only the recorded one is readable.
    expect(enabledVersions(cacheName)).toEqual([registered.secrets.tokenCache.version]);
    let previous = registered;
    for (let week = 1; week <= 13; week++) {
      const round = await roundAfter(7 * DAY_MS);
      expect(round).toMatchObject({ accounts: 1, pagesDone: 1, counts: { refreshed: 1, throttled: 0, error: 0 } });
      const now = await account();
      expect(now.health).toMatchObject({ reconsentRequired: false });
      expect(now.health.lastError).toBeUndefined();
      expect(Date.parse(now.health.lastRefreshAt) - Date.parse(previous.health.lastRefreshAt)).toBeGreaterThanOrEqual(
        7 * DAY_MS,
      );
      // The rotated refresh token is a new version of the same secret.
      expect(now.secrets.tokenCache.name).toBe(cacheName);
      expect(now.secrets.tokenCache.version).not.toBe(previous.secrets.tokenCache.version);
      // Older caches hold refresh tokens Entra ID still accepts until they expire (it does not revoke a used one:
      // https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens#token-lifetime), so only the one in
      // use stays readable.
      expect(enabledVersions(cacheName)).toEqual([now.secrets.tokenCache.version]);
      previous = now;
    }
    expect(versions(cacheName).length).toBeGreaterThanOrEqual(14);
    expect(await auditActions()).toEqual(expect.arrayContaining(['payerAccount.token.refreshed']));

    // A vault that keeps refusing to disable old versions leaves them readable; the round still refreshed.
    stack.keyVault.faults.inject({ failNext: 100, status: 503, method: 'PATCH' });
    await roundAfter(7 * DAY_MS);
    stack.keyVault.faults.clear();
    const unretired = await account();
    expect(unretired.health).toMatchObject({ reconsentRequired: false });
    expect(unretired.health.lastError).toBeUndefined();
    expect(unretired.secrets.tokenCache.version).not.toBe(previous.secrets.tokenCache.version);
    expect(enabledVersions(cacheName).sort()).toEqual(
      [previous.secrets.tokenCache.version, unretired.secrets.tokenCache.version].sort(),
    );
    // The next round retires the one it redeemed; the one whose disabling failed stays readable (best effort, noted in the README).
    await roundAfter(7 * DAY_MS);
    expect(enabledVersions(cacheName).sort()).toEqual(
      [previous.secrets.tokenCache.version, (await account()).secrets.tokenCache.version].sort(),
    );
  });

  it('ops list the rounds with their counts, page by page; only ops may', async () => {
    const olivia = await stack.tokenFor('olivia@octo.example');
    const first = await call('GET', '/ops/keep-alive-rounds?pageSize=5', olivia);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(5);
    expect(first.body.continuationToken).toEqual(expect.any(String));
    const rounds = [...first.body.items];
    let token = first.body.continuationToken as string | undefined;
    while (token) {
      const next = await call(
        'GET',
        `/ops/keep-alive-rounds?pageSize=5&continuationToken=${encodeURIComponent(token)}`,
        olivia,
      );
      expect(next.status).toBe(200);
      rounds.push(...next.body.items);
      token = next.body.continuationToken;
    }
    // The first test ran 15 weekly rounds over 105 days: the daily HistoryPurge removed those ended over 90 days ago.
    expect(rounds.length).toBe(13);
    expect((await call('GET', '/ops/keep-alive-rounds?pageSize=100', olivia)).body.items).toEqual(rounds);
    expect(rounds.every((r) => r.runtimeStatus === 'Completed' && r.roundId.startsWith('keep-alive-'))).toBe(true);
    expect(rounds[0]).toMatchObject({ accounts: 1, pagesDone: 1, counts: { refreshed: 1, error: 0 } });
    expect(Date.parse(rounds[0].finishedAt)).toBeGreaterThanOrEqual(Date.parse(rounds[0].startedAt));
    // Oldest first: the IDs are the occurrences.
    expect(rounds.map((r) => r.roundId)).toEqual([...rounds.map((r) => r.roundId)].sort());
    expect((await call('GET', '/ops/keep-alive-rounds', alice)).status).toBe(403);
    const refused = await call('GET', '/ops/keep-alive-rounds?continuationToken=%C3%A9t%C3%A9', olivia);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'invalid_field', field: 'continuationToken' });
  });

  // Entra ID answers 429 with Retry-After when asked too often
  // (https://learn.microsoft.com/en-us/entra/msal/dotnet/advanced/client-and-server-throttling), and so does Key Vault
  // (https://learn.microsoft.com/en-us/azure/key-vault/general/overview-throttling): the round waits and goes on slower.
  it('a round throttled by Entra ID or Key Vault waits for Retry-After and takes the account again, refreshing it once', async () => {
    // Counted by arrival time on the stand-in's clock (its log keeps the last 1000 requests only).
    const lastArrival = () => stack.entra.faults.requests().at(-1)?.at ?? 0;
    const tokenRequestsSince = (at: number) =>
      stack.entra.faults.requests().filter((r) => r.at > at && /\/token$/.test(r.path)).length;
    for (const throttle of [
      // The partner's tenant's token endpoint: the product's own sign-in to Key Vault is another tenant's.
      () =>
        stack.entra.faults.inject({
          match: `^POST /${CONTOSO}/oauth2/v2\\.0/token$`,
          status: 429,
          retryAfterSeconds: 2,
          count: 1,
        }),
      () => stack.keyVault.faults.inject({ failNext: 1, status: 429, retryAfterSeconds: 1, method: 'GET' }),
    ]) {
      const before = await account();
      const requested = lastArrival();
      throttle();
      const round = await roundAfter(7 * DAY_MS);
      expect(round.counts).toMatchObject({ refreshed: 1, throttled: 1, transient: 0, failed: 0, error: 0 });
      const after = await account();
      // Nothing was recorded for the throttled try: the account shows the refresh only.
      expect(after.health.lastError).toBeUndefined();
      expect(after.secrets.tokenCache.version).not.toBe(before.secrets.tokenCache.version);
      // The cache redeemed was retired once (a version left readable by an earlier round's failed retirement may stay).
      expect(enabledVersions(after.secrets.tokenCache.name)).not.toContain(before.secrets.tokenCache.version);
      expect(enabledVersions(after.secrets.tokenCache.name)).toContain(after.secrets.tokenCache.version);
      // The refused one (if Entra's) and the one that refreshed; the product's own sign-in to the vault may add one.
      const asked = tokenRequestsSince(requested);
      expect(asked).toBeGreaterThanOrEqual(1);
      expect(asked).toBeLessThanOrEqual(3);
    }
    stack.entra.faults.clear();
    stack.keyVault.faults.clear();
  });

  it("a token left unused for 90 days needs re-consent: flagged, e-mailed, and restored by the admin's consent", async () => {
    await stack.maildev.clear();
    const before = await account();
    // One jump past the refresh token's 90-day window: the round runs once, past due, and finds it dead.
    await roundAfter(91 * DAY_MS);
    const flagged = await account();
    expect(flagged.health).toMatchObject({ reconsentRequired: true, lastError: { aadsts: 700082 } });
    expect(flagged.health.lastError.message).toMatch(/not used for 90 days.*consent again/);
    expect(flagged.health.lastRefreshAt).toBe(before.health.lastRefreshAt);
    expect(flagged.secrets.tokenCache).toEqual(before.secrets.tokenCache); // the old token stays until the new consent
    expect(flagged.reconsent).toMatchObject({ status: 'awaitingConsent', consent: { emailedTo: ADMIN } });

    const [mail] = await stack.maildev.waitForMessages(ADMIN, { count: 1, timeoutMs: 10_000 });
    expect(mail.subject).toMatch(/Consent needed again/);
    const link = /(http:\/\/127\.0\.0\.1:\d+\/api\/consent\/start\?ticket=[^\s"<]+)/.exec(mail.text ?? '')?.[1];
    expect(link).toBeDefined();
    await consentFromLink(link as string);
    expect(await until(async () => (await account()).health.reconsentRequired === false)).toBe(true);
    const restored = await account();
    expect(restored.reconsent).toBeUndefined();
    expect(restored.secrets.tokenCache.name).toBe(`reg-${flagged.reconsent.reconsentId}-token-cache`);
    expect(restored.registrationId).toBe(before.registrationId);
    expect(versions(before.secrets.tokenCache.name)).toHaveLength(0); // the dead token's cache is deleted
    await roundAfter(7 * DAY_MS);
    expect((await account()).health).toMatchObject({ reconsentRequired: false });
    expect(await auditActions()).toEqual(
      expect.arrayContaining([
        'payerAccount.reconsentRequired',
        'payerAccount.reconsent.requested',
        'payerAccount.reconsented',
      ]),
    );
  });

  it('transient faults are retried and leave the state as it was; a revoked token is re-consented by the pasted address', async () => {
    stack.entra.faults.inject({ match: TOKEN_PATH, status: 503, count: 10 });
    await roundAfter(7 * DAY_MS);
    stack.entra.faults.clear();
    const transient = await account();
    expect(transient.health).toMatchObject({
      reconsentRequired: false,
      lastError: { code: 'identity_provider_unavailable', transient: true },
    });

    // An admin revokes alice's sessions (https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens#token-revocation).
    stack.entra.revokeRefreshTokens(ADMIN);
    await roundAfter(7 * DAY_MS);
    const flagged = await account();
    expect(flagged.health).toMatchObject({ reconsentRequired: true, lastError: { aadsts: 50173 } });
    expect(flagged.health.lastError.message).toMatch(/revoked.*administrator revoked the consenting admin's sessions/);

    expect((await call('POST', '/payer-account/reconsent', bob, {})).status).toBe(403);
    const asked = await call('POST', '/payer-account/reconsent', alice, { redirectUri: 'https://localhost' });
    expect(asked.status).toBe(202);
    expect(asked.body.reconsentId).toBe(flagged.reconsent.reconsentId); // the waiting re-consent gets a new link, usable at once
    const location = await consentFromLink(asked.body.consentLink, false);
    expect(location).toMatch(/^https:\/\/localhost\/\?code=/);
    const bad = await call('POST', '/payer-account/reconsent/authorization-code', alice, {
      url: 'https://localhost/?state=x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid_field', field: 'url' });
    const pasted = await call('POST', '/payer-account/reconsent/authorization-code', alice, { url: location });
    expect(pasted.status).toBe(202);
    expect(await until(async () => (await account()).health.reconsentRequired === false)).toBe(true);
  });

  it('replaces the secret only once verified, and warns 30 days before it expires', async () => {
    const before = await account();
    const refused = await call('PUT', '/payer-account/secret', alice, { secret: 'not-the-secret' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'secret_invalid', field: 'secret', aadsts: 7000215 });
    expect((await account()).secrets.applicationSecret).toEqual(before.secrets.applicationSecret);
    const past = await call('PUT', '/payer-account/secret', alice, {
      secret: 'contoso-pc-secret-value~rotated',
      expiresAt: '2001-01-01',
    });
    expect(past.status).toBe(400);
    expect(past.body).toMatchObject({ code: 'invalid_field', field: 'expiresAt' });
    expect(
      (await call('PUT', '/payer-account/secret', bob, { secret: 'contoso-pc-secret-value~rotated' })).status,
    ).toBe(403);
    // The registered app itself refused (here: gone from its tenant): no field of this request is at fault.
    const gone = aadstsErrorBody(700016, { clientId: before.applicationId });
    stack.entra.faults.inject({ match: TOKEN_PATH, status: gone.status, body: gone.body, count: 1 });
    const appGone = await call('PUT', '/payer-account/secret', alice, { secret: 'contoso-pc-secret-value~rotated' });
    expect(appGone.status).toBe(422);
    expect(appGone.body).toMatchObject({
      code: 'application_not_found',
      aadsts: 700016,
      message: expect.stringMatching(/registered with.*deregister the payer account and register it again/),
    });
    expect(appGone.body.field).toBeUndefined();
    expect((await account()).secrets.applicationSecret).toEqual(before.secrets.applicationSecret);

    const now = Date.parse((await account()).health.lastAttemptAt);
    const expiresAt = new Date(now + 40 * DAY_MS).toISOString().slice(0, 10);
    const replaced = await call('PUT', '/payer-account/secret', alice, {
      secret: 'contoso-pc-secret-value~rotated',
      expiresAt,
    });
    expect(replaced.status).toBe(200);
    expect(JSON.stringify(replaced.body)).not.toContain('secret-value');
    const after = await account();
    expect(after.secrets.applicationSecret.version).toBe(replaced.body.applicationSecret.version);
    expect(after.applicationSecretExpiresAt).toBe(new Date(expiresAt).toISOString());
    expect(after.health.secretExpiresSoon).toBe(false);
    // The old version is disabled: only the new one can be read.
    expect(
      versions(before.secrets.applicationSecret.name)
        .filter(({ v }) => v.enabled)
        .map(({ v }) => v.version),
    ).toEqual([replaced.body.applicationSecret.version]);

    await stack.maildev.clear();
    await roundAfter(7 * DAY_MS); // 33 days left: not yet
    expect((await account()).health.secretExpiresSoon).toBe(false);
    await roundAfter(7 * DAY_MS); // 26 days left: flagged and mailed once
    expect((await account()).health).toMatchObject({ secretExpiresSoon: true, reconsentRequired: false });
    const [warning] = await stack.maildev.waitForMessages(ADMIN, { count: 1, timeoutMs: 10_000 });
    expect(warning.subject).toMatch(/Secret expiring/);
    await roundAfter(7 * DAY_MS);
    expect(await stack.maildev.messages(ADMIN)).toHaveLength(1);
    expect(await auditActions()).toEqual(
      expect.arrayContaining([
        'payerAccount.secret.refused',
        'payerAccount.secret.updated',
        'payerAccount.secret.expiryWarned',
      ]),
    );
  });

  it('a re-consent asked for before the secret is replaced redeems with the new secret', async () => {
    const asked = await call('POST', '/payer-account/reconsent', alice, { redirectUri: 'https://localhost' });
    expect(asked.status).toBe(202);
    expect(await until(async () => (await account()).reconsent?.status === 'awaitingConsent')).toBe(true);
    const replaced = await call('PUT', '/payer-account/secret', alice, { secret: 'contoso-pc-secret-value~valid' });
    expect(replaced.status).toBe(200);
    const location = await consentFromLink(asked.body.consentLink, false);
    expect((await call('POST', '/payer-account/reconsent/authorization-code', alice, { url: location })).status).toBe(
      202,
    );
    expect(await until(async () => (await account()).reconsent === undefined)).toBe(true);
    const after = await account();
    expect(after.health).toMatchObject({ reconsentRequired: false });
    expect(after.health.lastError).toBeUndefined();
    expect(after.secrets.applicationSecret).toEqual(replaced.body.applicationSecret);
    expect(after.secrets.tokenCache.name).toBe(`reg-${asked.body.reconsentId}-token-cache`);
  });

  // https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes (AADSTS9002327)
  it('a re-consent whose callback is registered as a single-page application says to move it under Web, and succeeds once it is', async () => {
    const callback = `${new URL(stack.apiBaseUrl).origin}/api/consent/callback`;
    const before = await account();
    const asked = await call('POST', '/payer-account/reconsent', alice, {});
    expect(asked.status).toBe(202);
    expect(await until(async () => (await account()).reconsent?.status === 'awaitingConsent')).toBe(true);
    stack.entra.addRedirectUri(PC_APP, callback, 'spa');
    try {
      await consentFromLink(asked.body.consentLink);
      expect(await until(async () => (await account()).reconsent?.error !== undefined)).toBe(true);
    } finally {
      stack.entra.addRedirectUri(PC_APP, callback, 'web');
    }
    const refused = await account();
    expect(refused.reconsent.error).toMatchObject({
      code: 'redirect_uri_wrong_platform',
      field: 'redirectUri',
      aadsts: 9002327,
    });
    expect(refused.secrets.tokenCache).toEqual(before.secrets.tokenCache); // the account keeps its token
    const again = await call('POST', '/payer-account/reconsent', alice, {});
    expect(again.body.reconsentId).toBe(asked.body.reconsentId);
    await consentFromLink(again.body.consentLink);
    expect(await until(async () => (await account()).reconsent === undefined)).toBe(true);
    expect((await account()).secrets.tokenCache.name).toBe(`reg-${asked.body.reconsentId}-token-cache`);
  });

  it('deregisters (cancelling a waiting re-consent, whose story ops can read), and a new registration records the secret expiry given in step 2', async () => {
    const olivia = await stack.tokenFor('olivia@octo.example');
    const waiting = await call('POST', '/payer-account/reconsent', alice, { adminEmail: 'admin@contoso.example' });
    expect(waiting.status).toBe(202);
    expect((await call('DELETE', '/payer-account', alice)).status).toBe(204);
    const history = async () =>
      (await call('GET', `/ops/registrations/${waiting.body.reconsentId}/history`, olivia)).body;
    expect(await until(async () => (await history()).runtimeStatus === 'Completed')).toBe(true);
    expect(JSON.stringify(await history())).toMatch(/RegistrationCancelled/);
    expect((await call('GET', '/payer-account', alice)).status).toBe(404);
    const again = await registerContoso(stack, alice, seen, { secretExpiresAt: '2099-01-01' });
    expect(again.applicationSecretExpiresAt).toBe('2099-01-01T00:00:00.000Z');
    expect(again.health).toMatchObject({ reconsentRequired: false, secretExpiresSoon: false });
    expect((await call('GET', '/payer-account', alice)).status).toBe(200);
  });

  it('no answer, audit entry or e-mail carried a secret, a code or a token', async () => {
    // A connection check's answer and the support details (every error the account met, its timeline) are answers too.
    expect((await call('POST', '/payer-account/connection-check', alice)).status).toBe(200);
    const bundle = await call('GET', '/payer-account/support-bundle', bob);
    expect(bundle.status).toBe(200);
    expect(bundle.body.microsoftErrors.length).toBeGreaterThan(0);
    const mails = (await stack.maildev.messages()).map((m) => `${m.subject} ${m.text}`);
    const table = TableClient.fromConnectionString(stack.azurite.connectionString, 'AuditTrail', {
      allowInsecureConnection: true,
    });
    const rows: string[] = [];
    for await (const row of table.listEntities()) rows.push(JSON.stringify(row));
    // The consent link's ticket is a signed, non-secret JWT by design: everything else must be free of them.
    for (const text of [...seen, ...rows, ...mails].map((t) => t.replace(/ticket=[\w.-]+/g, 'ticket=…'))) {
      expect(text).not.toMatch(/secret-value|refresh_token|eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\.|[?&]code=[^…]/);
    }
  });
});
