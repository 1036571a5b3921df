import { createHash, randomBytes } from 'node:crypto';
import { Agent } from 'node:https';
import { ConfidentialClientApplication, CryptoProvider } from '@azure/msal-node';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { ensureLoopbackTls, type LoopbackTls } from '../../local/tls';
import { httpsCall, type HttpResult } from '../support/https-call';
import { aadstsErrorBody } from '../../local/stand-ins/entra-id/error-bodies';
import { startEntraIdStandIn, type EntraIdStandIn } from '../../local/stand-ins/entra-id/server';

/**
 * The Entra ID stand-in's authorization code flow: the authorize endpoint (pages and control route), codes,
 * the authorization_code and refresh_token grants — over real HTTPS, with the real msal-node for the happy path.
 */

const OCTO = '11111111-1111-4111-8111-111111111111';
const CONTOSO = '22222222-2222-4222-8222-222222222222';
const FABRIKAM = '33333333-3333-4333-8333-333333333333';
const APP = { clientId: 'bbbbbbbb-0000-4000-8000-000000000001', secret: 'contoso-pc-secret-value~valid' };
const OTHER_CONTOSO_APP = {
  clientId: 'bbbbbbbb-0000-4000-8000-000000000002',
  secret: 'contoso-not-in-pc-secret-value~valid',
};
const OCTO_WEB = { clientId: 'aaaaaaaa-0000-4000-8000-000000000003', redirectUri: 'http://127.0.0.1:7071/' };
/** The wizard's sign-in: octo-web, a public client, through a Single-page application redirect URI. */
const WIZARD_SCOPE = 'api://octo-payer-registration/.default openid profile offline_access';
const PARTNER_API = 'https://api.partner.microsoft.com/user_impersonation';
const PARTNER_CENTER = 'https://api.partnercenter.microsoft.com/user_impersonation';
const CONSENT_SCOPE = `${PARTNER_API} offline_access openid profile`;
const ALICE = { upn: 'alice@contoso.example', oid: 'a11ce000-0000-4000-8000-000000000001' };
const DAVE = { upn: 'dave@contoso.example', oid: 'da4e0000-0000-4000-8000-000000000005' };
const PASSWORD = 'Passw0rd!local';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MINUTE = 60_000;
const DAY = 24 * 3600_000;

let tls: LoopbackTls;
let standIn: EntraIdStandIn;
let agent: Agent;
/** The stand-in's clock runs `offset` ms ahead of real time. */
let offset = 0;
/** The product's consent callback: its port varies, so it is registered at run time. */
let callback: string;
/** The wizard's address, a Single-page application redirect URI of octo-web. */
let wizard: string;

const call = (method: string, url: string, body?: Parameters<typeof httpsCall>[3]) =>
  httpsCall(agent, method, url, body);

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(
  options: {
    challenge?: string;
    tenant?: string;
    clientId?: string;
    redirectUri?: string;
    scope?: string;
    state?: string;
    extra?: Record<string, string>;
    omit?: string[];
  } = {},
): string {
  const params: Record<string, string> = {
    client_id: options.clientId ?? APP.clientId,
    response_type: 'code',
    redirect_uri: options.redirectUri ?? callback,
    scope: options.scope ?? CONSENT_SCOPE,
    state: options.state ?? 'state-123',
    code_challenge: options.challenge ?? pkce().challenge,
    code_challenge_method: 'S256',
    prompt: 'login',
    ...options.extra,
  };
  for (const name of options.omit ?? []) delete params[name];
  return `${standIn.url}/${options.tenant ?? CONTOSO}/oauth2/v2.0/authorize?${new URLSearchParams(params)}`;
}

const controlAuthorize = (
  authorize: string,
  username: string,
  decision: 'accept' | 'cancel' = 'accept',
  password?: string,
) =>
  call('POST', `${standIn.url}/_control/authorize`, {
    json: { authorizeUrl: authorize, username, decision, ...(password !== undefined ? { password } : {}) },
  });

/** The consent given through the control route: the code from the redirect, and the PKCE verifier. */
async function consent(
  options: { username?: string; tenant?: string; clientId?: string; redirectUri?: string; scope?: string } = {},
) {
  const { verifier, challenge } = pkce();
  const res = await controlAuthorize(authorizeUrl({ ...options, challenge }), options.username ?? ALICE.upn);
  expect(res.status).toBe(200);
  const location = new URL(res.body.location);
  const code = location.searchParams.get('code');
  expect(code).toEqual(expect.any(String));
  return { code: code!, verifier, location };
}

const tokenUrl = (tenant = CONTOSO) => `${standIn.url}/${tenant}/oauth2/v2.0/token`;

function redeem(
  code: string,
  verifier: string,
  overrides: Record<string, string | undefined> = {},
  tenant = CONTOSO,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const form: Record<string, string | undefined> = {
    grant_type: 'authorization_code',
    client_id: APP.clientId,
    client_secret: APP.secret,
    code,
    redirect_uri: callback,
    code_verifier: verifier,
    scope: CONSENT_SCOPE,
    client_info: '1',
    ...overrides,
  };
  return call('POST', tokenUrl(tenant), {
    headers,
    form: Object.fromEntries(Object.entries(form).filter(([, v]) => v !== undefined)) as Record<string, string>,
  });
}

function refresh(refreshToken: string, overrides: Record<string, string | undefined> = {}): Promise<HttpResult> {
  const form: Record<string, string | undefined> = {
    grant_type: 'refresh_token',
    client_id: APP.clientId,
    client_secret: APP.secret,
    refresh_token: refreshToken,
    scope: `${PARTNER_API} offline_access openid profile`,
    client_info: '1',
    ...overrides,
  };
  return call('POST', tokenUrl(), {
    form: Object.fromEntries(Object.entries(form).filter(([, v]) => v !== undefined)) as Record<string, string>,
  });
}

/** A refresh token for alice's consent to the Partner API (authorize → code → redemption). */
async function refreshTokenFor(username = ALICE.upn): Promise<string> {
  const { code, verifier } = await consent({ username });
  const res = await redeem(code, verifier);
  expect(res.status).toBe(200);
  return res.body.refresh_token as string;
}

