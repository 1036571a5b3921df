/**
 * KeyVaultSecretStore against the Key Vault stand-in, authenticated by a real @azure/identity
 * ClientSecretCredential against the Entra ID stand-in. Real HTTPS on loopback; nothing mocked.
 * Needs NODE_EXTRA_CA_CERTS=.local/tls/cert.pem (npm test sets it).
 */
import { randomUUID } from 'node:crypto';
import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { decodeJwt, SignJWT } from 'jose';
import { startEntraIdStandIn, type EntraIdStandIn } from '../../local/stand-ins/entra-id/server';
import { createAccessTokenVerifier } from '../../local/stand-ins/key-vault/access-token-verifier';
import { startKeyVaultStandIn, type KeyVaultStandIn } from '../../local/stand-ins/key-vault/server';
import { ensureLoopbackTls } from '../../local/tls';
import { KeyVaultSecretStore } from '../../src/adapters/key-vault-secret-store';
import { KeyVaultSignedTokens } from '../../src/adapters/key-vault-signed-tokens';
import { SecretStoreError } from '../../src/ports/secret-store';

const TENANT_ID = '11111111-1111-4111-8111-111111111111';
const CLIENT_ID = 'aaaaaaaa-0000-4000-8000-000000000002';
const CLIENT_SECRET = 'local-backend-secret-do-not-use-in-production';
const VAULT_SCOPE = 'https://vault.azure.net/.default';
const API_VERSION = '2025-07-01';

let entra: EntraIdStandIn;
let kv: KeyVaultStandIn;
let credential: TokenCredential;
let store: KeyVaultSecretStore;
/** Every request the vault answered, as "key-vault METHOD /path STATUS". */
const vaultRequests: string[] = [];

const uniqueName = (label = 'pc-secret') => `reg-${randomUUID()}-${label}`;
const storeWith = (options: Partial<ConstructorParameters<typeof KeyVaultSecretStore>[2]> = {}, cred = credential) =>
  new KeyVaultSecretStore(kv.url, cred, {
    disableChallengeResourceVerification: true,
    retryOptions: { maxRetries: 0 },
    ...options,
  });

const json = async (res: Response): Promise<Record<string, any>> => (await res.json()) as Record<string, any>;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

async function injectFaults(plan: object): Promise<void> {
  const res = await fetch(`${kv.url}/_control/faults`, { method: 'POST', body: JSON.stringify(plan) });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  const tls = await ensureLoopbackTls();
  entra = await startEntraIdStandIn({ tls, port: 0 });
  kv = await startKeyVaultStandIn({
    tls,
    log: (line) => vaultRequests.push(line),
    tenantId: TENANT_ID,
    authority: `${entra.url}/${TENANT_ID}`,
    verifyAccessToken: createAccessTokenVerifier({
      jwksUri: entra.jwksUri(TENANT_ID),
      issuer: entra.v1Issuer(TENANT_ID), // Key Vault gets v1.0 tokens: iss https://sts.windows.net/<tid>/
      tenantId: TENANT_ID,
    }),
  });
  credential = new ClientSecretCredential(TENANT_ID, CLIENT_ID, CLIENT_SECRET, {
    authorityHost: entra.url,
    disableInstanceDiscovery: true,
  });
  store = storeWith();
});

afterAll(async () => {
  await kv?.stop();
  await entra?.stop();
});

afterEach(() => kv.faults.clear());

