/**
 * The Key Vault stand-in over a data folder (as the stack runs it for npm start): a vault started again over the
 * folder holds what the first one answered for, to the real SecretClient. The second vault is opened while the first
 * still runs: each change is on disk before it is answered, so nothing waits for a clean stop.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { startEntraIdStandIn, type EntraIdStandIn } from '../../local/stand-ins/entra-id/server';
import { createAccessTokenVerifier } from '../../local/stand-ins/key-vault/access-token-verifier';
import { startKeyVaultStandIn, type KeyVaultStandIn } from '../../local/stand-ins/key-vault/server';
import { ensureLoopbackTls, type LoopbackTls } from '../../local/tls';
import { KeyVaultSecretStore } from '../../src/adapters/key-vault-secret-store';
import { KeyVaultSignedTokens } from '../../src/adapters/key-vault-signed-tokens';

const TENANT_ID = '11111111-1111-4111-8111-111111111111';
const CLIENT_ID = 'aaaaaaaa-0000-4000-8000-000000000002';
const CLIENT_SECRET = 'local-backend-secret-do-not-use-in-production';

let tls: LoopbackTls;
let entra: EntraIdStandIn;
let credential: TokenCredential;
let dataDir: string;
const vaults: KeyVaultStandIn[] = [];

const openVault = async (options: { memoryOnly?: boolean } = {}) => {
  const vault = await startKeyVaultStandIn({
    tls,
    tenantId: TENANT_ID,
    authority: `${entra.url}/${TENANT_ID}`,
    verifyAccessToken: createAccessTokenVerifier({
      jwksUri: entra.jwksUri(TENANT_ID),
      issuer: entra.v1Issuer(TENANT_ID),
      tenantId: TENANT_ID,
    }),
    dataDir: options.memoryOnly ? undefined : dataDir,
  });
  vaults.push(vault);
  return vault;
};
const clientOf = (vault: KeyVaultStandIn) =>
  new SecretClient(vault.url, credential, {
    disableChallengeResourceVerification: true,
    retryOptions: { maxRetries: 0 },
  });
const storeOf = (vault: KeyVaultStandIn) =>
  new KeyVaultSecretStore(vault.url, credential, {
    disableChallengeResourceVerification: true,
    retryOptions: { maxRetries: 0 },
  });
const statusOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => 200,
    (error: { statusCode?: number }) => error.statusCode,
  );
const uniqueName = (label: string) => `reg-${randomUUID()}-${label}`;

beforeAll(async () => {
  tls = await ensureLoopbackTls();
  entra = await startEntraIdStandIn({ tls });
  credential = new ClientSecretCredential(TENANT_ID, CLIENT_ID, CLIENT_SECRET, {
    authorityHost: entra.url,
    disableInstanceDiscovery: true,
  });
});
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'key-vault-state-'));
});
afterEach(async () => {
  for (const vault of vaults.splice(0)) await vault.stop();
  rmSync(dataDir, { recursive: true, force: true });
});
afterAll(async () => {
  await entra?.stop();
});

describe('the Key Vault stand-in over a data folder: a restart keeps the vault', () => {
  // https://learn.microsoft.com/en-us/azure/key-vault/secrets/about-secrets (every version kept, with its attributes)
  it('keeps every version of a secret with its value and attributes; the newest stays current', async () => {
    const first = clientOf(await openVault());
    const name = uniqueName('token-cache');
    const expiresOn = new Date(Math.floor(Date.now() / 1000 + 86_400) * 1000);
    const v1 = await first.setSecret(name, 'cache-1', { contentType: 'msal-token-cache', tags: { step: '3' } });
    const v2 = await first.setSecret(name, 'cache-2', { contentType: 'msal-token-cache', expiresOn });
    await first.updateSecretProperties(name, v1.properties.version as string, { enabled: false });
    const listed = async (client: SecretClient) => {
      const versions = [];
      // Everything but the vault's address: the second vault runs beside the first, on another port.
      for await (const { id: _id, vaultUrl: _url, ...p } of client.listPropertiesOfSecretVersions(name))
        versions.push(p);
      return versions.sort((a, b) => String(a.version).localeCompare(String(b.version)));
    };
    const before = await listed(first);

    const second = clientOf(await openVault());

    expect(await listed(second)).toEqual(before);
    expect(before.map((p) => [p.version, p.enabled, p.contentType, p.tags, p.expiresOn])).toEqual(
      expect.arrayContaining([
        [v1.properties.version, false, 'msal-token-cache', { step: '3' }, undefined],
        [v2.properties.version, true, 'msal-token-cache', undefined, expiresOn],
      ]),
    );
    const current = await second.getSecret(name);
    expect([current.value, current.properties.version]).toEqual(['cache-2', v2.properties.version]);
    expect((await second.getSecret(name, { version: v2.properties.version })).value).toBe('cache-2');
    // A disabled version stays unreadable: the product disables redeemed codes and superseded token caches.
    expect(await statusOf(second.getSecret(name, { version: v1.properties.version }))).toBe(403);
  });

  // https://learn.microsoft.com/en-us/azure/key-vault/general/soft-delete-overview
  it('keeps a deleted secret recoverable and its name reserved until it is purged', async () => {
    const first = clientOf(await openVault());
    const name = uniqueName('pc-secret');
    await first.setSecret(name, 'staged');
    await (await first.beginDeleteSecret(name, { intervalInMs: 50 })).pollUntilDone();
    const deleted = await first.getDeletedSecret(name);

    const second = clientOf(await openVault());

    const kept = await second.getDeletedSecret(name);
    expect([kept.properties.deletedOn, kept.properties.scheduledPurgeDate]).toEqual([
      deleted.properties.deletedOn,
      deleted.properties.scheduledPurgeDate,
    ]);
    expect(await statusOf(second.setSecret(name, 'again'))).toBe(409);
    expect(await statusOf(second.getSecret(name))).toBe(404);
    await (await second.beginRecoverDeletedSecret(name, { intervalInMs: 50 })).pollUntilDone();

    const third = clientOf(await openVault());

    expect((await third.getSecret(name)).value).toBe('staged');
    await (await third.beginDeleteSecret(name, { intervalInMs: 50 })).pollUntilDone();
    await third.purgeDeletedSecret(name);

    const fourth = clientOf(await openVault());

    expect(await statusOf(fourth.getDeletedSecret(name))).toBe(404);
    expect((await fourth.setSecret(name, 'new')).value).toBe('new');
  });

  // https://learn.microsoft.com/en-us/azure/key-vault/general/about-keys-secrets-certificates (case-insensitive identifiers)
  it('keeps the name as it was created, answering to any casing', async () => {
    const first = clientOf(await openVault());
    const name = `Reg-${randomUUID()}-Mixed`;
    await first.setSecret(name, 'value');

    const second = clientOf(await openVault());

    const found = await second.getSecret(name.toLowerCase());
    expect([found.name, found.value]).toEqual([name, 'value']);
    expect((await second.setSecret(name.toUpperCase(), 'next')).name).toBe(name);
  });

  it('verifies a consent link signed before the restart: its signing key is a secret in the vault', async () => {
    const expires = new Date(Date.now() + 3_600_000);
    const link = await new KeyVaultSignedTokens(storeOf(await openVault())).sign('consent-ticket', { r: 1 }, expires);

    const after = new KeyVaultSignedTokens(storeOf(await openVault()));

    expect(await after.verify('consent-ticket', link)).toEqual({ ok: true, claims: expect.objectContaining({ r: 1 }) });
  });

  it('keeps nothing without a data folder (tests)', async () => {
    const name = uniqueName('pc-secret');
    await clientOf(await openVault({ memoryOnly: true })).setSecret(name, 'value');
    expect(await statusOf(clientOf(await openVault({ memoryOnly: true })).getSecret(name))).toBe(404);
  });

  it('refuses to start over a state file it cannot read, naming it, rather than starting empty', async () => {
    const file = path.join(dataDir, 'secrets.json');
    writeFileSync(file, '{"live": [');
    await expect(openVault()).rejects.toThrow(file);
  });
});