/** A refresh token of the wizard (octo-web, public) for a Contoso user, redeemed cross-origin as a browser does. */
async function wizardRefreshToken(username = ALICE.upn): Promise<string> {
  const { code, verifier } = await consent({
    username,
    clientId: OCTO_WEB.clientId,
    redirectUri: wizard,
    scope: WIZARD_SCOPE,
  });
  const res = await redeem(
    code,
    verifier,
    { client_id: OCTO_WEB.clientId, client_secret: undefined, redirect_uri: wizard, scope: WIZARD_SCOPE },
    CONTOSO,
    { Origin: new URL(wizard).origin },
  );
  expect(res.status).toBe(200);
  return res.body.refresh_token as string;
}

const wizardRefresh = (refreshToken: string) =>
  call('POST', tokenUrl(), {
    headers: { Origin: new URL(wizard).origin },
    form: {
      grant_type: 'refresh_token',
      client_id: OCTO_WEB.clientId,
      refresh_token: refreshToken,
      scope: WIZARD_SCOPE,
    },
  });

const passwordChange = (username: string, how?: string) =>
  call('POST', `${standIn.url}/_control/password-change`, { json: { username, ...(how ? { how } : {}) } });

/** Entra's error shape, field by field. */
function expectEntraError(res: HttpResult, status: number, error: string, code: number): void {
  expect({ status: res.status, error: res.body?.error, codes: res.body?.error_codes }).toEqual({
    status,
    error,
    codes: [code],
  });
  expect(res.body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
  expect(res.body.trace_id).toMatch(GUID);
  expect(res.body.correlation_id).toMatch(GUID);
  expect(res.body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
  expect(res.body.error_description).toContain(`Trace ID: ${res.body.trace_id}`);
  expect(res.body.error_uri).toBe(`${standIn.url}/error?code=${code}`);
}

/** An error redirect back to the app: no code, Entra's query parameters, the state echoed. */
function expectErrorRedirect(location: string, error: string, code: number, state = 'state-123'): URLSearchParams {
  const url = new URL(location);
  expect(`${url.origin}${url.pathname}`).toBe(new URL(callback).toString());
  const q = url.searchParams;
  expect({ error: q.get('error'), state: q.get('state'), code: q.get('code') }).toEqual({ error, state, code: null });
  expect(q.get('error_description')).toMatch(new RegExp(`^AADSTS${code}: `));
  expect(q.get('error_uri')).toBe(`${standIn.url}/error?code=${code}`);
  return q;
}

/** Verifies an access token against the stand-in's JWKS as Partner Center / the Partner API would. */
async function verifyAccessToken(token: string, audience: string, tenantId: string): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(standIn.jwksUri(tenantId)), { agent });
  const { payload } = await jwtVerify(token, jwks, {
    audience,
    issuer: `https://sts.windows.net/${tenantId}/`,
    algorithms: ['RS256'],
  });
  return payload;
}

const hiddenInteraction = (html: string) => /name="interaction" value="([^"]+)"/.exec(html)?.[1];

beforeAll(async () => {
  tls = await ensureLoopbackTls();
  agent = new Agent({ ca: tls.cert });
  standIn = await startEntraIdStandIn({ tls, clock: () => Date.now() + offset });
  callback = `http://127.0.0.1:${40000 + Math.floor(Math.random() * 20000)}/api/consent/callback`;
  standIn.addRedirectUri(APP.clientId, callback);
  wizard = `http://127.0.0.1:${40000 + Math.floor(Math.random() * 20000)}/`;
  standIn.addRedirectUri(OCTO_WEB.clientId, wizard, 'spa');
});

afterEach(() => {
  offset = 0;
});

afterAll(async () => {
  await standIn?.stop();
  agent?.destroy();
});

// https://learn.microsoft.com/en-us/entra/identity-platform/reply-url (https, with exceptions for localhost; matched
// exactly, case and trailing slash included)
describe('redirect URIs registered at run time', () => {
  it('adds one through the control route and the API, lists them, and refuses what Entra would', async () => {
    const uri = 'http://127.0.0.1:61234/api/consent/callback';
    const before = await controlAuthorize(authorizeUrl({ redirectUri: uri }), ALICE.upn);
    expectEntraError(before, 400, 'invalid_request', 50011);

    const added = await call('POST', `${standIn.url}/_control/applications/${APP.clientId}/redirect-uris`, {
      json: { uri },
    });
    expect(added.status).toBe(200);
    expect(added.body.redirectUris).toEqual([
      'https://localhost',
      'http://127.0.0.1:7071/api/consent/callback',
      callback,
      uri,
    ]);
    const listed = await call('GET', `${standIn.url}/_control/applications/${APP.clientId}/redirect-uris`);
    expect(listed.body.redirectUris).toContain(uri);
    expect(standIn.redirectUris(APP.clientId)).toContain(uri);
    const after = await controlAuthorize(authorizeUrl({ redirectUri: uri }), ALICE.upn);
    expect(after.status).toBe(200);
    expect(after.body.location.startsWith(`${uri}?code=`)).toBe(true);

    // Idempotent; the fixtures themselves are untouched.
    expect(standIn.addRedirectUri(APP.clientId, uri).filter((u) => u === uri)).toHaveLength(1);
    expect(standIn.fixtures.applications.find((a) => a.clientId === APP.clientId)!.redirectUris).not.toContain(uri);

    const refused = async (clientId: string, badUri: string) =>
      (await call('POST', `${standIn.url}/_control/applications/${clientId}/redirect-uris`, { json: { uri: badUri } }))
        .status;
    expect(await refused(APP.clientId, 'http://partner.example/callback')).toBe(400);
    expect(await refused(APP.clientId, 'https://partner.example/callback#x')).toBe(400);
    expect(await refused(APP.clientId, 'not a uri')).toBe(400);
    expect(await refused('99999999-0000-4000-8000-000000000000', 'https://partner.example/callback')).toBe(404);
    expect(() => standIn.addRedirectUri(APP.clientId, 'ftp://127.0.0.1/x')).toThrow(/https/);
  });
});

// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code
// (prompt=login signs in again; the code and state come back on the redirect URI; access_denied when consent is refused)
// https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes (AADSTS65004, 50011, 90002, 700016)
describe('authorize endpoint: the pages', () => {
  it('renders the sign-in page, shows a wrong password, then the consent page with the permissions; Accept redirects with code, state and session_state', async () => {
    const { verifier, challenge } = pkce();
    const page = await call('GET', authorizeUrl({ challenge, state: 'page-state' }));
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.text).toContain('<title>Sign in to your account</title>');
    expect(page.text).toMatch(/<label for="password">Password<\/label>\s*<input type="password" id="password"/);
    expect(page.text).toContain('<legend>Pick an account</legend>');
    for (const upn of [ALICE.upn, 'bob@contoso.example', DAVE.upn]) expect(page.text).toContain(`value="${upn}"`);
    expect(page.text).not.toContain('carol@fabrikam.example'); // only Contoso's users are listed
    expect(page.text).not.toContain(PASSWORD);
    expect(page.text).not.toMatch(/<script|https?:\/\/[^"]*\.(css|js)/);
    // The form carries the interaction ID only: no state, challenge or redirect URI.
    const hidden = [...page.text.matchAll(/type="hidden" name="([^"]+)"/g)].map((m) => m[1]);
    expect(hidden).toEqual(['interaction']);
    expect(page.text).not.toContain(challenge);
    const interaction = hiddenInteraction(page.text)!;
    expect(interaction).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const formAction = `${standIn.url}/${CONTOSO}/oauth2/v2.0/authorize`;
    expect(page.text).toContain(`action="/${CONTOSO}/oauth2/v2.0/authorize"`);

    const wrong = await call('POST', formAction, {
      form: { interaction, action: 'signin', account: ALICE.upn, password: 'nope' },
    });
    expect(wrong.status).toBe(200);
    expect(wrong.text).toMatch(
      /role="alert"[^>]*>AADSTS50126: Error validating credentials due to invalid username or password\./,
    );
    expect(hiddenInteraction(wrong.text)).toBe(interaction); // retry on the same sign-in

    const signedIn = await call('POST', formAction, {
      form: { interaction, action: 'signin', account: ALICE.upn, password: PASSWORD },
    });
    expect(signedIn.status).toBe(200);
    expect(signedIn.text).toContain('<title>Permissions requested</title>');
    expect(signedIn.text).toContain(ALICE.upn);
    expect(signedIn.text).toContain('contoso-partner-center-app');
    expect(signedIn.text).toContain('Access Microsoft Partner as you');
    expect(signedIn.text).toContain(PARTNER_API);
    expect(signedIn.text).toContain(PARTNER_CENTER); // listed on the registration: part of the consent
    expect(signedIn.text).toContain('Maintain access to data you have given it access to');
    expect(signedIn.text).toMatch(
      /<button type="submit" class="primary" name="action" value="accept">Accept<\/button>/,
    );
    expect(signedIn.text).toMatch(
      /<button type="submit" class="secondary" name="action" value="cancel">Cancel<\/button>/,
    );
    expect(signedIn.text).toContain(`action="/${CONTOSO}/oauth2/v2.0/authorize/consent"`);

    const accepted = await call('POST', `${formAction}/consent`, { form: { interaction, action: 'accept' } });
    expect(accepted.status).toBe(302);
    const location = new URL(String(accepted.headers.location));
    expect(`${location.origin}${location.pathname}`).toBe(callback);
    expect([...location.searchParams.keys()]).toEqual(['code', 'state', 'session_state']);
    expect(location.searchParams.get('state')).toBe('page-state');
    expect(location.searchParams.get('session_state')).toMatch(GUID);

    // The interaction is over: a re-submitted page redirects nowhere.
    const again = await call('POST', `${formAction}/consent`, { form: { interaction, action: 'accept' } });
    expect(again.status).toBe(400);
    expect(again.headers.location).toBeUndefined();

    // The code from the pages redeems like any other.
    const redeemed = await redeem(location.searchParams.get('code')!, verifier);
    expect(redeemed.status).toBe(200);
    expect(decodeJwt(redeemed.body.access_token)).toMatchObject({
      upn: ALICE.upn,
      aud: 'https://api.partner.microsoft.com',
    });
  });

  it('Cancel on the consent page redirects with access_denied, AADSTS65004, error_subcode=cancel and the state', async () => {
    const page = await call('GET', authorizeUrl({ state: 'cancel-state' }));
    const interaction = hiddenInteraction(page.text)!;
    const path = `${standIn.url}/contoso.example/oauth2/v2.0/authorize`;
    // Signing in by typing the username; the page posts to the tenant segment it was opened with.
    const consentPageRes = await call('POST', `${standIn.url}/${CONTOSO}/oauth2/v2.0/authorize`, {
      form: { interaction, action: 'signin', username: DAVE.upn, password: PASSWORD },
    });
    expect(consentPageRes.text).toContain('<title>Permissions requested</title>');
    expect((await call('POST', `${path}/consent`, { form: { interaction, action: 'cancel' } })).status).toBe(400); // another tenant segment
    const cancelled = await call('POST', `${standIn.url}/${CONTOSO}/oauth2/v2.0/authorize/consent`, {
      form: { interaction, action: 'cancel' },
    });
    expect(cancelled.status).toBe(302);
    const q = expectErrorRedirect(String(cancelled.headers.location), 'access_denied', 65004, 'cancel-state');
    expect(q.get('error_subcode')).toBe('cancel');
    expect(q.get('error_description')).toMatch(
      /^AADSTS65004: User declined to consent to access the app\.\r\nTrace ID: /,
    );
  });

  it("shows Entra's error page for an unregistered redirect URI (AADSTS50011) and never redirects to it", async () => {
    const evil = 'https://attacker.example/steal';
    const page = await call('GET', authorizeUrl({ redirectUri: evil }));
    expect(page.status).toBe(400);
    expect(page.headers.location).toBeUndefined();
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toContain(
      `AADSTS50011: The redirect URI &#39;${evil}&#39; specified in the request does not match the redirect URIs configured for the application &#39;${APP.clientId}&#39;.`,
    );
    expect(page.text).toMatch(/Correlation Id: [0-9a-f-]{36}/);
    expect(page.text).not.toContain('name="interaction"');

    const control = await controlAuthorize(authorizeUrl({ redirectUri: evil }), ALICE.upn);
    expectEntraError(control, 400, 'invalid_request', 50011);
    expect(control.body.location).toBeUndefined();

    // A trailing slash is another URI, as in Entra.
    expectEntraError(
      await controlAuthorize(authorizeUrl({ redirectUri: `${callback}/` }), ALICE.upn),
      400,
      'invalid_request',
      50011,
    );
  });

  it('shows the error page for an unknown tenant, an app not in the tenant, and a missing redirect URI', async () => {
    const unknownTenant = await call('GET', authorizeUrl({ tenant: 'nowhere.example' }));
    expect(unknownTenant.status).toBe(400);
    expect(unknownTenant.text).toContain('AADSTS90002');
    expectEntraError(
      await controlAuthorize(authorizeUrl({ tenant: FABRIKAM }), ALICE.upn),
      400,
      'unauthorized_client',
      700016,
    );
    expectEntraError(
      await controlAuthorize(authorizeUrl({ tenant: 'common' }), ALICE.upn),
      400,
      'invalid_request',
      50194,
    );
    expectEntraError(
      await controlAuthorize(authorizeUrl({ omit: ['redirect_uri'] }), ALICE.upn),
      400,
      'invalid_request',
      900971,
    );
    expectEntraError(
      await controlAuthorize(authorizeUrl({ omit: ['client_id'] }), ALICE.upn),
      400,
      'invalid_request',
      900144,
    );
  });
});

// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#error-codes-for-authorization-endpoint-errors
// https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes (900144, 501491, 700051, 70011, 650057,
// 650056, 50058). Stricter than Entra, not relied on by the product: Entra reads a scope naming no resource as Microsoft
// Graph; the stand-in refuses it (see authorize-request.ts).
describe('authorize endpoint: validations redirected to the app (control route and GET alike)', () => {
  const cases: [string, Parameters<typeof authorizeUrl>[0], string, number][] = [
    ['a code_challenge without code_challenge_method', { omit: ['code_challenge_method'] }, 'invalid_request', 900144],
    [
      'code_challenge_method=plain (S256 required here)',
      { extra: { code_challenge_method: 'plain' } },
      'invalid_request',
      90000,
    ],
    ['a challenge that is no S256 hash', { challenge: 'too-short' }, 'invalid_request', 501491],
    ['response_type=token', { extra: { response_type: 'token' } }, 'unsupported_response_type', 700051],
    ['no resource scope', { scope: 'openid profile offline_access' }, 'invalid_scope', 70011],
    [
      'a resource the registration does not list',
      { scope: 'https://vault.azure.net/user_impersonation offline_access' },
      'invalid_client',
      650057,
    ],
    [
      'a permission the registration does not list',
      { scope: 'https://api.partner.microsoft.com/Delete.All' },
      'invalid_client',
      650056,
    ],
    ['prompt=none', { extra: { prompt: 'none' } }, 'login_required', 50058],
  ];

  it.each(cases)('%s', async (_name, options, error, code) => {
    const url = authorizeUrl(options);
    const control = await controlAuthorize(url, ALICE.upn);
    expect(control.status).toBe(200);
    expectErrorRedirect(control.body.location, error, code);
    const browser = await call('GET', url);
    expect(browser.status).toBe(302);
    expectErrorRedirect(String(browser.headers.location), error, code);
  });

  it('accepts the Partner Center scope by resource and the scope by app ID, and refuses unknown and wrong-password users', async () => {
    expect(
      (await consent({ scope: `${PARTNER_CENTER} offline_access` })).location.searchParams.get('code'),
    ).toBeTruthy();
    expect(
      (await consent({ scope: '4990cffe-04e8-4e8b-808a-1175604b879f/user_impersonation' })).location.searchParams.get(
        'code',
      ),
    ).toBeTruthy();
    expectEntraError(await controlAuthorize(authorizeUrl(), 'mallory@contoso.example'), 400, 'invalid_grant', 50034);
    expectEntraError(await controlAuthorize(authorizeUrl(), ALICE.upn, 'accept', 'wrong'), 400, 'invalid_grant', 50126);
    const bad = await call('POST', `${standIn.url}/_control/authorize`, {
      json: { authorizeUrl: authorizeUrl(), username: ALICE.upn, decision: 'maybe' },
    });
    expect(bad.status).toBe(400);
    const foreign = await controlAuthorize(
      'https://login.microsoftonline.com/contoso.example/oauth2/v2.0/authorize?client_id=x',
      ALICE.upn,
    );
    expect(foreign.status).toBe(400);
  });

  // https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code: "For
  // the /authorize leg of the request, this parameter can cover multiple resources"; the token request names one
  // (#redeem-a-code-for-an-access-token: "The scopes must all be from a single resource").
  it('asks consent for several resources at once; the code redeems for one resource per token request (700022 for two)', async () => {
    const { verifier, challenge } = pkce();
    const page = await call(
      'GET',
      authorizeUrl({ challenge, scope: `${PARTNER_CENTER} ${PARTNER_API} offline_access openid` }),
    );
    expect(page.status).toBe(200);
    const res = await controlAuthorize(
      authorizeUrl({ challenge, scope: `${PARTNER_CENTER} ${PARTNER_API} offline_access openid` }),
      ALICE.upn,
    );
    const code = new URL(res.body.location).searchParams.get('code')!;
    expectEntraError(
      await redeem(code, verifier, { scope: `${PARTNER_API} ${PARTNER_CENTER}` }),
      400,
      'invalid_scope',
      700022,
    );
    const noScope = await redeem(code, verifier, { scope: undefined });
    expect(noScope.status).toBe(200);
    expect(decodeJwt(noScope.body.access_token).aud).toBe('https://api.partnercenter.microsoft.com');
    const partnerApi = await refresh(noScope.body.refresh_token, { scope: `${PARTNER_API} offline_access` });
    expect(decodeJwt(partnerApi.body.access_token).aud).toBe('https://api.partner.microsoft.com');
  });

  it('cancel through the control route: access_denied with the state, and no code', async () => {
    const res = await controlAuthorize(authorizeUrl({ state: 'xyz' }), ALICE.upn, 'cancel');
    expect(res.status).toBe(200);
    const q = expectErrorRedirect(res.body.location, 'access_denied', 65004, 'xyz');
    expect(q.get('error_subcode')).toBe('cancel');
  });
});

// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#redeem-a-code-for-an-access-token
// (refresh_token only with offline_access, id_token only with openid; one resource per token request)
// https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference (v1.0: upn, unique_name, amr, appid)
// https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference (aud = the client, tid, oid)
describe('code redemption with the real msal-node', () => {
  it('acquireTokenByCode with PKCE: a verified Partner API token for alice, and a refresh token in the cache that serves Partner Center too', async () => {
    expect(process.env.NODE_EXTRA_CA_CERTS).toBeTruthy(); // MSAL trusts the loopback certificate through it
    const msal = new ConfidentialClientApplication({
      auth: {
        clientId: APP.clientId,
        clientSecret: APP.secret,
        authority: `${standIn.url}/${CONTOSO}`,
        knownAuthorities: [new URL(standIn.url).host],
      },
    });
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    // MSAL's own authorize URL passes the stand-in's validations.
    const url = await msal.getAuthCodeUrl({
      scopes: [PARTNER_API],
      redirectUri: callback,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      state: 'msal-state',
      prompt: 'login',
    });
    expect(url.startsWith(`${standIn.url}/${CONTOSO}/oauth2/v2.0/authorize?`)).toBe(true);
    const authorized = await controlAuthorize(url, ALICE.upn);
    expect(authorized.status).toBe(200);
    const location = new URL(authorized.body.location);
    expect(location.searchParams.get('state')).toBe('msal-state');
    expect(location.searchParams.get('client_info')).toEqual(expect.any(String)); // MSAL sent client_info=1
    const code = location.searchParams.get('code')!;

    const result = await msal.acquireTokenByCode({
      code,
      redirectUri: callback,
      scopes: [PARTNER_API],
      codeVerifier: verifier,
    });
    const claims = await verifyAccessToken(result.accessToken, 'https://api.partner.microsoft.com', CONTOSO);
    expect(claims).toMatchObject({
      aud: 'https://api.partner.microsoft.com',
      iss: `https://sts.windows.net/${CONTOSO}/`,
      ver: '1.0',
      tid: CONTOSO,
      oid: ALICE.oid,
      upn: ALICE.upn,
      unique_name: ALICE.upn,
      amr: ['pwd', 'mfa'],
      scp: 'user_impersonation',
      appid: APP.clientId,
      appidacr: '1',
      idtyp: 'user',
    });
    expect(result.account).toMatchObject({
      homeAccountId: `${ALICE.oid}.${CONTOSO}`,
      tenantId: CONTOSO,
      username: ALICE.upn,
    });

    const cache = JSON.parse(msal.getTokenCache().serialize()) as Record<
      string,
      Record<string, { secret?: string; home_account_id?: string }>
    >;
    const refreshTokens = Object.values(cache.RefreshToken ?? {});
    expect(refreshTokens).toHaveLength(1);
    expect(refreshTokens[0].home_account_id).toBe(`${ALICE.oid}.${CONTOSO}`);
    expect(Object.values(cache.Account ?? {})).toHaveLength(1);
    const firstRefreshToken = refreshTokens[0].secret!;

    // The same code again: AADSTS54005, as MSAL reports it.
    const replay = await msal
      .acquireTokenByCode({ code, redirectUri: callback, scopes: [PARTNER_API], codeVerifier: verifier })
      .catch((e: unknown) => e);
    expect(replay).toMatchObject({ name: 'ServerError', errorCode: 'invalid_grant' });
    expect(String((replay as { errorNo: unknown }).errorNo)).toBe('54005');

    // One refresh token, the other resource: MSAL refreshes silently and stores the rotated refresh token.
    const partnerCenter = await msal.acquireTokenSilent({ account: result.account!, scopes: [PARTNER_CENTER] });
    expect(
      await verifyAccessToken(partnerCenter.accessToken, 'https://api.partnercenter.microsoft.com', CONTOSO),
    ).toMatchObject({ upn: ALICE.upn, tid: CONTOSO });
    const rotated = Object.values((JSON.parse(msal.getTokenCache().serialize()) as typeof cache).RefreshToken)[0]
      .secret!;
    expect(rotated).not.toBe(firstRefreshToken);
    // Entra does not revoke the refresh token MSAL replaced: the product must discard old caches itself.
    expect((await refresh(firstRefreshToken)).status).toBe(200);
    expect((await refresh(rotated)).status).toBe(200);
  });

  it('reflects the user: dave (no MFA) gets amr ["pwd"]; carol from Fabrikam signs in and her token says tid Fabrikam', async () => {
    const dave = await consent({ username: DAVE.upn });
    const daveToken = await redeem(dave.code, dave.verifier);
    expect(daveToken.status).toBe(200);
    const daveClaims = await verifyAccessToken(
      daveToken.body.access_token,
      'https://api.partner.microsoft.com',
      CONTOSO,
    );
    expect(daveClaims).toMatchObject({ upn: DAVE.upn, oid: DAVE.oid, amr: ['pwd'], tid: CONTOSO });

    const carol = await consent({ username: 'carol@fabrikam.example' });
    const carolToken = await redeem(carol.code, carol.verifier);
    expect(carolToken.status).toBe(200);
    const carolClaims = await verifyAccessToken(
      carolToken.body.access_token,
      'https://api.partner.microsoft.com',
      FABRIKAM,
    );
    expect(carolClaims).toMatchObject({ tid: FABRIKAM, upn: 'carol@fabrikam.example', appid: APP.clientId });
    expect(decodeJwt(carolToken.body.id_token)).toMatchObject({ tid: FABRIKAM, aud: APP.clientId });
  });

  it('answers refresh_token and id_token only when offline_access and openid were consented', async () => {
    const bare = await consent({ scope: PARTNER_API });
    const res = await redeem(bare.code, bare.verifier);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      scope: PARTNER_API,
      expires_in: 3599,
      ext_expires_in: 3599,
    });
    expect(res.body).not.toHaveProperty('refresh_token');
    expect(res.body).not.toHaveProperty('id_token');
    expect(JSON.parse(Buffer.from(res.body.client_info, 'base64url').toString())).toEqual({
      uid: ALICE.oid,
      utid: CONTOSO,
    });

    const full = await consent();
    const withAll = await redeem(full.code, full.verifier);
    expect(withAll.body.refresh_token).toMatch(/^1\.A[\w-]{100,}$/);
    expect(decodeJwt(withAll.body.id_token)).toMatchObject({
      aud: APP.clientId,
      oid: ALICE.oid,
      preferred_username: ALICE.upn,
      tid: CONTOSO,
    });
  });
});

// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#successful-response ("Authorization
// codes are short lived. Typically, they expire after about 10 minutes"); the same redirect_uri and code_verifier as on
// the authorize leg (#redeem-a-code-for-an-access-token)
// https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes (54005, 70008, 501481, 700009, 50011,
// 500112, 7000215, 7000222, 7000218, 9002313, 700007, 700005)
// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code:
// code_challenge is recommended, not required; code_verifier is "Required if PKCE was used".
describe('a sign-in without PKCE (a confidential client, an address built by hand)', () => {
  it('issues a code, redeemed with the secret and no code_verifier; a verifier sent anyway is ignored', async () => {
    const signIn = async () => {
      const res = await controlAuthorize(
        authorizeUrl({ omit: ['code_challenge', 'code_challenge_method'] }),
        ALICE.upn,
      );
      expect(res.status).toBe(200);
      return new URL(res.body.location).searchParams.get('code') as string;
    };
    const plain = await redeem(await signIn(), '', { code_verifier: undefined });
    expect(plain.status).toBe(200);
    expect(plain.body.refresh_token).toEqual(expect.any(String));
    expect((await redeem(await signIn(), 'a'.repeat(43))).status).toBe(200);
  });

  it('refuses a cross-origin redemption of such a code (AADSTS9002325: PKCE required there)', async () => {
    const res = await controlAuthorize(
      authorizeUrl({
        clientId: OCTO_WEB.clientId,
        redirectUri: OCTO_WEB.redirectUri,
        tenant: OCTO,
        omit: ['code_challenge', 'code_challenge_method'],
      }),
      'olivia@octo.example',
    );
    const code = new URL(res.body.location).searchParams.get('code') as string;
    const refused = await redeem(
      code,
      '',
      {
        client_id: OCTO_WEB.clientId,
        client_secret: undefined,
        redirect_uri: OCTO_WEB.redirectUri,
        code_verifier: undefined,
      },
      OCTO,
      { Origin: new URL(OCTO_WEB.redirectUri).origin },
    );
    expectEntraError(refused, 400, 'invalid_request', 9002325);
  });
});

