import { TableClient } from '@azure/data-tables';
import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';

const CONTOSO = '22222222-2222-4222-8222-222222222222';
const FABRIKAM = '33333333-3333-4333-8333-333333333333';
const API_CLIENT_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const HOUR = 3600_000;

describe('step 1: POST, GET, DELETE /api/payer-account/registration', () => {
  let stack: Stack;
  let alice: string; // Contoso, may register
  let bob: string; // Contoso, no role
  let carol: string; // Fabrikam, may register
  const url = () => `${stack.apiBaseUrl}/payer-account/registration`;
  const call = (method: string, token: string | undefined, body?: string, headers: Record<string, string> = {}) =>
    fetch(url(), {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body,
    });
  const payerAccountRow = async (organizationId: string) => {
    const table = TableClient.fromConnectionString(stack.azurite.connectionString, 'PayerAccounts', {
      allowInsecureConnection: true,
    });
    try {
      return await table.getEntity(organizationId, 'payer-account');
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  };
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
  };
  const forged = (
    claims: Record<string, unknown>,
    options: { expiresInSeconds?: number; signWithForeignKey?: boolean } = {},
  ) =>
    stack.entra.mintToken(
      {
        iss: `${stack.entra.url}/${CONTOSO}/v2.0`,
        aud: API_CLIENT_ID,
        tid: CONTOSO,
        oid: 'forged-user',
        roles: ['PayerAccount.Manage'],
        ...claims,
      },
      options,
    );

  beforeAll(async () => {
    stack = await startStack();
    [alice, bob, carol] = await Promise.all(
      ['alice@contoso.example', 'bob@contoso.example', 'carol@fabrikam.example'].map((u) => stack.tokenFor(u)),
    );
  });
  afterAll(async () => {
    await stack?.stop();
  });
  afterEach(async () => {
    // Each test leaves no registration behind.
    await Promise.all([alice, carol].map((t) => call('DELETE', t)));
  });

  it('starts a registration that waits for Partner Center credentials and shows it', async () => {
    const created = await call('POST', alice, JSON.stringify({ accountName: '  Contoso CSP  ' }));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/payer-account/registration');
    const registration = (await created.json()) as any;
    expect(registration).toMatchObject({ accountName: 'Contoso CSP', step: 'partnerCenterCredentials' });
    let shown: any;
    await until(async () => {
      shown = (await (await call('GET', bob)).json()) as any;
      return shown.status === 'awaitingPartnerCenterCredentials';
    });
    expect(shown).toMatchObject({
      registrationId: registration.registrationId,
      status: 'awaitingPartnerCenterCredentials',
    });
    expect(Date.parse(shown.expiresAt) - Date.parse(shown.createdAt)).toBeGreaterThan(167 * HOUR);
    expect((await payerAccountRow(CONTOSO))?.registrationId).toBe(registration.registrationId);
  });

  it('gives exactly one 201 and one 409 to two concurrent POSTs of one organization', async () => {
    const responses = await Promise.all([call('POST', alice, '{}'), call('POST', alice, '{}')]);
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
    const conflict = (await responses.find((r) => r.status === 409)!.json()) as any;
    expect(conflict).toMatchObject({ code: 'registration_in_progress', status: 409 });
    expect(responses.find((r) => r.status === 409)!.headers.get('content-type')).toBe('application/problem+json');
  });

  it('keeps organizations apart: A can neither read nor cancel B', async () => {
    expect((await call('POST', carol, '{"accountName":"Fabrikam"}')).status).toBe(201);
    expect((await call('GET', alice)).status).toBe(404);
    const cancel = await call('DELETE', alice);
    expect(cancel.status).toBe(404);
    expect(((await cancel.json()) as any).code).toBe('registration_not_found');
    expect((await call('GET', carol)).status).toBe(200);
    expect((await payerAccountRow(FABRIKAM))?.accountName).toBe('Fabrikam');
  });

  it.each([
    ['missing', async () => undefined, 'authentication_required'],
    ['expired', async () => forged({}, { expiresInSeconds: -3600 }), 'invalid_token'],
    ['for another audience', async () => forged({ aud: 'api://someone-else' }), 'invalid_token'],
    ['wrongly signed', async () => forged({}, { signWithForeignKey: true }), 'invalid_token'],
    [
      'from an issuer that is not its tenant',
      async () => forged({ iss: `${stack.entra.url}/${FABRIKAM}/v2.0` }),
      'invalid_token',
    ],
  ])('answers 401 to a %s token and stores nothing', async (_name, token, code) => {
    for (const method of ['POST', 'GET', 'DELETE']) {
      const res = await call(method, await token(), method === 'POST' ? '{}' : undefined);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await res.json()) as any).code).toBe(code);
    }
    expect(await payerAccountRow(CONTOSO)).toBeUndefined();
  });

  it('answers 403 to a caller without the write role, and stores nothing', async () => {
    for (const method of ['POST', 'DELETE']) {
      const res = await call(method, bob, method === 'POST' ? '{}' : undefined);
      expect(res.status).toBe(403);
      expect((await res.json()) as any).toMatchObject({
        code: 'forbidden',
        message: expect.stringContaining('PayerAccount.Manage'),
      });
    }
    expect(await payerAccountRow(CONTOSO)).toBeUndefined();
  });

  it.each([
    ['malformed JSON', '{"accountName": ', 'malformed_json', 'body'],
    ['a wrong type', '{"accountName": 42}', 'invalid_field', 'accountName'],
    ['an over-long name', JSON.stringify({ accountName: 'x'.repeat(101) }), 'field_too_long', 'accountName'],
    ['an empty name', JSON.stringify({ accountName: '   ' }), 'invalid_field', 'accountName'],
    ['a control character', JSON.stringify({ accountName: 'bad\u0007name' }), 'invalid_field', 'accountName'],
    ['an unknown field', JSON.stringify({ accountName: 'ok', secret: 'x' }), 'unknown_field', 'secret'],
    [
      'an oversized body',
      JSON.stringify({ accountName: 'ok', padding: 'x'.repeat(100_000) }),
      'body_too_large',
      'body',
    ],
    ['a JSON array', '[]', 'invalid_field', 'body'],
  ])('answers 400 naming the field for %s, and stores nothing', async (_name, body, code, field) => {
    const res = await call('POST', alice, body);
    expect(res.status).toBe(400);
    const problem = (await res.json()) as any;
    expect(problem).toMatchObject({ status: 400, code, field });
    expect(problem.message).toEqual(expect.any(String));
    expect(await payerAccountRow(CONTOSO)).toBeUndefined();
    expect((await call('GET', alice)).status).toBe(404);
  });

  it('refuses a body that is not JSON with 400 naming the body', async () => {
    const res = await call('POST', alice, 'accountName=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(400);
    expect((await res.json()) as any).toMatchObject({ code: 'unsupported_media_type', field: 'body' });
    expect(await payerAccountRow(CONTOSO)).toBeUndefined();
  });

  it('cancels: the slot is free at once and the workflow ends cancelled', async () => {
    const { registrationId } = (await (await call('POST', alice, '{}')).json()) as any;
    expect((await call('DELETE', alice)).status).toBe(204);
    expect(await payerAccountRow(CONTOSO)).toBeUndefined();
    expect((await call('GET', alice)).status).toBe(404);
    const status = async () =>
      (
        await fetch(
          `${stack.host.url}/runtime/webhooks/durabletask/instances/${registrationId}?code=${stack.settings.LocalHost__MasterKey}`,
        )
      ).json() as any;
    let final: any;
    await until(async () => (final = await status()).runtimeStatus === 'Completed');
    expect(final).toMatchObject({
      runtimeStatus: 'Completed',
      output: { outcome: 'cancelled' },
      customStatus: { status: 'cancelled' },
    });
    expect((await call('POST', alice, '{}')).status).toBe(201);
  });

  it('expires after the configured time on the injectable clock, freeing the organization', async () => {
    const { registrationId } = (await (await call('POST', carol, '{}')).json()) as any;
    await until(
      async () => ((await (await call('GET', carol)).json()) as any).status === 'awaitingPartnerCenterCredentials',
    );
    await stack.advanceClock(168 * HOUR + 1000);
    await until(async () => (await call('GET', carol)).status === 404);
    expect((await call('GET', carol)).status).toBe(404);
    expect(await payerAccountRow(FABRIKAM)).toBeUndefined();
    const readStatus = async () =>
      (
        await fetch(
          `${stack.host.url}/runtime/webhooks/durabletask/instances/${registrationId}?code=${stack.settings.LocalHost__MasterKey}`,
        )
      ).json() as any;
    // The slot is freed by the clean-up activity; the orchestration completes in the episode after it.
    await until(async () => (await readStatus()).runtimeStatus === 'Completed');
    expect(await readStatus()).toMatchObject({
      runtimeStatus: 'Completed',
      output: { outcome: 'expired' },
      customStatus: { status: 'expired' },
    });
    expect((await call('POST', carol, '{}')).status).toBe(201);
  });

  it('keeps a waiting registration through a host crash and restart', async () => {
    const { registrationId } = (await (await call('POST', alice, '{"accountName":"Survivor"}')).json()) as any;
    await until(
      async () => ((await (await call('GET', alice)).json()) as any).status === 'awaitingPartnerCenterCredentials',
    );
    await stack.restartHost();
    const after = (await (await call('GET', alice)).json()) as any;
    expect(after).toMatchObject({
      registrationId,
      accountName: 'Survivor',
      status: 'awaitingPartnerCenterCredentials',
    });
    expect((await call('DELETE', alice)).status).toBe(204);
  });

  it('never writes a bearer token to the host log', async () => {
    await call('POST', alice, '{"accountName":"Log check"}');
    const log = stack.host.output();
    for (const token of [alice, bob, carol]) expect(log).not.toContain(token.split('.')[2]);
  });

  it('answers a path no operation has with a 404 problem, and a wrong method with a 405 problem and Allow', async () => {
    const unknown = await fetch(`${stack.apiBaseUrl}/payer-acount/registration`, {
      headers: { authorization: `Bearer ${alice}` },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    expect(await unknown.json()).toMatchObject({
      status: 404,
      code: 'route_not_found',
      message: expect.stringMatching(/openapi\.json/),
    });
    const wrongMethod = await call('PATCH', alice, '{}');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST, GET, DELETE');
    expect(await wrongMethod.json()).toMatchObject({
      status: 405,
      code: 'method_not_allowed',
      title: 'Method Not Allowed',
    });
    // A route with a parameter: its template is matched too.
    const history = await fetch(`${stack.apiBaseUrl}/ops/registrations/some-id/history`, { method: 'DELETE' });
    expect(history.status).toBe(405);
    expect(history.headers.get('allow')).toBe('GET');
    // Nothing of the registration's own answers changed for the methods it takes.
    expect((await call('GET', alice)).status).toBe(404);
    expect(await (await call('GET', alice)).json()).toMatchObject({ code: 'registration_not_found' });
  });
});

describe('step 1: a claim left behind by a crash between claim and start', () => {
  let stack: Stack;
  let alice: string;
  const table = () =>
    TableClient.fromConnectionString(stack.azurite.connectionString, 'PayerAccounts', {
      allowInsecureConnection: true,
    });
  const leaveClaim = async (ageMs: number) => {
    await table()
      .createTable()
      .catch(() => undefined);
    await table().upsertEntity(
      {
        partitionKey: CONTOSO,
        rowKey: 'payer-account',
        state: 'registering',
        registrationId: `never-started-${ageMs}`,
        createdAt: new Date(Date.now() - ageMs).toISOString(),
        createdBy: 'crashed',
      },
      'Replace',
    );
  };
  const post = () =>
    fetch(`${stack.apiBaseUrl}/payer-account/registration`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}` },
    });

  beforeAll(async () => {
    stack = await startStack();
    alice = await stack.tokenFor('alice@contoso.example');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('is respected while it is young (a registration may be starting right now)', async () => {
    await leaveClaim(1000);
    expect((await post()).status).toBe(409);
  });

  it('is taken over once it is old and its orchestration never ran', async () => {
    await leaveClaim(5 * 60_000);
    const res = await post();
    expect(res.status).toBe(201);
    const { registrationId } = (await res.json()) as { registrationId: string };
    expect((await table().getEntity(CONTOSO, 'payer-account')).registrationId).toBe(registrationId);
  });
});
