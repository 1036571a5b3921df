import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';
import { newOrganizations } from '../support/organization-tokens';
import {
  apiClient,
  CONTOSO,
  PC_APP,
  registerContoso,
  TOKEN_PATH,
  until,
  VALID_SECRET,
} from '../support/registration-driver';

const SECRET_ID = 'c0c0c0c0-0000-4000-8000-000000000001'; // the secret's ID pasted as its value: refused (AADSTS7000215)
const API_CLIENT_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('ops API: GET /api/ops/registrations and /api/ops/registrations/{id}/history', () => {
  let stack: Stack;
  let alice: string; // Contoso, may register (no ops role)
  let bob: string; // Contoso, no role
  let olivia: string; // Octo's ops (PayerAccount.Ops)
  const seen: string[] = [];
  let call: ReturnType<typeof apiClient>['call'];
  const ops = (path: string, token = olivia) => call('GET', `/ops/registrations${path}`, token);
  const history = (id: string) => ops(`/${id}/history`);
  /** The status API's raw answer, as the durable extension gives it (system key). */
  const rawHistory = async (id: string) => {
    const url = `${stack.host.url}/runtime/webhooks/durabletask/instances/${id}?taskHub=PayerRegistration&connection=Storage&code=${encodeURIComponent(stack.settings.LocalHost__MasterKey)}&showHistory=true&showHistoryOutput=true`;
    return (await fetch(url)).text();
  };
  const newOrganization = newOrganizations(() => stack, '44444444-4444-4444-8444');

  beforeAll(async () => {
    stack = await startStack();
    [alice, bob, olivia] = await Promise.all(
      ['alice@contoso.example', 'bob@contoso.example', 'olivia@octo.example'].map((u) => stack.tokenFor(u)),
    );
    call = apiClient(stack, seen).call;
  });
  afterEach(async () => {
    stack.entra.faults.clear();
    await call('DELETE', '/payer-account/registration', alice);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('needs the ops role: 401 without a valid token, 403 for partner users, 200 for ops', async () => {
    const started = await call('POST', '/payer-account/registration', alice, {});
    const id = started.body.registrationId as string;
    for (const path of ['', `/${id}/history`]) {
      const anonymous = await ops(path, '');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe('authentication_required');
      const forgedToken = await stack.entra.mintToken(
        {
          iss: `${stack.entra.url}/${CONTOSO}/v2.0`,
          aud: API_CLIENT_ID,
          tid: CONTOSO,
          oid: 'x',
          roles: ['PayerAccount.Ops'],
        },
        { signWithForeignKey: true },
      );
      expect((await ops(path, forgedToken)).status).toBe(401);
      for (const partner of [alice, bob]) {
        const denied = await ops(path, partner);
        expect(denied.status).toBe(403);
        expect(denied.body).toMatchObject({ code: 'forbidden', message: expect.stringContaining('PayerAccount.Ops') });
        expect(denied.text).not.toContain(id);
      }
      expect((await ops(path)).status).toBe(200);
    }
  });

  it('tells the story of a registration with a failed step, a retried activity and its cancellation, without a secret', async () => {
    const started = await call('POST', '/payer-account/registration', alice, { accountName: 'Contoso CSP' });
    const id = started.body.registrationId as string;
    await until(
      async () =>
        (await call('GET', '/payer-account/registration', alice)).body?.status === 'awaitingPartnerCenterCredentials',
    );
    const wrong = await call('PUT', '/payer-account/registration/partner-center-credentials', alice, {
      applicationId: PC_APP,
      domain: 'contoso.example',
      secret: SECRET_ID,
    });
    expect(wrong.status).toBe(422);
    // The first 503 leaves the request undecided, the second fails the activity's first attempt: it is retried.
    stack.entra.faults.inject({ match: TOKEN_PATH, status: 503, count: 2 });
    const good = await call('PUT', '/payer-account/registration/partner-center-credentials', alice, {
      applicationId: PC_APP,
      domain: 'contoso.example',
      secret: VALID_SECRET,
    });
    expect(good.status).toBe(200);

    const res = await history(id);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const timeline = res.body;
    expect(timeline).toMatchObject({
      registrationId: id,
      organizationId: CONTOSO,
      runtimeStatus: 'Running',
      outcome: { runtimeStatus: 'Running' },
    });
    const activities = timeline.entries.filter((e: any) => e.kind === 'activity');
    const verifications = activities.filter((e: any) => e.name === 'VerifyPartnerCenterCredentials');
    const events = timeline.entries.filter((e: any) => e.kind === 'event');
    expect(events.map((e: any) => e.name)).toEqual([
      'PartnerCenterCredentialsSubmitted',
      'PartnerCenterCredentialsSubmitted',
    ]);
    // The failed step: the request's own verdict, with what Microsoft answered (no payload beyond the whitelist).
    expect(events[0].verdict).toEqual({
      ok: false,
      error: {
        code: 'secret_invalid',
        field: 'secret',
        aadsts: 7000215,
        traceId: expect.any(String),
        correlationId: expect.any(String),
      },
    });
    expect(events[0].verdict.error.message).toBeUndefined();
    // The request could not decide the second: the activity did, retried once (Entra ID answered 503 once).
    expect(events[1]).not.toHaveProperty('verdict');
    expect(verifications).toHaveLength(1);
    const [verification] = verifications;
    expect(verification).toMatchObject({
      attempts: 2,
      outcome: 'completed',
      result: { ok: true, partner: { tenantId: CONTOSO } },
    });
    expect(verification.failures).toHaveLength(1);
    expect(verification.failures[0].reason).toMatch(
      /^Activity function 'VerifyPartnerCenterCredentials' failed: .*Entra ID/,
    );
    expect(verification.failures[0].reason).not.toMatch(/\n|\s+at\s/);
    expect(Date.parse(verification.completedAt) - Date.parse(verification.scheduledAt)).toBe(verification.durationMs);
    // The retry's first interval; on the reference engine's Azurite queues timers fire up to a second early.
    const early = stack.engine === 'reference' ? 1000 : 0;
    expect(verification.durationMs).toBeGreaterThanOrEqual(1000 - early);
    expect(activities.map((a: any) => a.name)).toContain('DisableStagedSecret'); // the refused secret's version disabled
    expect(Object.keys(events[1]).sort()).toEqual(['at', 'kind', 'name']);
    expect(timeline.statusTransitions.map((t: any) => [t.status, t.errorCode])).toEqual([
      ['awaitingPartnerCenterCredentials', undefined],
      ['verifyingPartnerCenterCredentials', undefined],
      ['awaitingPartnerCenterCredentials', 'secret_invalid'],
      ['verifyingPartnerCenterCredentials', undefined],
      ['awaitingPartnerApiCredentials', undefined],
    ]);
    expect(timeline.steps).toMatchObject([
      { step: 'basicDetails' },
      { step: 'partnerCenterCredentials', submissions: 2, completedAt: verification.completedAt },
      { step: 'partnerApiConsent', startedAt: verification.completedAt, submissions: 0 },
    ]);
    expect(timeline.steps[2].completedAt).toBeUndefined();
    expect(timeline.progress).toMatchObject({
      step: 'partnerApiConsent',
      status: 'awaitingPartnerApiCredentials',
      verified: { tenantId: CONTOSO },
    });

    // The outcome once cancelled.
    expect((await call('DELETE', '/payer-account/registration', alice)).status).toBe(204);
    await until(async () => (await history(id)).body.runtimeStatus === 'Completed');
    const ended = (await history(id)).body;
    expect(ended.outcome).toMatchObject({
      runtimeStatus: 'Completed',
      result: { outcome: 'cancelled' },
      status: 'cancelled',
    });
    expect(ended.entries.at(-1)).toMatchObject({ kind: 'completed', runtimeStatus: 'Completed' });
    expect(
      ended.entries
        .filter((e: any) => e.kind === 'event')
        .map((e: any) => e.name)
        .at(-1),
    ).toBe('RegistrationCancelled');
    expect(ended.statusTransitions.at(-1)).toMatchObject({
      status: 'cancelled',
      cause: 'activity:CleanUpRegistration',
    });

    // Redaction: the raw history holds references and stack traces; the timeline holds none of them, nor any secret or token.
    const raw = await rawHistory(id);
    expect(raw).toContain(`reg-${id}-pc-secret`);
    expect(raw).toContain('submissionId');
    expect(raw).toMatch(/"Details":"(?:[^"\\]|\\.)*\s{3}at /);
    const shown = JSON.stringify(ended) + JSON.stringify(timeline);
    for (const hidden of [
      `reg-${id}-pc-secret`,
      'submissionId',
      'secretLooksLikeId',
      '"Details"',
      '"Input"',
      '"Result"',
      '    at ',
      'Contoso CSP',
    ])
      expect(shown).not.toContain(hidden);
    for (const secret of [VALID_SECRET, SECRET_ID, alice, olivia]) {
      expect(raw + shown).not.toContain(secret);
    }
    expect(shown).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });

  it('shows consent, redemption and the registered outcome of a whole registration', async () => {
    const account = await registerContoso(stack, alice, seen);
    // Registered before it ends: the staged secrets the account does not use are deleted last.
    await until(async () => (await history(account.registrationId)).body.runtimeStatus === 'Completed');
    const res = await history(account.registrationId);
    expect(res.status).toBe(200);
    const timeline = res.body;
    expect(timeline.entries.filter((e: any) => e.kind === 'event').map((e: any) => e.name)).toEqual([
      'PartnerCenterCredentialsSubmitted',
      'PartnerApiCredentialsSubmitted',
      'ConsentCompleted',
    ]);
    const redeem = timeline.entries.find((e: any) => e.kind === 'activity' && e.name === 'RedeemConsent');
    expect(redeem).toMatchObject({
      attempts: 1,
      outcome: 'completed',
      result: { ok: true, account: { tenantId: CONTOSO, mpnId: '1234567' } },
    });
    expect(Object.keys(redeem.result.account).sort()).toEqual(['mpnId', 'tenantId']); // no secret names, no consentedBy
    expect(timeline.statusTransitions.map((t: any) => t.status).slice(-3)).toEqual([
      'awaitingConsent',
      'redeemingConsent',
      'registered',
    ]);
    expect(timeline.steps[2]).toMatchObject({
      step: 'partnerApiConsent',
      submissions: 1,
      completedAt: redeem.completedAt,
    });
    expect(timeline.outcome).toMatchObject({
      runtimeStatus: 'Completed',
      result: { outcome: 'registered' },
      status: 'registered',
    });
    expect(res.text).not.toContain('-token-cache');
    expect(res.text).not.toContain(VALID_SECRET);
    expect((await call('DELETE', '/payer-account', alice)).status).toBe(204);
  });

  it('lists registrations page by page, filtered by status and creation time', async () => {
    const before = new Date().toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      // The listed createdTime has whole seconds (as the extension gives it): ids[3] gets a second of its own, so the
      // filters by its second catch it alone.
      if (i >= 3) await new Promise((r) => setTimeout(r, 1100));
      const started = await call('POST', '/payer-account/registration', await newOrganization(), {});
      expect(started.status).toBe(201);
      ids.push(started.body.registrationId);
    }
    const token = await newOrganization();
    const last = await call('POST', '/payer-account/registration', token, {});
    await call('DELETE', '/payer-account/registration', token);
    ids.push(last.body.registrationId);
    await until(async () => (await history(last.body.registrationId)).body?.runtimeStatus === 'Completed');

    const pages: any[] = [];
    let continuationToken: string | undefined;
    do {
      const res = await ops(
        `?pageSize=2&createdFrom=${encodeURIComponent(before)}${continuationToken ? `&continuationToken=${encodeURIComponent(continuationToken)}` : ''}`,
      );
      expect(res.status).toBe(200);
      pages.push(res.body);
      continuationToken = res.body.continuationToken;
    } while (continuationToken && pages.length < 20);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const page of pages) expect(page.items.length).toBeLessThanOrEqual(2);
    const listed = pages.flatMap((p) => p.items);
    expect(listed.map((i: any) => i.registrationId).sort()).toEqual([...ids].sort());
    for (const item of listed) {
      expect(Object.keys(item).sort()).toEqual([
        'createdTime',
        'lastUpdatedTime',
        'progress',
        'registrationId',
        'runtimeStatus',
      ]);
      expect(item.registrationId).toMatch(GUID);
      // The extension gives times in whole seconds.
      expect(Date.parse(item.createdTime)).toBeGreaterThanOrEqual(Math.floor(Date.parse(before) / 1000) * 1000);
    }
    expect(listed.find((i: any) => i.registrationId === ids[0]).progress).toEqual({
      step: 'partnerCenterCredentials',
      status: 'awaitingPartnerCenterCredentials',
    });
    expect(listed.find((i: any) => i.registrationId === last.body.registrationId)).toMatchObject({
      runtimeStatus: 'Completed',
      progress: { status: 'cancelled' },
    });

    const running = await ops(`?status=running&createdFrom=${encodeURIComponent(before)}`);
    expect(running.body.items.map((i: any) => i.registrationId).sort()).toEqual(ids.slice(0, 5).sort());
    const byProgress = await ops(`?status=cancelled&createdFrom=${encodeURIComponent(before)}`);
    expect(byProgress.body.items.map((i: any) => i.registrationId)).toEqual([last.body.registrationId]);
    const later = listed.find((i: any) => i.registrationId === ids[3]).createdTime;
    const fromLater = await ops(`?createdFrom=${encodeURIComponent(later)}&pageSize=100`);
    expect(fromLater.body.items.map((i: any) => i.registrationId).sort()).toEqual(ids.slice(3).sort());
    const endOfLater = new Date(Date.parse(later) + 999).toISOString();
    const upTo = await ops(`?createdFrom=${encodeURIComponent(before)}&createdTo=${encodeURIComponent(endOfLater)}`);
    expect(upTo.body.items.map((i: any) => i.registrationId).sort()).toEqual(ids.slice(0, 4).sort());
  });

  it.each([
    ['?pageSize=0', 'pageSize', 'invalid_field'],
    ['?pageSize=101', 'pageSize', 'invalid_field'],
    ['?status=running,sleeping', 'status', 'invalid_field'],
    ['?createdFrom=yesterday', 'createdFrom', 'invalid_field'],
    ['?createdFrom=2025-02-01&createdTo=2025-01-01', 'createdTo', 'invalid_field'],
    ['?orderBy=name', 'orderBy', 'unknown_field'],
    ['?pageSize=1&pageSize=2', 'pageSize', 'invalid_field'],
    ['?continuationToken=not-a-token', 'continuationToken', 'invalid_field'],
    // Found by fuzzing: 500 (the bounds compared before they parsed) and 503 (fetch refuses the header).
    ['?createdFrom=2026-01-01&createdTo=xyz', 'createdTo', 'invalid_field'],
    ['?createdFrom=xyz&createdTo=2026-01-01', 'createdFrom', 'invalid_field'],
    [`?continuationToken=${encodeURIComponent('ey€')}`, 'continuationToken', 'invalid_field'],
    ['?continuationToken=a%0Ab', 'continuationToken', 'invalid_field'],
  ])('answers 400 for %s naming %s', async (query, field, code) => {
    const res = await ops(query);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ code, field });
  });

  it('answers 404 for an unknown instance and 400 for an ID that cannot be one', async () => {
    const unknown = await history('0f0f0f0f-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('instance_not_found');
    const malformed = await history('bad%20id');
    expect(malformed.status).toBe(400);
    expect(malformed.body.field).toBe('instanceId');
  });

  it('never shows a secret or a token in any answer', () => {
    expect(seen.length).toBeGreaterThan(20);
    const everything = seen.join('\n');
    for (const secret of [VALID_SECRET, alice, bob, olivia, stack.settings.LocalHost__MasterKey])
      expect(everything).not.toContain(secret);
  });
});