describe('code redemption errors', () => {
  it('a code is single-use: AADSTS54005 the second time', async () => {
    const { code, verifier } = await consent();
    expect((await redeem(code, verifier)).status).toBe(200);
    expectEntraError(await redeem(code, verifier), 400, 'invalid_grant', 54005);
  });

  it('a code expires after 10 minutes (AADSTS70008), judged by the injected clock', async () => {
    const young = await consent();
    const old = await consent();
    offset = 10 * MINUTE - 5_000;
    expect((await redeem(young.code, young.verifier)).status).toBe(200);
    offset = 10 * MINUTE + 1_000;
    expectEntraError(await redeem(old.code, old.verifier), 400, 'invalid_grant', 70008);
  });

  it('a wrong PKCE verifier gives AADSTS501481 and does not use the code up', async () => {
    const { code, verifier } = await consent();
    expectEntraError(await redeem(code, pkce().verifier), 400, 'invalid_grant', 501481);
    expectEntraError(await redeem(code, verifier, { code_verifier: undefined }), 400, 'invalid_request', 900144);
    expect((await redeem(code, verifier)).status).toBe(200);
  });

  it('checks redirect_uri: missing 700009, not registered 50011, registered but not the authorize one 500112', async () => {
    const { code, verifier } = await consent();
    expectEntraError(await redeem(code, verifier, { redirect_uri: undefined }), 400, 'invalid_grant', 700009);
    expectEntraError(
      await redeem(code, verifier, { redirect_uri: 'https://attacker.example/steal' }),
      401,
      'invalid_client',
      50011,
    );
    const mismatch = await redeem(code, verifier, { redirect_uri: 'https://localhost' });
    expectEntraError(mismatch, 401, 'invalid_client', 500112);
    expect(mismatch.body.error_description).toContain(`provided when requesting Authorization code`);
    expect((await redeem(code, verifier)).status).toBe(200);
  });

  it('checks the client secret like client credentials: its ID → 7000215, expired → 7000222, none → 7000218', async () => {
    const { code, verifier } = await consent();
    expectEntraError(
      await redeem(code, verifier, { client_secret: 'c0c0c0c0-0000-4000-8000-000000000001' }),
      401,
      'invalid_client',
      7000215,
    );
    expectEntraError(
      await redeem(code, verifier, { client_secret: 'contoso-pc-secret-value~expired' }),
      401,
      'invalid_client',
      7000222,
    );
    expectEntraError(await redeem(code, verifier, { client_secret: undefined }), 401, 'invalid_client', 7000218);
    expect((await redeem(code, verifier)).status).toBe(200);
  });

  it('refuses an unknown code (9002313) and a code issued to another client (700007)', async () => {
    const { code, verifier } = await consent();
    expectEntraError(await redeem('1.Anot-a-code', verifier), 400, 'invalid_grant', 9002313);
    expectEntraError(
      await redeem(code, verifier, { client_id: OTHER_CONTOSO_APP.clientId, client_secret: OTHER_CONTOSO_APP.secret }),
      400,
      'invalid_grant',
      700007,
    );
    expect((await redeem(code, verifier)).status).toBe(200);
  });

  it("refuses a code redeemed at another tenant's endpoint (700005): a multi-tenant public client", async () => {
    const { code, verifier } = await consent({
      tenant: OCTO,
      clientId: OCTO_WEB.clientId,
      redirectUri: OCTO_WEB.redirectUri,
      username: 'olivia@octo.example',
    });
    const publicRedeem = (tenant: string) =>
      redeem(
        code,
        verifier,
        { client_id: OCTO_WEB.clientId, client_secret: undefined, redirect_uri: OCTO_WEB.redirectUri },
        tenant,
        // A Single-page application's code is redeemed by the browser, cross-origin (else AADSTS9002327).
        { Origin: new URL(OCTO_WEB.redirectUri).origin },
      );
    expectEntraError(await publicRedeem(CONTOSO), 400, 'invalid_grant', 700005);
    const ok = await publicRedeem(OCTO);
    expect(ok.status).toBe(200);
    expect(decodeJwt(ok.body.access_token)).toMatchObject({ tid: OCTO, appid: OCTO_WEB.clientId, appidacr: '0' });
  });
});

