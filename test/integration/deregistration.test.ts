import { TableClient } from '@azure/data-tables';
import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';
import { TablePayerAccounts } from '../../src/adapters/table-payer-accounts';
import { apiClient, CONTOSO, registerContoso, until } from '../support/registration-driver';

describe('deregistration: DELETE /api/payer-account', () => {
  let stack: Stack;
  let alice: string; // Contoso, may register
  let bob: string; // Contoso, read only
  let call: ReturnType<typeof apiClient>['call'];
  const payerAccountRow = async () => {
    const table = TableClient.fromConnectionString(stack.azurite.connectionString, 'PayerAccounts', {
      allowInsecureConnection: true,
    });
    try {
      return await table.getEntity(CONTOSO, 'payer-account');
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  };
  const versions = (name: string) => stack.keyVault.state.listVersions(name);

  beforeAll(async () => {
    stack = await startStack();
    [alice, bob] = await Promise.all([stack.tokenFor('alice@contoso.example'), stack.tokenFor('bob@contoso.example')]);
    call = apiClient(stack).call;
  });
  afterEach(async () => {
    stack.keyVault.faults.clear();
    await call('DELETE', '/payer-account/registration', alice);
    await call('DELETE', '/payer-account', alice);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('removes the row and every Key Vault secret of the account, and the organization registers again', async () => {
    const account = await registerContoso(stack, alice);
    const registrationId = account.registrationId as string;
    const { tokenCache, applicationSecret } = account.secrets as Record<string, { name: string }>;
    // What must go: the token cache (the refresh token) and the application secret, both stored.
    expect(versions(tokenCache.name).length).toBeGreaterThan(0);
    expect(versions(applicationSecret.name).length).toBeGreaterThan(0);
    expect(tokenCache.name).toBe(`reg-${registrationId}-token-cache`);

    expect((await call('DELETE', '/payer-account', undefined)).status).toBe(401);
    const denied = await call('DELETE', '/payer-account', bob);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('forbidden');
    expect(await payerAccountRow()).toBeDefined();

    const removed = await call('DELETE', '/payer-account', alice);
    expect(removed.status).toBe(204);
    const gone = await call('GET', '/payer-account', alice);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('payer_account_not_found');
    expect(await payerAccountRow()).toBeUndefined();
    for (const name of [
      tokenCache.name,
      applicationSecret.name,
      `reg-${registrationId}-pc-secret`,
      `reg-${registrationId}-pkce`,
    ]) {
      expect({ name, versions: versions(name).length }).toEqual({ name, versions: 0 });
    }
    // Soft-deleted (recoverable for the vault's retention), as Key Vault does.
    expect(stack.keyVault.state.getDeleted(tokenCache.name).versions.length).toBeGreaterThan(0);

    const again = await call('DELETE', '/payer-account', alice);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('payer_account_not_found');

    const restarted = await call('POST', '/payer-account/registration', alice, { accountName: 'Contoso CSP again' });
    expect(restarted.status).toBe(201);
    expect(restarted.body.registrationId).not.toBe(registrationId);
  });

  it('answers 409 for a registration in progress and points to cancelling it; nothing is removed', async () => {
    const started = await call('POST', '/payer-account/registration', alice, {});
    expect(started.status).toBe(201);
    await until(
      async () =>
        (await call('GET', '/payer-account/registration', alice)).body?.status === 'awaitingPartnerCenterCredentials',
    );
    const res = await call('DELETE', '/payer-account', alice);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('registration_in_progress');
    expect(res.body.message).toContain('DELETE /api/payer-account/registration');
    const still = await call('GET', '/payer-account/registration', alice);
    expect(still.status).toBe(200);
    expect(still.body.registrationId).toBe(started.body.registrationId);
  });

  it('a late clean-up of the registration that registered never frees the registered account', async () => {
    const account = await registerContoso(stack, alice);
    const accounts = new TablePayerAccounts(
      TableClient.fromConnectionString(stack.azurite.connectionString, 'PayerAccounts', {
        allowInsecureConnection: true,
      }),
    );
    expect(await accounts.release(CONTOSO, account.registrationId)).toBe(false);
    expect(await payerAccountRow()).toMatchObject({ state: 'registered', registrationId: account.registrationId });
    expect((await call('GET', '/payer-account', alice)).status).toBe(200);
  });

  it('answers 404 when the organization has no payer account', async () => {
    const res = await call('DELETE', '/payer-account', alice);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('payer_account_not_found');
  });

  it('keeps the account registered when Key Vault is down, and finishes when called again', async () => {
    const account = await registerContoso(stack, alice);
    stack.keyVault.faults.inject({ failNext: 50, status: 503 });
    const res = await call('DELETE', '/payer-account', alice);
    stack.keyVault.faults.clear();
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('secret_store_unavailable');
    expect((await call('GET', '/payer-account', alice)).status).toBe(200);
    expect(await payerAccountRow()).toBeDefined();

    expect((await call('DELETE', '/payer-account', alice)).status).toBe(204);
    expect(await payerAccountRow()).toBeUndefined();
    expect(versions(account.secrets.tokenCache.name)).toHaveLength(0);
  });
});
