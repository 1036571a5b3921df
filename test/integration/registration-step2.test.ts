import { TableServiceClient, TableClient } from '@azure/data-tables';
import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';
import { TableAuditTrail } from '../../src/adapters/table-audit-trail';
import { until } from '../support/registration-driver';

const CONTOSO = '22222222-2222-4222-8222-222222222222';
const PC_APP = 'bbbbbbbb-0000-4000-8000-000000000001';
const VALID = 'contoso-pc-secret-value~valid';
const EXPIRED = 'contoso-pc-secret-value~expired';
const SECRET_ID = 'c0c0c0c0-0000-4000-8000-000000000001';
const NOT_IN_PC_APP = 'bbbbbbbb-0000-4000-8000-000000000002';
const NOT_IN_PC_SECRET = 'contoso-not-in-pc-secret-value~valid';
const FABRIKAM_APP = 'bbbbbbbb-0000-4000-8000-000000000003';
const FABRIKAM_SECRET = 'fabrikam-app-secret-value~valid';
const WRONG = 'not-the-right-secret-value~x';
/** The partner tenant's token requests (not the app's own, for Key Vault). */
const TOKEN_PATH = new RegExp(`^POST /${CONTOSO}/oauth2/v2\\.0/token$`);
const PROFILE_PATH = '^GET /v1/profiles/legalbusiness$';