// https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens#token-formats (the resource decides the version)
// https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference (amr, upn: v1.0 only)
describe('access token versions per resource', () => {
  afterEach(() => standIn.setAccessTokenVersion('https://api.partner.microsoft.com', '1.0'));

  it("issues a Microsoft API's tokens in v1.0 by default: amr says whether the user did MFA", async () => {
    const alice = decodeJwt((await refresh(await refreshTokenFor())).body.access_token);
    expect(alice).toMatchObject({ ver: '1.0', iss: `https://sts.windows.net/${CONTOSO}/`, upn: ALICE.upn });
    expect(alice.amr).toEqual(['pwd', 'mfa']);
    const dave = decodeJwt((await refresh(await refreshTokenFor(DAVE.upn))).body.access_token);
    expect(dave.amr).toEqual(['pwd']);
  });

  it('issues v2.0 tokens once the resource accepts them, whatever endpoint was used: no amr, upn or unique_name', async () => {
    standIn.setAccessTokenVersion('https://api.partner.microsoft.com', '2.0');
    const token = decodeJwt((await refresh(await refreshTokenFor())).body.access_token);
    expect(token).toMatchObject({ ver: '2.0', iss: `${standIn.url}/${CONTOSO}/v2.0`, preferred_username: ALICE.upn });
    expect(token.azp).toBe(APP.clientId);
    for (const claim of ['amr', 'upn', 'unique_name', 'appid']) expect(token).not.toHaveProperty(claim);
    expect(() => standIn.setAccessTokenVersion('https://unknown.example', '2.0')).toThrow(/not a Microsoft API/);
  });
});

