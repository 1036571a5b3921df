import { TableClient, TableServiceClient } from '@azure/data-tables';
import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';
import { aadstsErrorBody } from '../../local/stand-ins/entra-id/error-bodies';

const CONTOSO = '22222222-2222-4222-8222-222222222222';
const PC_APP = 'bbbbbbbb-0000-4000-8000-000000000001';
const VALID = 'contoso-pc-secret-value~valid';
const TOKEN_PATH = '^POST /[^/]+/oauth2/v2\\.0/token$';

describe('the whole registration: steps 1 to 3, consent, registered payer account', () => {
  let stack: Stack;
  let alice: string;
  const seen: string[] = [];
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${stack.apiBaseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    seen.push(text);
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const browse = async (url: string) => {
    const res = await fetch(url, { redirect: 'manual' });
    const html = await res.text();
    seen.push(html, res.headers.get('location') ?? '');
    return { status: res.status, location: res.headers.get('location') ?? undefined, html };
  };
  const registration = async () => (await api('GET', '/payer-account/registration')).body;
  const until = async (check: () => Promise<boolean>, tries = 300) => {
    for (let i = 0; i < tries && !(await check()); i++) await new Promise((r) => setTimeout(r, 30));
  };
  /** Steps 1 and 2, then a consent link for step 3. */
  const reachConsent = async (linkBody: Record<string, unknown> = {}) => {
    expect((await api('POST', '/payer-account/registration', { accountName: 'Contoso CSP' })).status).toBe(201);
    await until(async () => (await registration()).status === 'awaitingPartnerCenterCredentials');
    expect(
      (
        await api('PUT', '/payer-account/registration/partner-center-credentials', {
          applicationId: PC_APP,
          domain: 'contoso.example',
          secret: VALID,
        })
      ).status,
    ).toBe(200);
    const link = await api('PUT', '/payer-account/registration/partner-api-credentials', {
      tenantId: CONTOSO,
      applicationId: PC_APP,
      ...linkBody,
    });
    expect(link.status).toBe(200);
    await until(async () => (await registration()).status === 'awaitingConsent');
    return link.body as {
      consentLink: string;
      expiresAt: string;
      emailedTo?: string;
      handMade?: { consentUrl: string; redirectUri: string };
    };
  };
  /** The admin follows the link and signs in at the Entra ID stand-in; returns where Microsoft sends the browser. */
  const consent = async (consentLink: string, username: string, decision: 'accept' | 'cancel' = 'accept') => {
    const start = await browse(consentLink);
    expect(start.status).toBe(302);
    return (await stack.entra.authorize({ authorizeUrl: start.location as string, username, decision }))
      .location as string;
  };
  const settled = async () => {
    await until(async () => !['awaitingConsent', 'redeemingConsent'].includes((await registration())?.status));
    return registration();
  };

  beforeAll(async () => {
    // The admin's page waits at most 2 s for the verdict here (12 s by default), so its "still checking" shows fast.
    stack = await startStack({ hostEnv: { CONSENT_VERDICT_WAIT_SECONDS: '2' } });
    alice = await stack.tokenFor('alice@contoso.example');
  });
  afterEach(async () => {
    stack.entra.faults.clear();
    await api('DELETE', '/payer-account/registration');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('registers the payer account through the e-mailed link and the callback', async () => {
    const link = await reachConsent({ mpnId: '1234567', adminEmail: 'alice@contoso.example' });
    expect(link.emailedTo).toBe('alice@contoso.example');
    const [mail] = await stack.maildev.waitForMessages('alice@contoso.example', { count: 1, timeoutMs: 10_000 });
    expect(mail.subject).toContain('Contoso Ltd');
    expect(mail.text).toMatch(/Admin agent/);
    expect(mail.text).toMatch(/multi-factor/);
    const mailedLink = /(http:\/\/127\.0\.0\.1:\d+\/api\/consent\/start\?ticket=\S+)/.exec(mail.text)?.[1] as string;
    expect(mailedLink).toBeDefined();
    const callback = await browse(await consent(mailedLink, 'alice@contoso.example'));
    // The page waits for Microsoft's checks and tells the admin the outcome.
    expect(callback.html).toContain('Registered');
    expect(callback.html).toContain('Contoso Ltd&#39;s Azure pricing and billing data');
    await until(async () => (await api('GET', '/payer-account')).status === 200);
    const account = await api('GET', '/payer-account');
    expect(account.body).toMatchObject({
      accountName: 'Contoso CSP',
      tenantId: CONTOSO,
      applicationId: PC_APP,
      mpnId: '1234567',
      companyName: 'Contoso Ltd',
      consentedBy: 'alice@contoso.example',
      secrets: { tokenCache: { name: expect.stringMatching(/-token-cache$/) } },
    });
    expect(stack.partnerApi.downloads().length).toBeGreaterThan(0);
    expect((await api('POST', '/payer-account/registration', {})).body.code).toBe('payer_account_exists');
    // A connection check's answer and the support details are answers too: the leak check below covers them.
    expect((await api('POST', '/payer-account/connection-check')).body).toMatchObject({ verdict: 'ok' });
    const bundle = await api('GET', '/payer-account/support-bundle');
    expect(bundle.body).toMatchObject({
      state: 'registered',
      tenantId: CONTOSO,
      applicationId: PC_APP,
      mpnId: '1234567',
    });
    const cache = stack.keyVault.state.listVersions(account.body.secrets.tokenCache.name).at(-1)?.v.value ?? '';
    expect(cache).toContain('RefreshToken');
    const registrationId = account.body.registrationId as string;
    // The redeemed code is disabled at once, and its name deleted once the workflow has ended (key-vault-leftovers.test.ts).
    const codes = stack.keyVault.state.listVersions(`reg-${registrationId}-auth-code`);
    expect(codes.filter(({ v }) => v.enabled)).toEqual([]);
    await assertNoSecretLeaked(cache);
    // Deregistration is a later issue: free the organization for the next test directly.
    const table = TableClient.fromConnectionString(stack.azurite.connectionString, 'PayerAccounts', {
      allowInsecureConnection: true,
    });
    await table.deleteEntity(CONTOSO, 'payer-account');
  });

  it("registers through the pasted address when the app's redirect URI is https://localhost", async () => {
    const link = await reachConsent({ redirectUri: 'https://localhost' });
    const address = await consent(link.consentLink, 'alice@contoso.example');
    expect(address.startsWith('https://localhost/?code=')).toBe(true);
    const carol = await stack.tokenFor('carol@fabrikam.example');
    const foreign = await fetch(`${stack.apiBaseUrl}/payer-account/registration/authorization-code`, {
      method: 'POST',
      headers: { authorization: `Bearer ${carol}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: address }),
    });
    // Another organization's person cannot complete it: Fabrikam has no registration waiting (with one, the state would not match it: 400).
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ code: 'registration_not_found' });
    const pasted = await api('POST', '/payer-account/registration/authorization-code', { url: address });
    expect(pasted.status).toBe(202);
    await until(async () => (await api('GET', '/payer-account')).status === 200);
    expect((await api('GET', '/payer-account')).body.mpnId).toBe('1234567');
    const table = TableClient.fromConnectionString(stack.azurite.connectionString, 'PayerAccounts', {
      allowInsecureConnection: true,
    });
    await table.deleteEntity(CONTOSO, 'payer-account');
  });

  // https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code
  // (PKCE recommended, not required, for a confidential client)
  it('registers through a sign-in address the partner built by hand for their own redirect URI (no state, no PKCE)', async () => {
    const link = (await reachConsent({ redirectUri: 'https://localhost' })) as Required<
      Awaited<ReturnType<typeof reachConsent>>
    >;
    expect(link.handMade.redirectUri).toBe('https://localhost');
    const built = new URL(link.handMade.consentUrl);
    expect(`${built.origin}${built.pathname}`).toBe(`${stack.entra.url}/${CONTOSO}/oauth2/v2.0/authorize`);
    expect(Object.fromEntries(built.searchParams)).toEqual({
      client_id: PC_APP,
      response_type: 'code',
      redirect_uri: 'https://localhost',
      response_mode: 'query',
      scope: 'https://api.partner.microsoft.com/user_impersonation offline_access openid profile',
      prompt: 'login',
    });
    const { location } = await stack.entra.authorize({
      authorizeUrl: link.handMade.consentUrl,
      username: 'alice@contoso.example',
      decision: 'accept',
    });
    expect(new URL(location as string).searchParams.has('state')).toBe(false);
    expect((await api('POST', '/payer-account/registration/authorization-code', { url: location })).status).toBe(202);
    await until(async () => (await api('GET', '/payer-account')).status === 200);
    expect((await api('GET', '/payer-account')).body).toMatchObject({ consentedBy: 'alice@contoso.example' });
    expect((await api('DELETE', '/payer-account')).status).toBe(204);
  });

  it("registers a hand-made code pasted alone (handMade: true) even after the product's link was opened", async () => {
    const link = (await reachConsent({ redirectUri: 'https://localhost' })) as Required<
      Awaited<ReturnType<typeof reachConsent>>
    >;
    expect((await browse(link.consentLink)).status).toBe(302); // a click: a PKCE verifier now exists
    const { location } = await stack.entra.authorize({
      authorizeUrl: link.handMade.consentUrl,
      username: 'alice@contoso.example',
      decision: 'accept',
    });
    const code = new URL(location as string).searchParams.get('code');
    const pasted = await api('POST', '/payer-account/registration/authorization-code', { code, handMade: true });
    expect(pasted.status).toBe(202);
    await until(async () => (await api('GET', '/payer-account')).status === 200);
    expect((await api('DELETE', '/payer-account')).status).toBe(204);
  });

  it("answers no hand-made address when the link returns to this product's own callback", async () => {
    expect(await reachConsent()).not.toHaveProperty('handMade');
  });

  it("registers with only the code pasted (the latest click's PKCE verifier is used)", async () => {
    const link = await reachConsent({ redirectUri: 'https://localhost' });
    const code = new URL(await consent(link.consentLink, 'alice@contoso.example')).searchParams.get('code');
    const pasted = await api('POST', '/payer-account/registration/authorization-code', { code });
    expect(pasted.status).toBe(202);
    await until(async () => (await api('GET', '/payer-account')).status === 200);
    expect((await api('GET', '/payer-account')).body.tenantId).toBe(CONTOSO);
    const table = TableClient.fromConnectionString(stack.azurite.connectionString, 'PayerAccounts', {
      allowInsecureConnection: true,
    });
    await table.deleteEntity(CONTOSO, 'payer-account');
  });

  it.each([
    ['an admin without MFA', 'dave@contoso.example', {}, 'admin_without_mfa'],
    ['an admin without the Admin agent role', 'bob@contoso.example', {}, 'admin_without_partner_role'],
    ['a Sales agent (prices only, no billing)', 'sam@contoso.example', {}, 'admin_without_partner_role'],
    ['an admin from another tenant', 'carol@fabrikam.example', {}, 'admin_from_another_tenant'],
    ['an MPN ID that does not match', 'alice@contoso.example', { mpnId: '7654321' }, 'mpn_id_mismatch'],
  ])('answers %s with an error the person can act on, and stays at step 3', async (_name, admin, linkBody, code) => {
    const link = await reachConsent(linkBody);
    // The admin's own page says the consent was not accepted, and why.
    const page = await browse(await consent(link.consentLink, admin));
    expect(page.html).toContain('Consent not accepted');
    const after = await settled();
    expect(after).toMatchObject({
      step: 'partnerApiConsent',
      status: 'awaitingPartnerApiCredentials',
      error: { code },
    });
    expect(after.error.message).toMatch(/new consent link|MPN ID/);
    expect(after.error.help).toMatch(/^https:\/\/learn\.microsoft\.com\/en-us\//);
    if (code === 'admin_without_mfa') expect(after.error.partnerCenterCode).toBe(900421); // Partner Center's refusal
    if (admin.startsWith('sam@')) expect(after.error.message).toMatch(/may not read billing data/);
    expect((await api('GET', '/payer-account')).status).toBe(404);

    // A new link and a good consent register: the refused consent's token is not resumed instead.
    const again = await api('PUT', '/payer-account/registration/partner-api-credentials', {
      tenantId: CONTOSO,
      applicationId: PC_APP,
    });
    expect(again.status).toBe(200);
    await until(async () => (await registration()).status === 'awaitingConsent');
    await browse(await consent(again.body.consentLink, 'alice@contoso.example'));
    await until(async () => (await api('GET', '/payer-account')).status === 200);
    expect((await api('GET', '/payer-account')).body).toMatchObject({
      tenantId: CONTOSO,
      consentedBy: 'alice@contoso.example',
    });
    expect((await api('DELETE', '/payer-account')).status).toBe(204);
  });

  // https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference: v2.0 tokens carry no amr.
  it("registers an admin who did MFA though the Partner API's tokens are v2.0 (no amr): Partner Center judges MFA", async () => {
    stack.entra.setAccessTokenVersion('https://api.partner.microsoft.com', '2.0');
    try {
      const link = await reachConsent();
      await browse(await consent(link.consentLink, 'alice@contoso.example'));
      await until(async () => (await api('GET', '/payer-account')).status === 200);
      expect((await api('GET', '/payer-account')).body).toMatchObject({ consentedBy: 'alice@contoso.example' });
    } finally {
      stack.entra.setAccessTokenVersion('https://api.partner.microsoft.com', '1.0');
    }
    expect((await api('DELETE', '/payer-account')).status).toBe(204);
  });

  // https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes (AADSTS9002327)
  it('tells the person to move a redirect URI registered as a single-page application under Web (AADSTS9002327), and registers once it is', async () => {
    const callback = `${new URL(stack.apiBaseUrl).origin}/api/consent/callback`;
    stack.entra.addRedirectUri(PC_APP, callback, 'spa');
    try {
      const link = await reachConsent();
      await browse(await consent(link.consentLink, 'alice@contoso.example'));
      const after = await settled();
      expect(after).toMatchObject({
        status: 'awaitingPartnerApiCredentials',
        error: { code: 'redirect_uri_wrong_platform', field: 'redirectUri', aadsts: 9002327 },
      });
      expect(after.error.message).toMatch(/remove it from "Single-page application" and add it under "Web"/);
    } finally {
      stack.entra.addRedirectUri(PC_APP, callback, 'web');
    }
    const again = await api('PUT', '/payer-account/registration/partner-api-credentials', {
      tenantId: CONTOSO,
      applicationId: PC_APP,
    });
    expect(again.status).toBe(200);
    await until(async () => (await registration()).status === 'awaitingConsent');
    await browse(await consent(again.body.consentLink, 'alice@contoso.example'));
    await until(async () => (await api('GET', '/payer-account')).status === 200);
    expect((await api('DELETE', '/payer-account')).status).toBe(204);
  });

  it.each([
    [54005, 'code_already_redeemed'],
    [70008, 'code_expired'],
    [501481, 'pkce_mismatch'],
    [9002326, 'redirect_uri_wrong_platform'],
  ])('maps AADSTS%i at redemption to %s', async (aadsts, code) => {
    const link = await reachConsent();
    const address = await consent(link.consentLink, 'alice@contoso.example');
    const refusal = aadstsErrorBody(aadsts, { clientId: PC_APP });
    stack.entra.faults.inject({ match: TOKEN_PATH, status: refusal.status, body: refusal.body, count: 1 });
    await browse(address);
    const after = await settled();
    expect(after.error).toMatchObject({ code, aadsts });
  });

  it("e-mails consent links only to the asking person's or the partner tenant's domain (or subdomains): otherwise 422 on adminEmail", async () => {
    await reachConsent();
    const ask = (adminEmail: string) =>
      api('PUT', '/payer-account/registration/partner-api-credentials', {
        tenantId: CONTOSO,
        applicationId: PC_APP,
        adminEmail,
      });
    const refused = await ask('someone@fabrikam.example');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'admin_email_not_allowed', field: 'adminEmail', help: '/' });
    expect(refused.body.message).toMatch(/Copy the link/);
    expect(await stack.maildev.messages('someone@fabrikam.example')).toEqual([]);
    const taken = await ask('it@eu.contoso.example');
    expect(taken.status).toBe(200);
    expect(taken.body.emailedTo).toBe('it@eu.contoso.example');
    const [mail] = await stack.maildev.waitForMessages('it@eu.contoso.example', { count: 1, timeoutMs: 10_000 });
    expect(mail.text).toMatch(/Alice Admin <alice@contoso\.example>/);
  });

  it("tells the admin on the page after consent why Microsoft's checks refused it, and a reload shows it again", async () => {
    const link = await reachConsent();
    const address = await consent(link.consentLink, 'dave@contoso.example');
    const refused = await browse(address);
    expect(refused.status).toBe(200);
    expect(refused.html).toContain('Consent not accepted');
    expect(refused.html).toMatch(/without multi-factor authentication/);
    const reload = await browse(address);
    expect(reload.html).toContain('Consent not accepted');
  });

  it('says the checks still run when they take longer than the page waits, and a reload shows the outcome', async () => {
    const link = await reachConsent();
    const address = await consent(link.consentLink, 'alice@contoso.example');
    stack.partnerCenter.faults.inject({ match: '^GET /v1/profiles/mpn', latencyMs: 4_000, count: 1 });
    const waiting = await browse(address);
    expect(waiting.html).toContain('Consent received');
    expect(waiting.html).toMatch(/still checking it with Microsoft.*reload this page/);
    await until(async () => (await api('GET', '/payer-account')).status === 200);
    expect((await browse(address)).html).toContain('Registered');
    expect((await api('DELETE', '/payer-account')).status).toBe(204);
  });

  it('records a cancelled consent and takes a new link afterwards', async () => {
    const link = await reachConsent();
    const page = await browse(await consent(link.consentLink, 'alice@contoso.example', 'cancel'));
    expect(page.html).toContain('Consent declined');
    expect((await settled()).error.code).toBe('consent_declined');
    expect(
      (
        await api('PUT', '/payer-account/registration/partner-api-credentials', {
          tenantId: CONTOSO,
          applicationId: PC_APP,
        })
      ).status,
    ).toBe(200);
  });

  it('takes over a registration that ended without its clean-up (terminated by ops): gone from GET, step 1 at once, staged secrets deleted', async () => {
    await reachConsent();
    const { registrationId } = await registration();
    const live = () =>
      stack.keyVault.state
        .listCurrent()
        .map((s) => s.name)
        .filter((name) => name.startsWith(`reg-${registrationId}-`));
    expect(live()).toContain(`reg-${registrationId}-pc-secret`);
    const terminated = await fetch(
      `${stack.host.url}/runtime/webhooks/durabletask/instances/${registrationId}/terminate?reason=stuck&code=${stack.settings.LocalHost__MasterKey}`,
      { method: 'POST' },
    );
    expect(terminated.status).toBe(202);
    await until(async () => (await api('GET', '/payer-account/registration')).status === 404);
    expect(await api('GET', '/payer-account/registration')).toMatchObject({
      status: 404,
      body: { code: 'registration_not_found' },
    });
    expect(live().length).toBeGreaterThan(0); // the workflow ended without its clean-up

    const again = await api('POST', '/payer-account/registration', { accountName: 'Contoso CSP' });
    expect(again.status).toBe(201);
    expect(again.body.registrationId).not.toBe(registrationId);
    expect(live()).toEqual([]);
  });

  it('expires the link on the injectable clock; a new link can be asked for', async () => {
    const link = await reachConsent();
    await stack.advanceClock(72 * 3600_000 + 1000);
    await until(async () => (await registration()).status === 'consentExpired');
    expect((await registration()).status).toBe('consentExpired');
    const expired = await browse(link.consentLink);
    expect(expired.status).toBe(410);
    const pasted = await api('POST', '/payer-account/registration/authorization-code', { code: 'e'.repeat(40) });
    expect(pasted.status).toBe(410);
    expect(pasted.body).toMatchObject({ code: 'consent_link_expired', message: expect.stringContaining('new link') });
    expect(
      (
        await api('PUT', '/payer-account/registration/partner-api-credentials', {
          tenantId: CONTOSO,
          applicationId: PC_APP,
        })
      ).status,
    ).toBe(200);
  });

  // The registration races every wait against its 7-day expiry. Its timers wait at most 3 days each (a longer one
  // the Durable Task extension splits into sub-timers, which the SDK and the extension number differently once the
  // timer is cancelled: the local engine hung and Azure failed the instance as non-deterministic, see
  // test/reference/long-timers-conformance.test.ts), and lost races' timers stay until the registration ends.
  it('registers when the consent link is asked for 73 hours after step 2, past the 3-day timers of the expiry races', async () => {
    const started = await api('POST', '/payer-account/registration', { accountName: 'Contoso CSP' });
    expect(started.status).toBe(201);
    const instance = `${stack.host.url}/runtime/webhooks/durabletask/instances/${started.body.registrationId}`;
    const history = async () =>
      (await (await fetch(`${instance}?showHistory=true&code=${stack.settings.LocalHost__MasterKey}`)).json()) as {
        runtimeStatus: string;
        output: unknown;
        historyEvents: { EventType: string }[];
      };
    const fired = async () => (await history()).historyEvents.filter((e) => e.EventType === 'TimerFired').length;
    await until(async () => (await registration()).status === 'awaitingPartnerCenterCredentials');
    const step2 = await api('PUT', '/payer-account/registration/partner-center-credentials', {
      applicationId: PC_APP,
      domain: 'contoso.example',
      secret: VALID,
    });
    expect(step2.status).toBe(200);
    await stack.advanceClock(73 * 3600_000);
    // Both races' timers (step 2's, which lost, and the one waiting for the link request) fire at +72 h.
    await until(async () => (await fired()) >= 2);
    expect(await fired()).toBe(2);
    const link = await api('PUT', '/payer-account/registration/partner-api-credentials', {
      tenantId: CONTOSO,
      applicationId: PC_APP,
    });
    expect(link.status).toBe(200);
    const callback = await browse(await consent(link.body.consentLink as string, 'alice@contoso.example'));
    expect(callback.html).toContain('Registered');
    await until(async () => (await history()).runtimeStatus !== 'Running');
    expect(await history()).toMatchObject({ runtimeStatus: 'Completed', output: { outcome: 'registered' } });
    expect((await api('GET', '/payer-account')).status).toBe(200);
    const table = TableClient.fromConnectionString(stack.azurite.connectionString, 'PayerAccounts', {
      allowInsecureConnection: true,
    });
    await table.deleteEntity(CONTOSO, 'payer-account');
  });

  async function assertNoSecretLeaked(tokenCache: string) {
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
    const refreshToken = /"secret":"([^"]+)"/.exec(tokenCache.slice(tokenCache.indexOf('RefreshToken')))?.[1] as string;
    expect(refreshToken?.length).toBeGreaterThan(10);
    const everywhere = [stored, stack.host.output(), ...seen].join('\n');
    for (const secret of [VALID, refreshToken]) expect(everywhere).not.toContain(secret);
  }
});