// https://learn.microsoft.com/en-us/azure/key-vault/secrets/about-secrets (every set is a new version; enabled says whether
// the data can be read; contentType, tags and exp are kept)
// https://learn.microsoft.com/en-us/azure/key-vault/general/about-keys-secrets-certificates (names: 1-127 letters, digits
// and dashes; an id is https://{vault}/secrets/{name}/{32-character version})
// https://learn.microsoft.com/en-us/azure/key-vault/general/rest-error-codes (401, 403, 429). A disabled version's 403
// (innererror SecretDisabled) and a missing secret's 404 SecretNotFound are not published; errors.ts says what they follow.
describe('KeyVaultSecretStore against the Key Vault stand-in', () => {
  test('put then get returns the value, with expiry, content type and tags stored', async () => {
    const name = uniqueName();
    const expiresOn = new Date('2031-05-06T07:08:09Z');
    const ref = await store.put(name, 's3cret~value', {
      expiresOn,
      contentType: 'text/plain',
      tags: { instanceId: 'abc' },
    });
    expect(ref.name).toBe(name);
    expect(ref.version).toMatch(/^[0-9a-f]{32}$/);
    await expect(store.get(ref)).resolves.toBe('s3cret~value');

    const [stored] = kv.state.listVersions(name);
    expect(stored.v).toMatchObject({
      version: ref.version,
      exp: expiresOn.getTime() / 1000,
      contentType: 'text/plain',
      tags: { instanceId: 'abc' },
      enabled: true,
    });
  });

  test('get of a missing name or a missing version is undefined', async () => {
    await expect(store.get({ name: uniqueName(), version: 'a'.repeat(32) })).resolves.toBeUndefined();
    const ref = await store.put(uniqueName(), 'v');
    await expect(store.get({ name: ref.name, version: 'b'.repeat(32) })).resolves.toBeUndefined();
  });

  test('a second put makes a new version; the old reference still reads the old value', async () => {
    const name = uniqueName();
    const first = await store.put(name, 'first');
    const second = await store.put(name, 'second');
    expect(second.version).not.toBe(first.version);
    await expect(store.get(first)).resolves.toBe('first');
    await expect(store.get(second)).resolves.toBe('second');
  });

  test('disableVersion hides that version only', async () => {
    const name = uniqueName();
    const old = await store.put(name, 'old');
    const current = await store.put(name, 'current');
    await store.disableVersion(old);
    await expect(store.get(old)).resolves.toBeUndefined();
    await expect(store.get(current)).resolves.toBe('current');
    expect(kv.state.listVersions(name).map((s) => s.v.enabled)).toEqual([false, true]);
  });

  test('delete soft-deletes; get is then undefined and deleting again is a no-op', async () => {
    const name = uniqueName();
    const ref = await store.put(name, 'to-delete');
    await store.delete(name);
    await expect(store.get(ref)).resolves.toBeUndefined();
    expect(kv.state.getDeleted(name).name).toBe(name); // soft-deleted, not purged
    await expect(store.delete(name)).resolves.toBeUndefined();
    await expect(store.delete(uniqueName('never-existed'))).resolves.toBeUndefined();
  });

  test('put to a soft-deleted name fails with a clear, value-free error', async () => {
    const name = uniqueName();
    await store.put(name, 'v1');
    await store.delete(name);
    const err = await rejection(store.put(name, 'do-not-leak-this-value'));
    expect(err).toBeInstanceOf(SecretStoreError);
    expect(err).toMatchObject({
      reason: 'name-deleted',
      transient: false,
      details: { status: 409, serviceCode: 'Conflict' },
    });
    expect((err as Error).message).toContain(name);
    expect((err as Error).message).toMatch(/deleted but recoverable/);
    expect(JSON.stringify(err) + String(err)).not.toContain('do-not-leak-this-value');
  });

  test('a 503 injected through the control route is thrown as a transient error, then the vault recovers', async () => {
    await store.put(uniqueName(), 'warm-up'); // the auth challenge is done before the fault
    await injectFaults({ failNext: 1, status: 503 });
    const err = await rejection(store.put(uniqueName(), 'do-not-leak-this-value'));
    expect(err).toBeInstanceOf(SecretStoreError);
    expect(err).toMatchObject({
      reason: 'unavailable',
      transient: true,
      details: { status: 503, serviceCode: 'ServiceUnavailable' },
    });
    expect((err as SecretStoreError).details.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(err) + String(err) + (err as Error).stack).not.toContain('do-not-leak-this-value');
    expect(kv.faults.pending).toBe(0);
    const ref = await store.put(uniqueName(), 'after');
    await expect(store.get(ref)).resolves.toBe('after');
  });

  test('a latency delays every request by a time within its range until cleared (benches)', async () => {
    kv.faults.setLatency(30, 50);
    const draws = Array.from({ length: 50 }, () => kv.faults.nextDelayMs());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(30);
    expect(Math.max(...draws)).toBeLessThanOrEqual(50);
    const started = Date.now();
    const ref = await store.put(uniqueName(), 'slow');
    await expect(store.get(ref)).resolves.toBe('slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual(59);
    expect(() => kv.faults.setLatency(50, 30)).toThrow(/minMs <= maxMs/);
    kv.faults.clear();
    expect(kv.faults.nextDelayMs()).toBe(0);
  });

  test('with retries configured, the SDK rides over injected 503s', async () => {
    const retrying = storeWith({ retryOptions: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 20 } });
    await retrying.put(uniqueName(), 'warm-up');
    await injectFaults({ failNext: 2, status: 503 });
    const ref = await retrying.put(uniqueName(), 'eventually');
    expect(kv.faults.pending).toBe(0);
    await expect(retrying.get(ref)).resolves.toBe('eventually');
  });

  test('a dropped connection is thrown as a transient error', async () => {
    const ref = await store.put(uniqueName(), 'v');
    await injectFaults({ failNext: 1, reset: true });
    await expect(store.get(ref)).rejects.toMatchObject({
      name: 'SecretStoreError',
      reason: 'unavailable',
      transient: true,
    });
  });

  test('bad secret names and references are programming errors (plain Error, no request)', async () => {
    for (const bad of ['', 'has_underscore', 'a/b', 'a'.repeat(128), 'ünicode']) {
      const err = await rejection(store.put(bad, 'v'));
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(SecretStoreError);
      expect((err as Error).message).toMatch(/Invalid secret name/);
    }
    await expect(store.delete('bad name')).rejects.toThrow(/Invalid secret name/);
    await expect(store.get({ name: 'ok-name', version: '' })).rejects.toThrow(/Invalid version/);
    await expect(store.disableVersion({ name: 'ok-name', version: '../x' })).rejects.toThrow(/Invalid version/);
    expect(kv.state.listVersions('ok-name')).toEqual([]);
    await expect(store.put('a'.repeat(127), 'v')).resolves.toMatchObject({ name: 'a'.repeat(127) });
  });

  test('a credential whose tokens are for another audience is refused (401 → unauthorized)', async () => {
    const wrongAudience: TokenCredential = {
      getToken: (_scopes, options) => credential.getToken('https://api.partnercenter.microsoft.com/.default', options),
    };
    const err = await rejection(storeWith({}, wrongAudience).put(uniqueName(), 'v'));
    expect(err).toMatchObject({ name: 'SecretStoreError', reason: 'unauthorized', details: { status: 401 } });
  });
});