// https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens#token-lifetime
describe('refresh tokens', () => {
  it('rotate: each use answers a new one, and the used one stays redeemable until its own 90 days end (Entra does not revoke it)', async () => {
    const first = await refreshTokenFor();
    const second = await refresh(first);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).toEqual(expect.any(String));
    expect(second.body.refresh_token).not.toBe(first);
    expect(decodeJwt(second.body.access_token)).toMatchObject({
      aud: 'https://api.partner.microsoft.com',
      upn: ALICE.upn,
      amr: ['pwd', 'mfa'],
    });
    const reused = await refresh(first);
    expect(reused.status).toBe(200);
    expect(reused.body.refresh_token).not.toBe(second.body.refresh_token);
    expect((await refresh(second.body.refresh_token)).status).toBe(200);

    offset = 90 * DAY - MINUTE;
    const late = await refresh(first);
    expect(late.status).toBe(200);
    offset = 90 * DAY + MINUTE;
    expectEntraError(await refresh(first), 400, 'invalid_grant', 700082);
    expect((await refresh(late.body.refresh_token)).status).toBe(200);
  });

  it('expire after 90 days unused (AADSTS700082, suberror bad_token); used in time, the new one lives 90 more days', async () => {
    const first = await refreshTokenFor();
    offset = 90 * DAY - MINUTE;
    const second = await refresh(first);
    expect(second.status).toBe(200);
    offset = 90 * DAY - MINUTE + 90 * DAY - MINUTE;
    const third = await refresh(second.body.refresh_token);
    expect(third.status).toBe(200);
    offset += 90 * DAY;
    const expired = await refresh(third.body.refresh_token);
    expectEntraError(expired, 400, 'invalid_grant', 700082);
    expect(expired.body.suberror).toBe('bad_token');
    expect(expired.body.error_description).toMatch(
      /The token was issued on \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z and was inactive for 90\.00:00:00\./,
    );
  });

  // "Refresh tokens sent to a redirect URI registered as spa expire after 24 hours. Additional refresh tokens acquired
  // using the initial refresh token carry over that expiration time."
  it('of a Single-page application redirect URI live 24 hours from the redemption, and those they are exchanged for keep that end (AADSTS700084)', async () => {
    const first = await wizardRefreshToken();
    offset = 23 * 3600_000;
    const second = await wizardRefresh(first);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).toEqual(expect.any(String));
    offset = 24 * 3600_000 + MINUTE;
    const expired = await wizardRefresh(second.body.refresh_token);
    expectEntraError(expired, 400, 'invalid_grant', 700084);
    expect(expired.body.error_description).toContain('fixed, limited lifetime of 1.00:00:00');
    expectEntraError(await wizardRefresh(first), 400, 'invalid_grant', 700084);
    // The product's (Web redirect URI) are 90-day tokens: a day means nothing to them.
    expect((await refresh(await refreshTokenFor())).status).toBe(200);
  });
});

// https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens#token-revocation: "Admin revokes all refresh
// tokens for a user" revokes every kind of token, confidential clients' too.
// https://learn.microsoft.com/en-us/graph/api/user-revokesigninsessions
describe("refresh tokens revoked: an admin revokes the user's sessions", () => {
  it("POST /_control/revoke: every client's refresh tokens of that user answer AADSTS50173; other users keep theirs; a new consent works again", async () => {
    const daves = await refreshTokenFor(DAVE.upn);
    const davesWizard = await wizardRefreshToken(DAVE.upn);
    const alices = await refreshTokenFor();
    const revoked = await call('POST', `${standIn.url}/_control/revoke`, { json: { username: DAVE.upn } });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ username: DAVE.upn, revokedAt: expect.any(String) });
    expect(revoked.body.revokedRefreshTokens).toBeGreaterThanOrEqual(2);
    const refused = await refresh(daves);
    expectEntraError(refused, 400, 'invalid_grant', 50173);
    expect(refused.body.error_description).toContain('TokensValidFrom');
    expectEntraError(await wizardRefresh(davesWizard), 400, 'invalid_grant', 50173);
    expect((await refresh(alices)).status).toBe(200);
    expect((await refresh(await refreshTokenFor(DAVE.upn))).status).toBe(200);
    expect(
      (await call('POST', `${standIn.url}/_control/revoke`, { json: { username: 'nobody@contoso.example' } })).status,
    ).toBe(404);
  });
});

