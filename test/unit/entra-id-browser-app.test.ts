import { createHash, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:https';
import { ensureLoopbackTls } from '../../local/tls';
import { startEntraIdStandIn, type EntraIdStandIn } from '../../local/stand-ins/entra-id/server';

/**
 * The Entra ID stand-in as a browser app (MSAL for the browser) meets it: the answer in the fragment, CORS on
 * discovery and on the token endpoint for the origins of Single-page application redirect URIs.
 */

const OCTO_WEB = 'aaaaaaaa-0000-4000-8000-000000000003';
const PC_APP = { clientId: 'bbbbbbbb-0000-4000-8000-000000000001', secret: 'contoso-pc-secret-value~valid' };
const CONTOSO = '22222222-2222-4222-8222-222222222222';
const API_SCOPE = 'api://octo-payer-registration/.default openid profile offline_access';

let standIn: EntraIdStandIn;
let agent: Agent;
let wizard: string;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

function call(
  method: string,
  url: string,
  options: { headers?: Record<string, string>; form?: Record<string, string>; json?: unknown } = {},
): Promise<Answer> {
  const payload = options.form
    ? new URLSearchParams(options.form).toString()
    : options.json !== undefined
      ? JSON.stringify(options.json)
      : undefined;
  const type = options.form
    ? { 'Content-Type': 'application/x-www-form-urlencoded' }
    : payload
      ? { 'Content-Type': 'application/json' }
      : {};
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: { ...type, ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const isJson = String(res.headers['content-type'] ?? '').startsWith('application/json');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: isJson && text ? JSON.parse(text) : text });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const authorizeUrl = (params: Record<string, string>, tenant = 'organizations') =>
  `${standIn.url}/${tenant}/oauth2/v2.0/authorize?${new URLSearchParams({ response_type: 'code', code_challenge_method: 'S256', state: 's-1', ...params })}`;

/** Signs alice in through the control route; answers the code and where the browser would land. */
async function signIn(params: Record<string, string>, tenant?: string) {
  const { verifier, challenge } = pkce();
  const answer = await call('POST', `${standIn.url}/_control/authorize`, {
    json: {
      authorizeUrl: authorizeUrl({ ...params, code_challenge: challenge }, tenant),
      username: 'alice@contoso.example',
      decision: 'accept',
    },
  });
  expect(answer.status).toBe(200);
  return { location: new URL(answer.body.location as string), verifier };
}

beforeAll(async () => {
  const tls = await ensureLoopbackTls();
  agent = new Agent({ ca: tls.cert });
  standIn = await startEntraIdStandIn({ tls });
  wizard = `http://127.0.0.1:${40000 + Math.floor(Math.random() * 20000)}/`;
  const added = await call('POST', `${standIn.url}/_control/applications/${OCTO_WEB}/redirect-uris`, {
    json: { uri: wizard, platform: 'spa' },
  });
  expect(added.body.spaRedirectUris).toContain(wizard);
});

afterAll(async () => {
  await standIn?.stop();
  agent?.destroy();
});

// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code
// (response_mode: query, fragment or form_post; form_post is a stand-in limitation, refused with AADSTS90000)
describe('response_mode=fragment', () => {
  it('puts the code and state after #, nothing in the query', async () => {
    const { location } = await signIn({
      client_id: OCTO_WEB,
      redirect_uri: wizard,
      scope: API_SCOPE,
      response_mode: 'fragment',
      client_info: '1',
    });
    expect(location.search).toBe('');
    const answer = new URLSearchParams(location.hash.slice(1));
    expect(answer.get('code')).toEqual(expect.any(String));
    expect(answer.get('state')).toBe('s-1');
    expect(answer.get('client_info')).toEqual(expect.any(String));
  });

  it('sends errors back in the fragment too, and refuses form_post in the query', async () => {
    const declined = await call('POST', `${standIn.url}/_control/authorize`, {
      json: {
        authorizeUrl: authorizeUrl({
          client_id: OCTO_WEB,
          redirect_uri: wizard,
          scope: API_SCOPE,
          response_mode: 'fragment',
          code_challenge: pkce().challenge,
        }),
        username: 'alice@contoso.example',
        decision: 'cancel',
      },
    });
    const hash = new URLSearchParams(new URL(declined.body.location as string).hash.slice(1));
    expect({ error: hash.get('error'), subcode: hash.get('error_subcode'), state: hash.get('state') }).toEqual({
      error: 'access_denied',
      subcode: 'cancel',
      state: 's-1',
    });
    const formPost = await signIn({
      client_id: OCTO_WEB,
      redirect_uri: wizard,
      scope: API_SCOPE,
      response_mode: 'form_post',
    });
    expect(formPost.location.searchParams.get('error')).toBe('invalid_request');
  });
});

// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#redirect-uris-for-single-page-apps-spas
// (a `spa` redirect URI's code is redeemed cross-origin, with CORS; without an Origin header it is refused)
describe('CORS', () => {
  it('lets any origin read discovery documents and keys', async () => {
    const discovery = await call('GET', `${standIn.url}/organizations/v2.0/.well-known/openid-configuration`, {
      headers: { Origin: 'http://elsewhere.example' },
    });
    expect(discovery.headers['access-control-allow-origin']).toBe('*');
    const keys = await call('GET', `${standIn.url}/${CONTOSO}/discovery/v2.0/keys`, {
      headers: { Origin: wizard.slice(0, -1) },
    });
    expect(keys.headers['access-control-allow-origin']).toBe('*');
  });

  it("answers the token endpoint's preflight for a SPA redirect URI's origin only", async () => {
    const origin = new URL(wizard).origin;
    const preflight = (from: string) =>
      call('OPTIONS', `${standIn.url}/organizations/oauth2/v2.0/token`, {
        headers: {
          Origin: from,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      });
    const allowed = await preflight(origin);
    expect(allowed.status).toBe(204);
    expect(allowed.headers).toMatchObject({
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type',
    });
    const refused = await preflight('http://127.0.0.1:1/');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it("redeems a browser app's code cross-origin, with the origin allowed", async () => {
    const { location, verifier } = await signIn({
      client_id: OCTO_WEB,
      redirect_uri: wizard,
      scope: API_SCOPE,
      response_mode: 'fragment',
    });
    const code = new URLSearchParams(location.hash.slice(1)).get('code') as string;
    const origin = new URL(wizard).origin;
    const redeemed = await call('POST', `${standIn.url}/organizations/oauth2/v2.0/token`, {
      headers: { Origin: origin },
      form: {
        grant_type: 'authorization_code',
        client_id: OCTO_WEB,
        code,
        redirect_uri: wizard,
        code_verifier: verifier,
        scope: API_SCOPE,
      },
    });
    expect(redeemed.status).toBe(200);
    expect(redeemed.headers['access-control-allow-origin']).toBe(origin);
    expect(redeemed.body.access_token).toEqual(expect.any(String));
  });

  // https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes (AADSTS9002326, AADSTS9002327)
  // https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#redirect-uris-for-single-page-apps-spas
  it('refuses a cross-origin redemption for a redirect URI outside the SPA platform (AADSTS9002326)', async () => {
    const callback = `http://127.0.0.1:${40000 + Math.floor(Math.random() * 20000)}/api/consent/callback`;
    standIn.addRedirectUri(PC_APP.clientId, callback);
    const { location, verifier } = await signIn(
      {
        client_id: PC_APP.clientId,
        redirect_uri: callback,
        scope: 'https://api.partner.microsoft.com/user_impersonation offline_access',
      },
      CONTOSO,
    );
    const refused = await call('POST', `${standIn.url}/${CONTOSO}/oauth2/v2.0/token`, {
      headers: { Origin: new URL(wizard).origin },
      form: {
        grant_type: 'authorization_code',
        client_id: PC_APP.clientId,
        client_secret: PC_APP.secret,
        code: location.searchParams.get('code') as string,
        redirect_uri: callback,
        code_verifier: verifier,
      },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error_codes).toEqual([9002326]);
  });

  it('refuses a server (no Origin) redeeming the code of a Single-page application redirect URI (AADSTS9002327), and takes it once moved under Web', async () => {
    const callback = `http://127.0.0.1:${40000 + Math.floor(Math.random() * 20000)}/api/consent/callback`;
    standIn.addRedirectUri(PC_APP.clientId, callback, 'spa');
    const redeem = async () => {
      const { location, verifier } = await signIn(
        {
          client_id: PC_APP.clientId,
          redirect_uri: callback,
          scope: 'https://api.partner.microsoft.com/user_impersonation offline_access',
        },
        CONTOSO,
      );
      return call('POST', `${standIn.url}/${CONTOSO}/oauth2/v2.0/token`, {
        form: {
          grant_type: 'authorization_code',
          client_id: PC_APP.clientId,
          client_secret: PC_APP.secret,
          code: location.searchParams.get('code') as string,
          redirect_uri: callback,
          code_verifier: verifier,
        },
      });
    };
    const refused = await redeem();
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_request', error_codes: [9002327] });
    expect(standIn.addRedirectUri(PC_APP.clientId, callback, 'web').filter((u) => u === callback)).toHaveLength(1);
    const redeemed = await redeem();
    expect(redeemed.status).toBe(200);
    expect(redeemed.body.refresh_token).toEqual(expect.any(String));
  });
});