// https://learn.microsoft.com/en-us/azure/key-vault/general/authentication-requests-and-responses (a request without a
// token, or with one the vault refuses, gets 401 and WWW-Authenticate: Bearer authorization="…", resource="…"; the
// api-version has no default; errors are {error: {code, message}})
describe('Key Vault stand-in: authentication and the wire format', () => {
  const secretUrl = (name: string, query = `api-version=${API_VERSION}`) => `${kv.url}/secrets/${name}?${query}`;

  test('a request without a token gets the challenge naming the authority and resource', async () => {
    const res = await fetch(secretUrl('anything'));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer authorization="${entra.url}/${TENANT_ID}", resource="https://vault.azure.net"`,
    );
    expect(await json(res)).toEqual({
      error: { code: 'Unauthorized', message: expect.stringMatching(/missing a Bearer/) },
    });
  });

  test('forged, expired, wrong-audience and wrong-tenant tokens get 401 with Key Vault error JSON; a real one is accepted', async () => {
    const real = await credential.getToken(VAULT_SCOPE);
    const claims = { ...decodeJwt(real!.token) };
    delete claims.iat;
    delete claims.nbf;
    delete claims.exp;
    const otherTenant = '22222222-2222-4222-8222-222222222222';
    const refusedTokens = {
      forged: await entra.mintToken(claims, { signWithForeignKey: true }),
      expired: await entra.mintToken(claims, { expiresInSeconds: -600 }),
      wrongAudience: await entra.mintToken({ ...claims, aud: 'https://api.partnercenter.microsoft.com' }),
      wrongTenant: await entra.mintToken({ ...claims, iss: entra.v1Issuer(otherTenant), tid: otherTenant }),
    };
    for (const [kind, token] of Object.entries(refusedTokens)) {
      const refused = await fetch(secretUrl('anything'), { headers: { authorization: `Bearer ${token}` } });
      expect({ kind, status: refused.status }).toEqual({ kind, status: 401 });
      expect((await json(refused)).error).toMatchObject({ code: 'Unauthorized', message: expect.any(String) });
    }
    // The same claims signed by the stand-in's key pass: the refusals above are about the token.
    const remint = await fetch(secretUrl('anything'), {
      headers: { authorization: `Bearer ${await entra.mintToken(claims)}` },
    });
    expect(remint.status).toBe(404);

    const name = uniqueName();
    const put = await fetch(secretUrl(name), {
      method: 'PUT',
      headers: { authorization: `Bearer ${real!.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'x' }),
    });
    expect(put.status).toBe(200);
    const bundle = await json(put);
    expect(bundle.id).toMatch(new RegExp(`^${kv.url}/secrets/${name}/[0-9a-f]{32}$`));
    expect(bundle.attributes).toMatchObject({
      enabled: true,
      recoveryLevel: 'Recoverable+Purgeable',
      recoverableDays: 90,
    });
    expect(typeof bundle.attributes.created).toBe('number');
  });

  test('api-version is required, and is read percent-encoded as the SDK sends it', async () => {
    const { token } = (await credential.getToken(VAULT_SCOPE))!;
    const headers = { authorization: `Bearer ${token}` };
    const missing = await fetch(`${kv.url}/secrets`, { headers });
    expect(missing.status).toBe(400);
    expect((await json(missing)).error.code).toBe('BadParameter');
    const encoded = await fetch(`${kv.url}/secrets?api%2Dversion=${API_VERSION}`, { headers });
    expect(encoded.status).toBe(200);
  });

  // https://learn.microsoft.com/en-us/azure/key-vault/secrets/about-secrets: "a maximum size of 25k bytes" per value, "The
  // maximum length of this field [contentType] is 255 characters" (the status of the refusal is not published).
  test('a value is limited to 25k bytes, not characters, and a content type to 255 characters', async () => {
    const { token } = (await credential.getToken(VAULT_SCOPE))!;
    const put = (body: object) =>
      fetch(secretUrl(uniqueName()), {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await put({ value: 'x'.repeat(25 * 1024) })).status).toBe(200);
    const tooLarge = await put({ value: 'é'.repeat(13 * 1024) }); // 13k characters, 26k bytes in UTF-8
    expect(tooLarge.status).toBe(400);
    expect((await json(tooLarge)).error.code).toBe('BadParameter');
    expect((await put({ value: 'v', contentType: 't'.repeat(255) })).status).toBe(200);
    expect((await put({ value: 'v', contentType: 't'.repeat(256) })).status).toBe(400);
  });

  // https://learn.microsoft.com/en-us/azure/key-vault/general/soft-delete-overview: a deleted secret stays soft-deleted
  // (recoverable) and its name cannot be set again (409 Conflict) until it is purged or recovered.
  test('the real SecretClient can page, list versions, read disabled/deleted states and purge', async () => {
    const client = new SecretClient(kv.url, credential, {
      disableChallengeResourceVerification: true,
      retryOptions: { maxRetries: 0 },
    });
    const prefix = `page-${randomUUID()}`;
    for (let i = 0; i < 27; i++) await client.setSecret(`${prefix}-${i}`, `v${i}`);
    const listed: string[] = [];
    for await (const p of client.listPropertiesOfSecrets()) listed.push(p.name);
    expect(listed.filter((n) => n.startsWith(prefix))).toHaveLength(27); // > 25: needed a nextLink

    const name = `${prefix}-0`;
    await client.setSecret(name, 'v0-bis', { enabled: false });
    const versions: boolean[] = [];
    for await (const p of client.listPropertiesOfSecretVersions(name)) versions.push(p.enabled!);
    expect(versions.sort()).toEqual([false, true]);
    // The latest version is disabled: an unversioned get fails as in Key Vault.
    await expect(client.getSecret(name)).rejects.toMatchObject({
      statusCode: 403,
      message: 'Operation get is not allowed on a disabled secret.',
    });

    const poller = await client.beginDeleteSecret(`${prefix}-1`, { intervalInMs: 10 });
    const deleted = await poller.pollUntilDone();
    expect(deleted.properties.recoveryId).toBe(`${kv.url}/deletedsecrets/${prefix}-1`);
    expect(deleted.properties.scheduledPurgeDate!.getTime() - deleted.properties.deletedOn!.getTime()).toBe(
      90 * 86400_000,
    );
    const deletedNames: string[] = [];
    for await (const d of client.listDeletedSecrets()) deletedNames.push(d.name);
    expect(deletedNames).toContain(`${prefix}-1`);
    await expect(client.setSecret(`${prefix}-1`, 'again')).rejects.toMatchObject({ statusCode: 409, code: 'Conflict' });
    await client.purgeDeletedSecret(`${prefix}-1`);
    await expect(client.getDeletedSecret(`${prefix}-1`)).rejects.toMatchObject({
      statusCode: 404,
      code: 'SecretNotFound',
    });
    await expect(client.setSecret(`${prefix}-1`, 'again')).resolves.toMatchObject({ value: 'again' });
  });
});

