import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';
import { openApiDocument } from '../../src/http/openapi';
import { contractViolation, schemaValidator } from '../support/openapi-contract';
import { CONTOSO, PC_APP, until, VALID_SECRET } from '../support/registration-driver';

const SECRET_ID = 'c0c0c0c0-0000-4000-8000-000000000001'; // the secret's ID pasted as its value: refused (AADSTS7000215)
const API_CLIENT_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const STEP_2 = { applicationId: PC_APP, domain: 'contoso.example', secret: VALID_SECRET };

/**
 * Real answers of the running stack against the document it serves: every call below fails the
 * test when its status is not documented for the operation or its body does not match the schema.
 */
describe('the API answers as its OpenAPI document says', () => {
  let stack: Stack;
  let alice: string; // Contoso, may register
  let bob: string; // Contoso, read only
  let olivia: string; // Octo's ops
  let doc: Record<string, any>;
  let validator: ReturnType<typeof schemaValidator>;
  let registrationId: string;
  let cancelledId: string;

  interface Call {
    token?: string;
    body?: unknown;
    raw?: { type: string; text: string };
    headers?: Record<string, string>;
  }
  const call = async (method: string, target: string, { token, body, raw, headers = {} }: Call = {}) => {
    const url = target.startsWith('http') ? target : `${stack.apiBaseUrl}${target}`;
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        ...headers,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : raw ? { 'content-type': raw.type } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : raw?.text,
    });
    const text = await res.text();
    const path = new URL(url).pathname.replace(/^\/api/, '');
    const violation = contractViolation(
      doc,
      validator,
      { method, path },
      { status: res.status, contentType: res.headers.get('content-type'), text },
    );
    expect(violation).toBeUndefined();
    const json = /json/.test(res.headers.get('content-type') ?? '') && text ? JSON.parse(text) : undefined;
    return { status: res.status, body: json, text, headers: res.headers };
  };
  const registration = async () => (await call('GET', '/payer-account/registration', { token: alice })).body;
  const newOrganization = (n: number) => {
    const tid = `55555555-5555-4555-8555-${String(n).padStart(12, '0')}`;
    return stack.entra.mintToken({
      iss: `${stack.entra.url}/${tid}/v2.0`,
      aud: API_CLIENT_ID,
      tid,
      oid: `user-${n}`,
      roles: ['PayerAccount.Manage'],
    });
  };

  beforeAll(async () => {
    // Long enough for a normal verification, short enough to see the 202 of a slow one.
    stack = await startStack({ settings: { PARTNER_CENTER_VERIFY_WAIT_SECONDS: '5' } });
    [alice, bob, olivia] = await Promise.all(
      ['alice@contoso.example', 'bob@contoso.example', 'olivia@octo.example'].map((u) => stack.tokenFor(u)),
    );
    const served = await fetch(`${stack.apiBaseUrl}/openapi.json`);
    doc = (await served.json()) as Record<string, any>;
    validator = schemaValidator(doc);
  });
  afterEach(() => {
    stack.entra.faults.clear();
    stack.partnerCenter.faults.clear();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('serves the document anonymously and cacheably, built for the public address', async () => {
    const res = await call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      openApiDocument({
        publicBaseUrl: stack.settings.PUBLIC_BASE_URL,
        writeRole: 'PayerAccount.Manage',
        opsRole: 'PayerAccount.Ops',
      }),
    );
    expect(res.body.servers).toEqual([{ url: `${stack.settings.PUBLIC_BASE_URL}/api` }]);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const etag = res.headers.get('etag') as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect((await call('GET', '/openapi.json', { headers: { 'if-none-match': `W/${etag}` } })).status).toBe(304);
  });

  it('answers 401 and 403 as documented', async () => {
    expect((await call('GET', '/payer-account/registration')).body.code).toBe('authentication_required');
    const forged = await stack.entra.mintToken(
      { iss: `${stack.entra.url}/${CONTOSO}/v2.0`, aud: API_CLIENT_ID, tid: CONTOSO, oid: 'x' },
      { signWithForeignKey: true },
    );
    expect((await call('POST', '/payer-account/registration', { token: forged, body: {} })).body.code).toBe(
      'invalid_token',
    );
    expect((await call('POST', '/payer-account/registration', { token: bob, body: {} })).status).toBe(403);
    expect((await call('GET', '/ops/registrations', { token: alice })).status).toBe(403);
    expect((await call('GET', '/ops/registrations/x/history', { token: bob })).status).toBe(403);
    // A customer's admin can assign this multi-tenant API's ops role in their own tenant: it does not count there.
    const customerOps = await stack.entra.mintToken({
      iss: `${stack.entra.url}/${CONTOSO}/v2.0`,
      aud: API_CLIENT_ID,
      tid: CONTOSO,
      oid: 'self-made-ops',
      roles: ['PayerAccount.Ops'],
    });
    for (const path of ['/ops/registrations', '/ops/registrations/x/history', `/ops/organizations/${CONTOSO}/audit`]) {
      const refused = await call('GET', path, { token: customerOps });
      expect({ path, status: refused.status, code: refused.body.code }).toEqual({
        path,
        status: 403,
        code: 'forbidden',
      });
      expect(refused.body.message).toContain("operator's own tenant");
    }
    expect((await call('GET', '/me', { token: customerOps })).body).toMatchObject({ canOperate: false });
    expect((await call('GET', '/ops/registrations', { token: olivia })).status).toBe(200);
    // Personal Microsoft accounts share one tenant: they are no organization, whatever the app registration admits.
    const PERSONAL = '9188040d-6c67-4c5b-b112-36a304b66dad';
    const personal = await stack.entra.mintToken({
      iss: `${stack.entra.url}/${PERSONAL}/v2.0`,
      aud: API_CLIENT_ID,
      tid: PERSONAL,
      oid: 'someone',
      roles: ['PayerAccount.Manage'],
    });
    const refusedPersonal = await call('GET', '/payer-account', { token: personal });
    expect(refusedPersonal.status).toBe(403);
    expect(refusedPersonal.body.message).toContain('work account');
  });

  it('tells each caller what it may do (GET /me), so a frontend shows only those actions', async () => {
    const me = async (token?: string) => call('GET', '/me', { token });
    expect(await me(alice)).toMatchObject({
      status: 200,
      body: { organizationId: CONTOSO, canManage: true, canOperate: false, manageRole: 'PayerAccount.Manage' },
    });
    expect((await me(bob)).body).toEqual({
      organizationId: CONTOSO,
      canManage: false,
      canOperate: false,
      manageRole: 'PayerAccount.Manage',
    });
    expect((await me(olivia)).body).toMatchObject({ canManage: false, canOperate: true });
    expect((await me(alice)).headers.get('cache-control')).toBe('no-store');
    expect((await me()).status).toBe(401);
  });

  it('answers 400 for invalid bodies, queries and path parameters', async () => {
    const two = await call('POST', '/payer-account/registration', {
      token: alice,
      body: { accountName: '', extra: 1 },
    });
    expect(two.status).toBe(400);
    expect(two.body.errors).toHaveLength(2);
    expect(
      (
        await call('POST', '/payer-account/registration', {
          token: alice,
          raw: { type: 'application/json', text: '{' },
        })
      ).body.code,
    ).toBe('malformed_json');
    expect(
      (
        await call('PUT', '/payer-account/registration/partner-center-credentials', {
          token: alice,
          raw: { type: 'text/plain', text: 'x' },
        })
      ).body.code,
    ).toBe('unsupported_media_type');
    expect(
      (
        await call('PUT', '/payer-account/registration/partner-api-credentials', {
          token: alice,
          body: { tenantId: 'contoso' },
        })
      ).status,
    ).toBe(400);
    expect(
      (await call('POST', '/payer-account/registration/authorization-code', { token: alice, body: {} })).status,
    ).toBe(400);
    expect((await call('GET', '/ops/registrations?pageSize=0', { token: olivia })).body.field).toBe('pageSize');
    expect((await call('GET', '/ops/registrations?colour=blue', { token: olivia })).body.code).toBe('unknown_field');
    expect((await call('GET', '/ops/registrations/_x/history', { token: olivia })).body.field).toBe('instanceId');
  });

  it('answers 414 for an address longer than the platform takes, whatever the operation', async () => {
    const long = encodeURIComponent('é'.repeat(1500)); // 9000 bytes percent-encoded
    expect((await call('GET', `/ops/registrations?continuationToken=${long}`, { token: olivia })).status).toBe(414);
    expect((await call('GET', `/consent/start?ticket=${long}`)).status).toBe(414);
    expect((await call('GET', `/me?x=${long}`, { token: bob })).status).toBe(414);
  });

  it('answers 404 while the organization has neither registration nor payer account', async () => {
    for (const [method, path, body] of [
      ['GET', '/payer-account/registration'],
      ['DELETE', '/payer-account/registration'],
      ['GET', '/payer-account'],
      ['DELETE', '/payer-account'],
      ['PUT', '/payer-account/registration/partner-center-credentials', STEP_2],
      ['PUT', '/payer-account/registration/partner-api-credentials', { tenantId: CONTOSO, applicationId: PC_APP }],
      ['POST', '/payer-account/registration/authorization-code', { code: 'a'.repeat(40) }],
    ] as [string, string, unknown?][]) {
      expect({ method, path, status: (await call(method, path, { token: alice, body })).status }).toEqual({
        method,
        path,
        status: 404,
      });
    }
    expect((await call('GET', '/ops/registrations/no-such-instance/history', { token: olivia })).body.code).toBe(
      'instance_not_found',
    );
  });

  it('registers a payer account through every step, with its 409, 422, 503 and 202 answers', async () => {
    const started = await call('POST', '/payer-account/registration', {
      token: alice,
      body: { accountName: 'Contoso CSP' },
    });
    expect(started.status).toBe(201);
    registrationId = started.body.registrationId;
    expect((await call('POST', '/payer-account/registration', { token: alice })).body.code).toBe(
      'registration_in_progress',
    );
    expect(await until(async () => (await registration()).status === 'awaitingPartnerCenterCredentials')).toBe(true);
    expect(
      (
        await call('PUT', '/payer-account/registration/partner-api-credentials', {
          token: alice,
          body: { tenantId: CONTOSO, applicationId: PC_APP },
        })
      ).status,
    ).toBe(409);
    const refused = await call('PUT', '/payer-account/registration/partner-center-credentials', {
      token: alice,
      body: { ...STEP_2, secret: SECRET_ID },
    });
    expect(refused.body).toMatchObject({ status: 422, code: 'secret_invalid', aadsts: 7000215 });
    expect((await registration()).error.code).toBe('secret_invalid');
    stack.keyVault.faults.inject({ failNext: 20, status: 503 });
    expect(
      (await call('PUT', '/payer-account/registration/partner-center-credentials', { token: alice, body: STEP_2 }))
        .body,
    ).toMatchObject({ status: 503, code: 'secret_store_unavailable' });
    stack.keyVault.faults.clear();
    stack.partnerCenter.faults.inject({ match: '^GET /v1/profiles/legalbusiness', latencyMs: 7000, count: 1 });
    const slow = await call('PUT', '/payer-account/registration/partner-center-credentials', {
      token: alice,
      body: STEP_2,
    });
    expect(slow.status).toBe(202);
    expect(await until(async () => (await registration()).status === 'awaitingPartnerApiCredentials', 400)).toBe(true);
    expect(
      (await call('PUT', '/payer-account/registration/partner-center-credentials', { token: alice, body: STEP_2 })).body
        .code,
    ).toBe('registration_not_at_this_step');

    const mismatch = await call('PUT', '/payer-account/registration/partner-api-credentials', {
      token: alice,
      body: { tenantId: PC_APP, applicationId: PC_APP },
    });
    expect(mismatch.body).toMatchObject({ status: 422, code: 'confirmation_mismatch' });
    const link = await call('PUT', '/payer-account/registration/partner-api-credentials', {
      token: alice,
      body: { tenantId: CONTOSO, applicationId: PC_APP, mpnId: '1234567', adminEmail: 'alice@contoso.example' },
    });
    expect(link.status).toBe(200);
    expect(await until(async () => (await registration()).consent?.consentLink !== undefined)).toBe(true);
    expect(
      (
        await call('POST', '/payer-account/registration/authorization-code', {
          token: alice,
          body: { code: 'just-some-text' },
        })
      ).body.field,
    ).toBe('code');
    expect((await call('GET', '/consent/start?ticket=forged')).status).toBe(400);
    expect((await call('GET', '/consent/callback?code=abc&state=forged')).status).toBe(400);
    const redirect = await call('GET', link.body.consentLink);
    expect(redirect.status).toBe(302);
    const { location } = await stack.entra.authorize({
      authorizeUrl: redirect.headers.get('location') as string,
      username: 'alice@contoso.example',
      decision: 'accept',
    });
    expect((await call('GET', location)).status).toBe(200);
    expect(await until(async () => (await call('GET', '/payer-account', { token: bob })).status === 200)).toBe(true);
    expect((await call('POST', '/payer-account/registration', { token: alice, body: {} })).body.code).toBe(
      'payer_account_exists',
    );
  });

  it('deregisters, and cancels a registration in progress', async () => {
    expect((await call('DELETE', '/payer-account', { token: alice })).status).toBe(204);
    const other = await newOrganization(1);
    expect((await call('POST', '/payer-account/registration', { token: other })).status).toBe(201);
    expect((await call('DELETE', '/payer-account', { token: other })).body.code).toBe('registration_in_progress');
    cancelledId = (await call('GET', '/payer-account/registration', { token: other })).body.registrationId;
    expect((await call('DELETE', '/payer-account/registration', { token: other })).status).toBe(204);
  });

  it('shows ops the registrations and their timelines', async () => {
    const asked = new URLSearchParams({ pageSize: '1', status: 'Running,Completed' });
    const first = await call('GET', `/ops/registrations?${asked}`, { token: olivia });
    expect(first.status).toBe(200);
    expect(first.body.continuationToken).toBeDefined(); // two registrations by now
    // The next page as a client builds it from the document's link: its runtime expressions evaluated.
    const link = doc.paths['/ops/registrations'].get.responses['200'].links.nextPage;
    const fed = Object.entries(link.parameters as Record<string, string>).flatMap(([name, expression]) => {
      const [, source, rest] = /^\$(response\.body#|request\.query\.)(.+)$/.exec(expression) ?? [];
      const value =
        source === 'request.query.'
          ? asked.get(rest)
          : rest
              .split('/')
              .slice(1)
              .reduce((v: any, key) => v?.[key], first.body);
      return value === undefined || value === null ? [] : [[name, String(value)] as [string, string]];
    });
    expect(Object.fromEntries(fed)).toEqual({
      pageSize: '1',
      status: 'Running,Completed',
      continuationToken: first.body.continuationToken,
    });
    const next = await call('GET', `/ops/registrations?${new URLSearchParams(fed)}`, { token: olivia });
    expect(next.status).toBe(200);
    expect(next.body.items.map((i: any) => i.registrationId)).not.toContain(first.body.items[0]?.registrationId);
    expect(
      (
        await call('GET', '/ops/registrations?status=completed,awaitingConsent&createdFrom=2020-01-01', {
          token: olivia,
        })
      ).body.items.length,
    ).toBeGreaterThan(0);
    expect((await call('GET', '/ops/registrations?continuationToken=not-a-token', { token: olivia })).body.field).toBe(
      'continuationToken',
    );
    const timeline = await call('GET', `/ops/registrations/${registrationId}/history`, { token: olivia });
    expect(timeline.body.entries.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['started', 'event', 'activity', 'completed']),
    );
    expect(
      await until(
        async () =>
          (await call('GET', `/ops/registrations/${cancelledId}/history`, { token: olivia })).body.runtimeStatus ===
          'Completed',
      ),
    ).toBe(true);
  });
});