describe('step 2: PUT /api/payer-account/registration/partner-center-credentials', () => {
  let stack: Stack;
  let alice: string;
  let bob: string;
  const responses: string[] = [];
  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${stack.apiBaseUrl}/payer-account/registration${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    responses.push(text, JSON.stringify([...res.headers]));
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  const submit = (body: Record<string, unknown>, token = alice) =>
    api('PUT', '/partner-center-credentials', token, {
      applicationId: PC_APP,
      domain: 'contoso.example',
      secret: VALID,
      ...body,
    });
  const stagedVersions = (registrationId: string) =>
    stack.keyVault.state.listVersions(`reg-${registrationId}-pc-secret`);
  let registrationId: string;

  beforeAll(async () => {
    stack = await startStack();
    [alice, bob] = await Promise.all([stack.tokenFor('alice@contoso.example'), stack.tokenFor('bob@contoso.example')]);
  });
  beforeEach(async () => {
    const created = await api('POST', '', alice, {});
    expect(created.status).toBe(201);
    registrationId = created.body.registrationId;
    for (let i = 0; i < 100 && (await api('GET', '', alice)).body.status !== 'awaitingPartnerCenterCredentials'; i++) {
      await new Promise((r) => setTimeout(r, 30));
    }
    stack.entra.faults.clear();
    stack.entra.faults.clearRequests();
    stack.partnerCenter.faults.clear();
    stack.partnerCenter.faults.clearRequests();
    stack.keyVault.faults.clear();
  });
  afterEach(async () => {
    await api('DELETE', '', alice);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("verifies good credentials: 200 with the partner's details, and the registration moves to step 3", async () => {
    const res = await submit({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      registrationId,
      step: 'partnerApiConsent',
      status: 'awaitingPartnerApiCredentials',
      verified: {
        tenantId: CONTOSO,
        applicationId: PC_APP,
        domain: 'contoso.example',
        companyName: 'Contoso Ltd',
        country: 'US',
      },
    });
    const shown = await api('GET', '', bob);
    expect(shown.body).toMatchObject({ step: 'partnerApiConsent', verified: { companyName: 'Contoso Ltd' } });
    expect(shown.body.error).toBeUndefined();
    const again = await submit({});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('registration_not_at_this_step');
  });

  it('accepts the tenant ID instead of a domain', async () => {
    const res = await submit({ domain: CONTOSO.toUpperCase() });
    expect(res.status).toBe(200);
    expect(res.body.verified.tenantId).toBe(CONTOSO);
  });

  it.each([
    [
      "the secret's ID pasted as its value",
      { secret: SECRET_ID },
      'secret_invalid',
      'secret',
      7000215,
      /looks like the secret's ID/,
    ],
    ['an expired secret', { secret: EXPIRED }, 'secret_expired', 'secret', 7000222, /expired/],
    [
      'an application ID unknown in the tenant',
      { applicationId: 'bbbbbbbb-0000-4000-8000-0000000000ff' },
      'application_not_found',
      'applicationId',
      700016,
      /Application \(client\) ID/,
    ],
    [
      'a domain with no tenant',
      { domain: 'no-such-partner.example' },
      'tenant_not_found',
      'domain',
      90002,
      /No Entra ID tenant/,
    ],
  ])('answers 422 for %s, naming the field and the AADSTS code', async (_name, body, code, field, aadsts, message) => {
    const res = await submit(body);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 422, code, field, aadsts });
    expect(res.body.message).toMatch(message);
    expect(res.body.traceId).toEqual(expect.any(String));
    expect(res.body.correlationId).toEqual(expect.any(String));
    const shown = await api('GET', '', alice);
    expect(shown.body).toMatchObject({
      step: 'partnerCenterCredentials',
      status: 'awaitingPartnerCenterCredentials',
      error: { code, field },
    });
  });

  it('retries an invalid secret briefly (replication delay), then answers 422', async () => {
    const res = await submit({ secret: WRONG });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'secret_invalid', aadsts: 7000215 });
    expect(res.body.message).not.toMatch(/looks like the secret's ID/);
    const tokenCalls = stack.entra.faults.requests().filter((r) => TOKEN_PATH.test(`${r.method} ${r.path}`));
    expect(tokenCalls).toHaveLength(3);
  });

  it('succeeds when a new secret replicates after a first AADSTS7000215', async () => {
    const { aadstsErrorBody } = await import('../../local/stand-ins/entra-id/error-bodies');
    const replicating = aadstsErrorBody(7000215, { clientId: PC_APP });
    stack.entra.faults.inject({
      match: TOKEN_PATH.source,
      status: replicating.status,
      body: replicating.body,
      count: 1,
    });
    const res = await submit({});
    expect(res.status).toBe(200);
    expect(stack.entra.faults.requests().filter((r) => TOKEN_PATH.test(`${r.method} ${r.path}`))).toHaveLength(2);
  });

  it.each([
    [
      'an app not enabled for Partner Center API access',
      { applicationId: NOT_IN_PC_APP, secret: NOT_IN_PC_SECRET },
      'partner_center_app_not_enabled',
      'applicationId',
      /App management/,
    ],
    [
      'a tenant that is not a CSP partner',
      { applicationId: FABRIKAM_APP, secret: FABRIKAM_SECRET, domain: 'fabrikam.example' },
      'not_a_csp_partner',
      'domain',
      /not a Cloud Solution Provider/,
    ],
  ])("answers 422 for %s, with Partner Center's code and correlation ID", async (_name, body, code, field, message) => {
    const res = await submit(body);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code, field });
    expect(res.body.message).toMatch(message);
    expect(res.body.partnerCenterCode).toBeDefined();
    expect(res.body.correlationId).toEqual(expect.any(String));
  });

  it("honours Partner Center's Retry-After on 429, then succeeds", async () => {
    stack.partnerCenter.faults.inject({
      match: '^GET /v1/profiles/legalbusiness',
      status: 429,
      retryAfterSeconds: 1,
      count: 1,
    });
    const res = await submit({});
    expect(res.status).toBe(200);
    const calls = stack.partnerCenter.faults.requests().filter((r) => r.path === '/v1/profiles/legalbusiness');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(1000);
  });

  it('answers 503 when Partner Center keeps failing, and keeps the registration at step 2', async () => {
    stack.partnerCenter.faults.inject({ match: '^GET /v1/profiles/legalbusiness', status: 503, count: 10 });
    const res = await submit({});
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'partner_center_unavailable', partnerCenterCode: 503 });
    expect(stack.partnerCenter.faults.requests().filter((r) => r.path === '/v1/profiles/legalbusiness')).toHaveLength(
      4,
    );
    expect((await api('GET', '', alice)).body.status).toBe('awaitingPartnerCenterCredentials');
  });

  it('retries an Entra ID outage through the orchestration and then verifies', async () => {
    stack.entra.faults.inject({ match: TOKEN_PATH.source, status: 503, count: 1 });
    const res = await submit({});
    expect(res.status).toBe(200);
    const tokenCalls = stack.entra.faults.requests().filter((r) => TOKEN_PATH.test(`${r.method} ${r.path}`));
    expect(tokenCalls.map((c) => c.status)).toEqual([503, 200]);
  });

  it('answers 503 and stores nothing when Key Vault is down', async () => {
    stack.keyVault.faults.inject({ failNext: 20, status: 503 });
    const res = await submit({});
    stack.keyVault.faults.clear();
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('secret_store_unavailable');
    expect(stagedVersions(registrationId)).toHaveLength(0);
    const shown = await api('GET', '', alice);
    expect(shown.body).toMatchObject({ status: 'awaitingPartnerCenterCredentials' });
    expect(shown.body.error).toBeUndefined();
  });

  it('replaces the staged secret on resubmission and disables the old version', async () => {
    expect((await submit({ secret: EXPIRED })).status).toBe(422);
    const res = await submit({});
    expect(res.status).toBe(200);
    // The registration disables the replaced version right after it takes the verdict the answer waited for.
    const enabled = () => stagedVersions(registrationId).filter(({ v }) => v.enabled).length;
    expect(await until(async () => enabled() === 1)).toBe(true);
    const versions = stagedVersions(registrationId).map((v) => v.v);
    expect(versions).toHaveLength(2);
    expect(versions.filter((v) => v.enabled)).toHaveLength(1);
    expect(versions.find((v) => v.enabled)?.value).toBe(VALID);
  });

  it('deletes the staged secret when the registration is cancelled', async () => {
    expect((await submit({})).status).toBe(200);
    expect((await api('DELETE', '', alice)).status).toBe(204);
    for (let i = 0; i < 100 && stagedVersions(registrationId).length > 0; i++)
      await new Promise((r) => setTimeout(r, 30));
    expect(stagedVersions(registrationId)).toHaveLength(0);
    expect(stack.keyVault.state.getDeleted(`reg-${registrationId}-pc-secret`).versions.length).toBeGreaterThan(0);
  });

  /** The registration's history, from the host's management API (what the engine recorded). */
  const history = async (id: string) => {
    const res = await fetch(
      `${stack.host.url}/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}?showHistory=true&code=${encodeURIComponent(stack.settings.LocalHost__MasterKey)}`,
    );
    return ((await res.json()) as { runtimeStatus: string; historyEvents?: Record<string, unknown>[] }) ?? {};
  };
  const verificationActivities = async (id: string) =>
    ((await history(id)).historyEvents ?? []).filter(
      (e) => String(e.EventType).startsWith('Task') && e.FunctionName === 'VerifyPartnerCenterCredentials',
    ).length;
  const trail = () =>
    new TableAuditTrail(
      TableClient.fromConnectionString(stack.azurite.connectionString, 'AuditTrail', { allowInsecureConnection: true }),
    );
  const profileCalls = () =>
    stack.partnerCenter.faults.requests().filter((r) => r.path === '/v1/profiles/legalbusiness');

  it('verifies in the request and hands the registration the verdict, which it takes without an activity; the answer comes once both are audited', async () => {
    const res = await submit({});
    expect(res.status).toBe(200);
    const entries = await trail().list(CONTOSO, { limit: 10 });
    const submitted = entries.find((e) => e.action === 'registration.partnerCenterCredentials.submitted');
    expect(submitted).toMatchObject({ registrationId, details: { outcome: 'verified' } });
    expect(entries.find((e) => e.action === 'registration.partnerCenterCredentials.verified')).toMatchObject({
      registrationId,
      actor: { type: 'system', id: 'VerifyPartnerCenterCredentials' },
      details: { tenantId: CONTOSO, applicationId: PC_APP },
    });
    expect((await api('GET', '', alice)).body).toMatchObject({ step: 'partnerApiConsent' });
    expect(await verificationActivities(registrationId)).toBe(0);
    expect(stack.entra.faults.requests().filter((r) => TOKEN_PATH.test(`${r.method} ${r.path}`))).toHaveLength(1);
    expect(profileCalls()).toHaveLength(1);
  });

  it("leaves the decision to the registration's activity when the request's verification meets a transient fault", async () => {
    stack.entra.faults.inject({ match: TOKEN_PATH.source, status: 503, count: 1 });
    const res = await submit({ secret: EXPIRED });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'secret_expired', field: 'secret' });
    const tokenCalls = stack.entra.faults.requests().filter((r) => TOKEN_PATH.test(`${r.method} ${r.path}`));
    expect(tokenCalls.map((c) => c.status === 503)).toEqual([true, false]);
    expect((await api('GET', '', alice)).body).toMatchObject({
      status: 'awaitingPartnerCenterCredentials',
      error: { code: 'secret_expired' },
    });
    expect(await verificationActivities(registrationId)).toBe(1);
    const entries = await trail().list(CONTOSO, { limit: 10 });
    // The request could not decide: its entry says so, and the activity's says what it found.
    expect(entries.find((e) => e.action === 'registration.partnerCenterCredentials.submitted')?.details).toEqual({
      applicationId: PC_APP,
      domain: 'contoso.example',
      outcome: 'pending',
    });
    expect(entries.find((e) => e.action === 'registration.partnerCenterCredentials.refused')).toMatchObject({
      details: { code: 'secret_expired' },
    });
  });

  it('answers a resubmission made while a verification runs: the one the registration takes wins, the other is told and its secret disabled', async () => {
    stack.partnerCenter.faults.inject({ match: PROFILE_PATH, latencyMs: 4000, count: 1 });
    const first = submit({});
    expect(await until(async () => profileCalls().length === 1 && stagedVersions(registrationId).length === 1)).toBe(
      true,
    );
    const second = await submit({});
    expect(second.status).toBe(200);
    const firstAnswer = await first;
    expect(firstAnswer.status).toBe(409);
    expect(firstAnswer.body.code).toBe('registration_not_at_this_step');
    const versions = stagedVersions(registrationId).map((v) => v.v);
    expect(versions.map((v) => v.enabled)).toEqual([false, true]);
    expect((await api('GET', '', alice)).body).toMatchObject({ step: 'partnerApiConsent' });
  });

  // Microsoft's engine delivers the event through its queues, so "still verifying" (202) can come before the
  // registration took the submission (the load bench saw it read as waiting for credentials then): the account's row
  // says a submission is on its way until the registration publishes it.
  it('after "still verifying" (202) the registration reads as verifying until it takes the submission; meanwhile a second one waits', async () => {
    const rows = TableClient.fromConnectionString(stack.azurite.connectionString, 'PayerAccounts', {
      allowInsecureConnection: true,
    });
    const mark = (submissionId: string, submittedAt: string) =>
      rows.updateEntity(
        {
          partitionKey: CONTOSO,
          rowKey: 'payer-account',
          pendingSubmission: JSON.stringify({ registrationId, submissionId, submittedAt }),
        },
        'Merge',
      );
    // A submission answered 202 that the registration has not taken yet, as the 202 path marks it.
    const now = new Date().toISOString(); // this file never moves the clock
    await mark('not-taken-yet', now);
    expect((await api('GET', '', alice)).body).toMatchObject({
      step: 'partnerCenterCredentials',
      status: 'verifyingPartnerCenterCredentials',
    });
    const second = await submit({});
    expect(second.status).toBe(409);
    expect(second.body.message).toMatch(/still being verified/);
    expect(stagedVersions(registrationId)).toHaveLength(0);
    // One never taken (the registration ended or moved on) stops counting after ten minutes.
    await mark('not-taken-yet', new Date(Date.parse(now) - 10 * 60_000).toISOString());
    expect((await api('GET', '', alice)).body.status).toBe('awaitingPartnerCenterCredentials');

    // A real 202 marks the row with its own submission; once the registration takes it, its verdict shows.
    // Partner Center answers too slowly for the request's 8-s wait (its client gives up on a call after a few seconds).
    stack.partnerCenter.faults.inject({ match: PROFILE_PATH, latencyMs: 9000, count: 3 });
    const pending = await submit({});
    expect(pending.status).toBe(202);
    const row = await rows.getEntity<{ pendingSubmission: string }>(CONTOSO, 'payer-account');
    expect(JSON.parse(row.pendingSubmission)).toMatchObject({
      registrationId,
      submissionId: pending.body.submissionId,
    });
    expect((await api('GET', '', alice)).body.status).toBe('verifyingPartnerCenterCredentials');
    expect(await until(async () => (await api('GET', '', alice)).body.step === 'partnerApiConsent', 600, 50)).toBe(
      true,
    );
  }, 30_000);

  it('answers 404 when the registration is cancelled while the request verifies, and leaves no staged secret', async () => {
    stack.partnerCenter.faults.inject({ match: PROFILE_PATH, latencyMs: 4000, count: 1 });
    const pending = submit({});
    expect(await until(async () => profileCalls().length === 1 && stagedVersions(registrationId).length === 1)).toBe(
      true,
    );
    expect((await api('DELETE', '', alice)).status).toBe(204);
    expect(await until(async () => (await history(registrationId)).runtimeStatus === 'Completed')).toBe(true);
    const res = await pending;
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('registration_not_found');
    expect(stagedVersions(registrationId)).toHaveLength(0);
  });

  it.each([
    [{ applicationId: 'not-a-guid' }, 'applicationId'],
    [{ domain: 'not a domain' }, 'domain'],
    [{ secret: '   ' }, 'secret'],
    [{ secret: 'x'.repeat(1025) }, 'secret'],
  ])('answers 400 for %j naming %s, and stores nothing', async (body, field) => {
    const res = await submit(body);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
    expect(stagedVersions(registrationId)).toHaveLength(0);
  });

  it('answers 403 to a caller without the write role and 404 without a registration', async () => {
    expect((await submit({}, bob)).status).toBe(403);
    await api('DELETE', '', alice);
    const res = await submit({});
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('registration_not_found');
  });

  it('never lets a submitted secret reach storage tables, logs or responses', async () => {
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
    expect(stored.length).toBeGreaterThan(1000);
    const everywhere = [stored, stack.host.output(), ...responses].join('\n');
    for (const secret of [VALID, EXPIRED, WRONG, NOT_IN_PC_SECRET, FABRIKAM_SECRET])
      expect(everywhere).not.toContain(secret);
  });
});