describe('KeyVaultSignedTokens over the vault', () => {
  const ISSUER = 'urn:octo:payer-registration';
  const forged = async (kid: string) =>
    new SignJWT({ registrationId: 'r', linkId: 'l' })
      .setProtectedHeader({ alg: 'HS256', kid })
      .setIssuer(ISSUER)
      .setAudience('consent-ticket')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('a key the attacker chose, 32 bytes long at least'));
  const keyReads = () =>
    vaultRequests.filter((line) => /^key-vault GET \/secrets\/consent-signing-key\/[0-9a-zA-Z]+ /.test(line)).length;

  test('another instance verifies a token by its key version; forged key versions cost one vault read per interval at most', async () => {
    let now = Date.now();
    const signer = new KeyVaultSignedTokens(store);
    const token = await signer.sign('consent-ticket', { registrationId: 'r1' }, new Date(now + 3600_000));
    expect(await signer.verify('consent-ticket', token)).toMatchObject({ ok: true, claims: { registrationId: 'r1' } });

    const other = new KeyVaultSignedTokens(store, () => now);
    const before = keyReads();
    expect(await other.verify('consent-ticket', token)).toMatchObject({ ok: true, claims: { registrationId: 'r1' } });
    expect(keyReads() - before).toBe(1);
    expect(await other.verify('consent-ticket', token)).toMatchObject({ ok: true, claims: { registrationId: 'r1' } }); // cached: no read

    now += 5_000;
    const attackStart = keyReads();
    for (let i = 0; i < 20; i++)
      expect(await other.verify('consent-ticket', await forged(`forged${i}`))).toEqual({
        ok: false,
        reason: 'invalid',
      });
    expect(keyReads() - attackStart).toBe(1);
    expect(await other.verify('consent-ticket', token)).toMatchObject({ ok: true, claims: { registrationId: 'r1' } }); // the real key still verifies
    now += 5_000;
    expect(await other.verify('consent-ticket', await forged('forgedAgain'))).toEqual({ ok: false, reason: 'invalid' });
    expect(keyReads() - attackStart).toBe(2);
  });

  test('an authentic token past its time is expired, by the clock it was given; a forged or misdirected one is invalid', async () => {
    let now = Date.now();
    const tokens = new KeyVaultSignedTokens(store, () => now);
    const ticket = await tokens.sign('consent-ticket', { registrationId: 'r2' }, new Date(now + 3600_000));
    expect(await tokens.verify('consent-ticket', ticket)).toMatchObject({ ok: true });
    now += 3600_000 + 1000;
    expect(await tokens.verify('consent-ticket', ticket)).toEqual({ ok: false, reason: 'expired' });
    expect(await tokens.verify('consent-state', ticket)).toEqual({ ok: false, reason: 'invalid' });
    const forgedExpired = await new SignJWT({ registrationId: 'r2' })
      .setProtectedHeader({ alg: 'HS256', kid: 'forgedExpired' })
      .setIssuer(ISSUER)
      .setAudience('consent-ticket')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode('a key the attacker chose, 32 bytes long at least'));
    expect(await tokens.verify('consent-ticket', forgedExpired)).toEqual({ ok: false, reason: 'invalid' });
    expect(await tokens.verify('consent-ticket', `${ticket.slice(0, -3)}abc`)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });
});