// https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens#token-revocation: a password changed by the
// user, a self-service reset or an admin's reset in the Azure portal revokes public clients' password-based tokens, not
// confidential clients'; an admin's reset in the Microsoft Entra admin center revokes those too.
describe("refresh tokens and the user's password", () => {
  it.each(['user-change', 'self-service-reset', 'admin-reset-azure-portal'])(
    "%s: the wizard's (a public client's) refresh tokens answer AADSTS50173; the product's (a confidential client's) stay valid",
    async (how) => {
      const product = await refreshTokenFor(DAVE.upn);
      const wizardToken = await wizardRefreshToken(DAVE.upn);
      const changed = await passwordChange(DAVE.upn, how);
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ username: DAVE.upn, how });
      expect(changed.body.revokedRefreshTokens).toBeGreaterThanOrEqual(1);
      expectEntraError(await wizardRefresh(wizardToken), 400, 'invalid_grant', 50173);
      expect((await refresh(product)).status).toBe(200);
    },
  );

  it.each(['admin-reset-entra-admin-center'])(
    "%s: the product's (a confidential client's) refresh tokens answer AADSTS50173 too",
    async (how) => {
      const product = await refreshTokenFor(DAVE.upn);
      const wizardToken = await wizardRefreshToken(DAVE.upn);
      expect((await passwordChange(DAVE.upn, how)).status).toBe(200);
      expectEntraError(await refresh(product), 400, 'invalid_grant', 50173);
      expectEntraError(await wizardRefresh(wizardToken), 400, 'invalid_grant', 50173);
      expect((await refresh(await refreshTokenFor(DAVE.upn))).status).toBe(200);
    },
  );

  it('takes the user changing it as the default, and refuses an unknown way or user', async () => {
    const product = await refreshTokenFor(DAVE.upn);
    const changed = await passwordChange(DAVE.upn);
    expect(changed.body).toMatchObject({ how: 'user-change' });
    expect((await refresh(product)).status).toBe(200);
    expect((await passwordChange(DAVE.upn, 'forgotten')).status).toBe(400);
    expect((await passwordChange('nobody@contoso.example')).status).toBe(404);
    expect(standIn.changePassword(DAVE.upn, 'admin-reset-entra-admin-center')).toMatchObject({ username: DAVE.upn });
    expectEntraError(await refresh(product), 400, 'invalid_grant', 50173);
  });
});

// https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens ("bound to a combination of user and client,
// but aren't tied to a resource": one refresh token serves every resource of the consent, one per request)
// https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes (700022, 65001, 700007, 9002313)
describe('refresh tokens: resources and clients', () => {
  it('serve the other resource of the consent, one resource per request (700022 for two, 65001 outside the consent)', async () => {
    const rt = await refreshTokenFor();
    const partnerCenter = await refresh(rt, { scope: `${PARTNER_CENTER} offline_access openid profile` });
    expect(partnerCenter.status).toBe(200);
    expect(partnerCenter.body.scope).toBe(PARTNER_CENTER);
    expect(
      await verifyAccessToken(partnerCenter.body.access_token, 'https://api.partnercenter.microsoft.com', CONTOSO),
    ).toMatchObject({ upn: ALICE.upn, scp: 'user_impersonation' });

    const next = partnerCenter.body.refresh_token as string;
    expectEntraError(await refresh(next, { scope: `${PARTNER_API} ${PARTNER_CENTER}` }), 400, 'invalid_scope', 700022);
    const vault = await refresh(next, { scope: 'https://vault.azure.net/user_impersonation offline_access' });
    expectEntraError(vault, 400, 'invalid_grant', 65001);
    expect(vault.body.suberror).toBe('consent_required');
    // No scope means the resource the refresh token was last used for (Partner Center).
    const noScope = await refresh(next, { scope: undefined });
    expect(noScope.status).toBe(200);
    expect(decodeJwt(noScope.body.access_token).aud).toBe('https://api.partnercenter.microsoft.com');
  });

  it('are bound to the client (700007) and refuse garbage (9002313)', async () => {
    const rt = await refreshTokenFor();
    expectEntraError(
      await refresh(rt, { client_id: OTHER_CONTOSO_APP.clientId, client_secret: OTHER_CONTOSO_APP.secret }),
      400,
      'invalid_grant',
      700007,
    );
    expectEntraError(await refresh('1.Agarbage'), 400, 'invalid_grant', 9002313);
    expectEntraError(
      await refresh(rt, { client_secret: 'contoso-pc-secret-value~expired' }),
      401,
      'invalid_client',
      7000222,
    );
    expect((await refresh(rt)).status).toBe(200);
  });
});

// https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes#handling-error-codes-in-your-application
// (the error shape: error, error_description, error_codes, timestamp, trace_id, correlation_id, error_uri)
describe('fault injection bodies for the new codes', () => {
  it('knows the code-flow and refresh-token errors, with their suberror', () => {
    expect(aadstsErrorBody(54005).body).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });
    expect(aadstsErrorBody(54005).body.error_description).toMatch(
      /^AADSTS54005: OAuth2 Authorization code was already redeemed/,
    );
    expect(aadstsErrorBody(700082)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', suberror: 'bad_token' },
    });
    expect(aadstsErrorBody(65001, { clientId: APP.clientId }).body).toMatchObject({
      error: 'invalid_grant',
      suberror: 'consent_required',
    });
    expect(aadstsErrorBody(65001, { clientId: APP.clientId }).body.error_description).toContain(APP.clientId);
    expect(aadstsErrorBody(50011, { clientId: APP.clientId }).status).toBe(401);
    expect(aadstsErrorBody(7000215).body).not.toHaveProperty('suberror');
  });
});
