import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';

const CONTOSO = '22222222-2222-4222-8222-222222222222';
const PC_APP = 'bbbbbbbb-0000-4000-8000-000000000001';
const VALID = 'contoso-pc-secret-value~valid';

describe('step 3: consent link, start, callback', () => {
  let stack: Stack;
  let alice: string;
  const responses: string[] = [];
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${stack.apiBaseUrl}/payer-account/registration${path}`, {
      method,
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    responses.push(text);
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const browse = async (url: string) => {
    const res = await fetch(url, { redirect: 'manual' });
    const text = await res.text();
    responses.push(text, res.headers.get('location') ?? '');
    return { status: res.status, location: res.headers.get('location') ?? undefined, html: text };
  };
  const link = (body: Record<string, unknown> = {}) =>
    api('PUT', '/partner-api-credentials', { tenantId: CONTOSO, applicationId: PC_APP, ...body });
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 30));
  };
  const status = async () => (await api('GET', '')).body;

  beforeAll(async () => {
    stack = await startStack();
    alice = await stack.tokenFor('alice@contoso.example');
  });
  beforeEach(async () => {
    expect((await api('POST', '', {})).status).toBe(201);
    await until(async () => (await status()).status === 'awaitingPartnerCenterCredentials');
    expect(
      (
        await api('PUT', '/partner-center-credentials', {
          applicationId: PC_APP,
          domain: 'contoso.example',
          secret: VALID,
        })
      ).status,
    ).toBe(200);
  });
  afterEach(async () => {
    await api('DELETE', '');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses a link before step 2 is done and when the confirmed IDs differ', async () => {
    const wrongTenant = await link({ tenantId: '33333333-3333-4333-8333-333333333333' });
    expect(wrongTenant.status).toBe(422);
    expect(wrongTenant.body).toMatchObject({ code: 'confirmation_mismatch', field: 'tenantId' });
    const wrongApp = await link({ applicationId: 'bbbbbbbb-0000-4000-8000-000000000002' });
    expect(wrongApp.body).toMatchObject({ code: 'confirmation_mismatch', field: 'applicationId' });
  });

  it("issues a link that redirects to the partner tenant's v2 authorize endpoint with state and PKCE", async () => {
    const issued = await link({ mpnId: '1234567' });
    expect(issued.status).toBe(200);
    expect(issued.body.consentLink).toMatch(
      new RegExp(`^${stack.settings.PUBLIC_BASE_URL}/api/consent/start\\?ticket=`),
    );
    expect(Date.parse(issued.body.expiresAt) - Date.now()).toBeGreaterThan(71 * 3600_000);
    await until(async () => (await status()).status === 'awaitingConsent');
    const shown = (await status()).consent;
    expect(shown).toMatchObject({
      expiresAt: issued.body.expiresAt,
      consentLink: expect.stringContaining('/api/consent/start?ticket='),
    });
    expect((await browse(shown.consentLink)).status).toBe(302);
    const first = await browse(issued.body.consentLink);
    expect(first.status).toBe(302);
    const authorize = new URL(first.location as string);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${stack.entra.url}/${CONTOSO}/oauth2/v2.0/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: PC_APP,
      response_type: 'code',
      redirect_uri: `${stack.settings.PUBLIC_BASE_URL}/api/consent/callback`,
      code_challenge_method: 'S256',
      prompt: 'login',
    });
    expect(authorize.searchParams.get('scope')?.split(' ')).toEqual(
      expect.arrayContaining(['https://api.partner.microsoft.com/user_impersonation', 'offline_access']),
    );
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const second = new URL((await browse(issued.body.consentLink)).location as string);
    expect(second.searchParams.get('state')).not.toBe(authorize.searchParams.get('state'));
    expect(second.searchParams.get('code_challenge')).not.toBe(authorize.searchParams.get('code_challenge'));
  });

  it('e-mails at most five consent links per organization and hour; the link itself is still given', async () => {
    for (let i = 0; i < 5; i++) expect((await link({ adminEmail: `admin${i}@contoso.example` })).status).toBe(200);
    const refused = await fetch(`${stack.apiBaseUrl}/payer-account/registration/partner-api-credentials`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: CONTOSO, applicationId: PC_APP, adminEmail: 'someone@elsewhere.example' }),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect(await refused.json()).toMatchObject({
      code: 'too_many_consent_emails',
      field: 'adminEmail',
      message: expect.stringContaining('Leave the e-mail out'),
    });
    const withoutEmail = await link();
    expect(withoutEmail.status).toBe(200);
    expect(withoutEmail.body.consentLink).toContain('/api/consent/start?ticket=');
    await stack.advanceClock(3600_000);
    expect((await link({ adminEmail: 'admin5@contoso.example' })).status).toBe(200);
  });

  it('refuses a tampered ticket and a replaced link', async () => {
    const old = (await link()).body.consentLink as string;
    await until(async () => (await status()).status === 'awaitingConsent');
    const tampered = await browse(old.replace(/ticket=([^.]+)\.([^.]+)\./, (_m, h, p) => `ticket=${h}.${p}x.`));
    expect(tampered.status).toBe(400);
    expect(tampered.html).toContain('not valid');
    const fresh = (await link()).body.consentLink as string;
    await until(async () => (await status()).consent?.linkId !== undefined && (await browse(fresh)).status === 302);
    const replaced = await browse(old);
    expect(replaced.status).toBe(410);
    expect(replaced.html).toContain('replaced');
  });

  it('takes a pasted code for an unopened link as one from a hand-made sign-in: redeemed without PKCE, and a refusal says how to build the address', async () => {
    await link();
    await until(async () => (await status()).status === 'awaitingConsent');
    const unopened = await api('POST', '/authorization-code', { code: 'c'.repeat(40) });
    expect(unopened.status).toBe(202);
    await until(async () => (await status()).status === 'awaitingPartnerApiCredentials');
    const refused = (await status()).error;
    expect(refused).toMatchObject({ code: 'consent_failed', aadsts: 9002313 });
    expect(refused.message).toMatch(/older guide .*\/oauth2\/v2\.0\/authorize\?client_id=.*redirect_uri=/);
    expect(refused.message).not.toMatch(/code_challenge|state=/);
  });

  it('answers a pasted address for a replaced link with its own code', async () => {
    const old = (await link()).body.consentLink as string;
    await until(async () => (await status()).status === 'awaitingConsent');
    const state = new URL((await browse(old)).location as string).searchParams.get('state') as string;
    const fresh = (await link()).body.consentLink as string;
    await until(async () => (await browse(fresh)).status === 302);
    const replaced = await api('POST', '/authorization-code', {
      url: `https://localhost/?code=${'d'.repeat(40)}&state=${encodeURIComponent(state)}`,
    });
    expect(replaced.status).toBe(410);
    expect(replaced.body).toMatchObject({
      code: 'consent_link_replaced',
      title: 'Gone',
      message: expect.stringContaining('Use the newest link'),
    });
    expect(replaced.body.field).toBeUndefined();
    expect((await status()).status).toBe('awaitingConsent');
  });

  it('records a declined consent in plain words, once, and stays at step 3 for a new link', async () => {
    const issued = (await link()).body.consentLink as string;
    await until(async () => (await status()).status === 'awaitingConsent');
    const state = new URL((await browse(issued)).location as string).searchParams.get('state') as string;
    const callback = `${stack.settings.PUBLIC_BASE_URL}/api/consent/callback?error=access_denied&error_description=AADSTS65004%3A+User+declined+to+consent&state=${encodeURIComponent(state)}`;
    const answered = await browse(callback);
    expect(answered.status).toBe(200);
    expect(answered.html).toContain('Consent declined');
    await until(async () => (await status()).error?.code === 'consent_declined');
    expect(await status()).toMatchObject({
      step: 'partnerApiConsent',
      status: 'awaitingPartnerApiCredentials',
      error: { code: 'consent_declined' },
    });
    // A reload shows the outcome as it is now.
    const again = await browse(callback);
    expect(again.html).toContain('Consent declined');
  });

  it('refuses a callback whose state was altered, and the pasted-code path says what it expects', async () => {
    const forged = await browse(`${stack.settings.PUBLIC_BASE_URL}/api/consent/callback?code=abc&state=not-a-state`);
    expect(forged.status).toBe(400);
    const garbage = await api('POST', '/authorization-code', { code: 'just-some-text' });
    expect(garbage.status).toBe(400);
    expect(garbage.body).toMatchObject({ field: 'code' });
    expect(garbage.body.message).toContain('https://localhost/?code=');
    const wrongUrl = await api('POST', '/authorization-code', { url: 'https://localhost/?code=abc&state=forged' });
    expect(wrongUrl.status).toBe(400);
    expect(wrongUrl.body.field).toBe('url');
    // What the address carries is held to what the callback accepts: an `error` Microsoft never sends is not stored anywhere.
    const padded = await api('POST', '/authorization-code', {
      url: `https://localhost/?error=${'x'.repeat(300)}&state=s`,
    });
    expect(padded.status).toBe(400);
    expect(padded.body).toMatchObject({
      code: 'invalid_field',
      field: 'url',
      message: expect.stringContaining('its error is longer'),
    });
  });

  it('takes the same answer again when the vault failed to keep its code (the admin refreshes the page)', async () => {
    const issued = (await link()).body.consentLink as string;
    await until(async () => (await status()).status === 'awaitingConsent');
    const state = new URL((await browse(issued)).location as string).searchParams.get('state') as string;
    const callback = `${stack.settings.PUBLIC_BASE_URL}/api/consent/callback?code=${'c'.repeat(30)}&state=${encodeURIComponent(state)}&session_state=s`;
    stack.keyVault.faults.inject({ failNext: 50, status: 503, method: 'PUT' });
    const failed = await browse(callback);
    stack.keyVault.faults.clear();
    expect(failed.status).toBe(500);
    expect((await status()).status).toBe('awaitingConsent');
    const again = await browse(callback);
    expect(again.status).toBe(200);
    // The made-up code is then refused by Entra ID, and the page says so.
    expect(again.html).toContain('Consent not accepted');
    expect(again.html).not.toContain('already received');
  });

  it('keeps the code in Key Vault and only its reference in the orchestration', async () => {
    const issued = (await link()).body.consentLink as string;
    await until(async () => (await status()).status === 'awaitingConsent');
    const state = new URL((await browse(issued)).location as string).searchParams.get('state') as string;
    const code = 'authorization-code-value-that-must-stay-secret';
    const answered = await browse(
      `${stack.settings.PUBLIC_BASE_URL}/api/consent/callback?code=${code}&state=${encodeURIComponent(state)}&session_state=s`,
    );
    expect(answered.html).toContain('Consent not accepted'); // a made-up code: Entra ID refuses it
    const registrationId = (await status()).registrationId;
    const stored = stack.keyVault.state.listVersions(`reg-${registrationId}-auth-code`).map((v) => v.v.value);
    expect(stored).toContain(code);
    const history = await (
      await fetch(
        `${stack.host.url}/runtime/webhooks/durabletask/instances/${registrationId}?showHistory=true&showHistoryOutput=true&code=${stack.settings.LocalHost__MasterKey}`,
      )
    ).text();
    expect(history).toContain('ConsentCompleted');
    expect(history).not.toContain(code);
    expect(stack.host.output()).not.toContain(code);
    expect(responses.join('\n')).not.toContain(code);
  });
});
