import { Agent } from 'node:https';
import { ClientSecretCredential } from '@azure/identity';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { ensureLoopbackTls, type LoopbackTls } from '../../local/tls';
import { httpsCall, type HttpResult } from '../support/https-call';
import { startEntraIdStandIn, type EntraIdStandIn } from '../../local/stand-ins/entra-id/server';

const OCTO = '11111111-1111-4111-8111-111111111111';
const CONTOSO = '22222222-2222-4222-8222-222222222222';
const API_CLIENT_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const BACKEND = {
  clientId: 'aaaaaaaa-0000-4000-8000-000000000002',
  secret: 'local-backend-secret-do-not-use-in-production',
};
const WEB_CLIENT_ID = 'aaaaaaaa-0000-4000-8000-000000000003';
const CONTOSO_APP = {
  clientId: 'bbbbbbbb-0000-4000-8000-000000000001',
  validSecret: 'contoso-pc-secret-value~valid',
  validSecretId: 'c0c0c0c0-0000-4000-8000-000000000001',
  expiredSecret: 'contoso-pc-secret-value~expired',
};
const PASSWORD = 'Passw0rd!local';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let tls: LoopbackTls;
let standIn: EntraIdStandIn;
let agent: Agent;

const call = (method: string, url: string, body?: { form?: Record<string, string>; json?: unknown }) =>
  httpsCall(agent, method, url, body);

const tokenUrl = (tenant: string) => `${standIn.url}/${tenant}/oauth2/v2.0/token`;
const clientCredentials = (
  tenant: string,
  clientId: string,
  secret: string,
  scope = 'https://vault.azure.net/.default',
) =>
  call('POST', tokenUrl(tenant), {
    form: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope },
  });
const ropc = (
  tenant: string,
  username: string,
  password: string,
  scope = 'api://octo-payer-registration/.default openid profile offline_access',
) =>
  call('POST', tokenUrl(tenant), {
    form: { grant_type: 'password', client_id: WEB_CLIENT_ID, username, password, scope },
  });

/** Verifies a token the way a resource server would: keys and issuer from a discovery document. */
async function verifyWithDiscovery(token: string, discoveryUrl: string, audience: string): Promise<JWTPayload> {
  const doc = (await call('GET', discoveryUrl)).body as { jwks_uri: string; issuer: string };
  const jwks = createRemoteJWKSet(new URL(doc.jwks_uri), { agent });
  const { payload } = await jwtVerify(token, jwks, { issuer: doc.issuer, audience, algorithms: ['RS256'] });
  return payload;
}

/** Entra's error shape, field by field. */
function expectEntraError(res: HttpResult, status: number, error: string, code: number): void {
  expect(res.status).toBe(status);
  expect(res.body.error).toBe(error);
  expect(res.body.error_codes).toEqual([code]);
  expect(res.body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
  expect(res.body.trace_id).toMatch(GUID);
  expect(res.body.correlation_id).toMatch(GUID);
  expect(res.body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
  expect(res.body.error_description).toContain(`Trace ID: ${res.body.trace_id}`);
  expect(res.body.error_description).toContain(`Correlation ID: ${res.body.correlation_id}`);
  expect(res.body.error_description).toContain(`Timestamp: ${res.body.timestamp}`);
  expect(res.body.error_uri).toBe(`${standIn.url}/error?code=${code}`);
}

beforeAll(async () => {
  tls = await ensureLoopbackTls();
  agent = new Agent({ ca: tls.cert });
  standIn = await startEntraIdStandIn({ tls });
});

afterAll(async () => {
  await standIn?.stop();
  agent?.destroy();
});

// https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc (the OpenID configuration document: issuer,
// endpoints and jwks_uri per tenant; `common` and `organizations` answer with the `{tenantid}` issuer template).
describe('discovery', () => {
  it('resolves a domain to its tenant GUID through the v2 openid-configuration', async () => {
    const res = await call('GET', `${standIn.url}/contoso.example/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(res.body.issuer).toBe(`${standIn.url}/${CONTOSO}/v2.0`);
    expect(res.body.issuer).toBe(standIn.issuer('contoso.example'));
    expect(res.body.token_endpoint).toBe(`${standIn.url}/${CONTOSO}/oauth2/v2.0/token`);
    expect(res.body.authorization_endpoint).toBe(`${standIn.url}/${CONTOSO}/oauth2/v2.0/authorize`);
    expect(res.body.jwks_uri).toBe(standIn.jwksUri(CONTOSO));
    expect(res.body.id_token_signing_alg_values_supported).toEqual(['RS256']);
    const byOnMicrosoft = await call(
      'GET',
      `${standIn.url}/CONTOSO.onmicrosoft.com/v2.0/.well-known/openid-configuration`,
    );
    expect(byOnMicrosoft.body.issuer).toBe(res.body.issuer);
  });

  it('serves the multi-tenant document on /common with the {tenantid} issuer template and working endpoints', async () => {
    const res = await call('GET', `${standIn.url}/common/v2.0/.well-known/openid-configuration`);
    expect(res.body.issuer).toBe(`${standIn.url}/{tenantid}/v2.0`);
    expect(res.body.token_endpoint).toBe(`${standIn.url}/common/oauth2/v2.0/token`);
    expect((await call('GET', res.body.jwks_uri)).body.keys).toHaveLength(1);
  });

  // https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes (AADSTS90002: tenant not found)
  it('answers an unknown tenant with AADSTS90002', async () => {
    const res = await call('GET', `${standIn.url}/nowhere.example/v2.0/.well-known/openid-configuration`);
    expectEntraError(res, 400, 'invalid_request', 90002);
    expect(res.body.error_description).toContain("Tenant 'nowhere.example' not found");
  });

  // https://learn.microsoft.com/en-us/entra/identity-platform/signing-key-rollover (keys at the document's jwks_uri)
  it('publishes one RS256 signing key, the same for every tenant and /common', async () => {
    const tenantKeys = await call('GET', standIn.jwksUri(OCTO));
    const commonKeys = await call('GET', `${standIn.url}/common/discovery/v2.0/keys`);
    expect(tenantKeys.body.keys).toHaveLength(1);
    expect(tenantKeys.body.keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256' });
    expect(tenantKeys.body.keys[0].kid).toEqual(expect.any(String));
    expect(tenantKeys.body.keys[0]).not.toHaveProperty('d');
    expect(commonKeys.body).toEqual(tenantKeys.body);
  });

  it('serves the instance discovery document for its own host only', async () => {
    const host = new URL(standIn.url).host;
    const authorize = encodeURIComponent(`${standIn.url}/${CONTOSO}/oauth2/v2.0/authorize`);
    const res = await call(
      'GET',
      `${standIn.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${authorize}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.tenant_discovery_endpoint).toBe(`${standIn.url}/${CONTOSO}/v2.0/.well-known/openid-configuration`);
    expect(res.body.metadata[0]).toMatchObject({ preferred_network: host, preferred_cache: host });
    expect(res.body.metadata[0].aliases).toContain(host);
    const foreign = encodeURIComponent('https://login.microsoftonline.com/common/oauth2/v2.0/authorize');
    const refused = await call(
      'GET',
      `${standIn.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${foreign}`,
    );
    expectEntraError(refused, 400, 'invalid_instance', 50049);
  });
});

// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow (the request, a scope
// ending in /.default, the answer with expires_in, the error answer)
// https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference (appid/azp, idtyp, tid, ver)
// https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes (7000215, 7000222, 700016, 90002,
// 1002012, 70011, 500011, 70003)
describe('client credentials', () => {
  it('gives @azure/identity ClientSecretCredential a Key Vault token that verifies against the discovery documents', async () => {
    const credential = new ClientSecretCredential(OCTO, BACKEND.clientId, BACKEND.secret, {
      authorityHost: standIn.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: tls.cert },
    });
    const token = await credential.getToken('https://vault.azure.net/.default');
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3000_000);
    // Key Vault gets a v1.0 token, as in Azure: its issuer is the v1.0 document's.
    const claims = await verifyWithDiscovery(
      token.token,
      `${standIn.url}/${OCTO}/.well-known/openid-configuration`,
      'https://vault.azure.net',
    );
    expect(claims).toMatchObject({
      iss: `https://sts.windows.net/${OCTO}/`,
      tid: OCTO,
      appid: BACKEND.clientId,
      idtyp: 'app',
      ver: '1.0',
    });
    expect(claims.oid).toMatch(GUID);
    expect(claims.sub).toBe(claims.oid);
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(claims).not.toHaveProperty('roles');
  });

  it('issues v2.0 tokens for a fixture API, aud = its client ID, with a deterministic service principal oid', async () => {
    const first = await clientCredentials(
      OCTO,
      BACKEND.clientId,
      BACKEND.secret,
      'api://octo-payer-registration/.default',
    );
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    const claims = await verifyWithDiscovery(
      first.body.access_token,
      `${standIn.url}/octo.example/v2.0/.well-known/openid-configuration`,
      API_CLIENT_ID,
    );
    expect(claims).toMatchObject({
      iss: standIn.issuer(OCTO),
      azp: BACKEND.clientId,
      tid: OCTO,
      idtyp: 'app',
      ver: '2.0',
    });
    const second = await clientCredentials(
      OCTO,
      BACKEND.clientId,
      BACKEND.secret,
      'api://octo-payer-registration/.default',
    );
    expect(decodeJwt(second.body.access_token).oid).toBe(claims.oid);
  });

  it("rejects a secret's ID pasted as its value with AADSTS7000215, through the raw wire and through @azure/identity", async () => {
    const res = await clientCredentials(CONTOSO, CONTOSO_APP.clientId, CONTOSO_APP.validSecretId);
    expectEntraError(res, 401, 'invalid_client', 7000215);
    expect(res.headers['x-ms-request-id']).toBe(res.body.trace_id);

    const credential = new ClientSecretCredential(CONTOSO, CONTOSO_APP.clientId, CONTOSO_APP.validSecretId, {
      authorityHost: standIn.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: tls.cert },
    });
    await expect(credential.getToken('https://api.partnercenter.microsoft.com/.default')).rejects.toThrow(
      /AADSTS7000215/,
    );
  });

  it('rejects an expired secret with AADSTS7000222, and accepts the valid one', async () => {
    expectEntraError(
      await clientCredentials(CONTOSO, CONTOSO_APP.clientId, CONTOSO_APP.expiredSecret),
      401,
      'invalid_client',
      7000222,
    );
    const ok = await clientCredentials(
      'contoso.example',
      CONTOSO_APP.clientId,
      CONTOSO_APP.validSecret,
      'https://api.partnercenter.microsoft.com/.default',
    );
    expect(ok.status).toBe(200);
    expect(decodeJwt(ok.body.access_token)).toMatchObject({
      aud: 'https://api.partnercenter.microsoft.com',
      tid: CONTOSO,
    });
  });

  it('judges secret expiry by the injected clock', async () => {
    const past = await startEntraIdStandIn({ tls, clock: () => Date.parse('2024-06-01T12:00:00Z') });
    try {
      const res = await call('POST', `${past.url}/${CONTOSO}/oauth2/v2.0/token`, {
        form: {
          grant_type: 'client_credentials',
          client_id: CONTOSO_APP.clientId,
          client_secret: CONTOSO_APP.expiredSecret,
          scope: 'https://vault.azure.net/.default',
        },
      });
      expect(res.status).toBe(200);
      expect(decodeJwt(res.body.access_token).iat).toBe(Date.parse('2024-06-01T12:00:00Z') / 1000);
    } finally {
      await past.stop();
    }
  });

  it('answers an unknown tenant with AADSTS90002', async () => {
    const res = await clientCredentials('nowhere.example', BACKEND.clientId, BACKEND.secret);
    expectEntraError(res, 400, 'invalid_request', 90002);
  });

  it('refuses a single-tenant app outside its home tenant with AADSTS700016', async () => {
    const res = await clientCredentials(CONTOSO, BACKEND.clientId, BACKEND.secret);
    expectEntraError(res, 400, 'unauthorized_client', 700016);
    expect(res.body.error_description).toContain(BACKEND.clientId);
  });

  it('checks the scope: not .default → 1002012, missing → 70011, unknown resource → 500011', async () => {
    expectEntraError(
      await clientCredentials(OCTO, BACKEND.clientId, BACKEND.secret, 'https://vault.azure.net/user_impersonation'),
      400,
      'invalid_scope',
      1002012,
    );
    expectEntraError(await clientCredentials(OCTO, BACKEND.clientId, BACKEND.secret, ''), 400, 'invalid_scope', 70011);
    expectEntraError(
      await clientCredentials(OCTO, BACKEND.clientId, BACKEND.secret, 'https://unknown.example/.default'),
      400,
      'invalid_resource',
      500011,
    );
  });

  it('refuses other grant types with AADSTS70003', async () => {
    const res = await call('POST', tokenUrl(OCTO), {
      form: { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: WEB_CLIENT_ID },
    });
    expectEntraError(res, 400, 'unsupported_grant_type', 70003);
  });

  it('works for MSAL ConfidentialClientApplication given the instance discovery document as cloudDiscoveryMetadata', async () => {
    // MSAL trusts the certificate through NODE_EXTRA_CA_CERTS (set by `npm test`).
    expect(process.env.NODE_EXTRA_CA_CERTS).toBeTruthy();
    const authority = `${standIn.url}/contoso.example`;
    const discovery = await call(
      'GET',
      `${standIn.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${authority}/oauth2/v2.0/authorize`)}`,
    );
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: CONTOSO_APP.clientId,
        clientSecret: CONTOSO_APP.validSecret,
        authority,
        cloudDiscoveryMetadata: JSON.stringify(discovery.body),
      },
    });
    const result = await app.acquireTokenByClientCredential({ scopes: ['https://api.partner.microsoft.com/.default'] });
    expect(result?.accessToken).toEqual(expect.any(String));
    const claims = await verifyWithDiscovery(
      result!.accessToken,
      `${standIn.url}/${CONTOSO}/.well-known/openid-configuration`,
      'https://api.partner.microsoft.com',
    );
    expect(claims).toMatchObject({ appid: CONTOSO_APP.clientId, tid: CONTOSO });

    const expired = new ConfidentialClientApplication({
      auth: {
        clientId: CONTOSO_APP.clientId,
        clientSecret: CONTOSO_APP.expiredSecret,
        authority,
        cloudDiscoveryMetadata: JSON.stringify(discovery.body),
      },
    });
    const error = await expired
      .acquireTokenByClientCredential({ scopes: ['https://api.partner.microsoft.com/.default'] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ServerError', errorCode: 'invalid_client', status: 401 });
    expect(String((error as { errorNo: unknown }).errorNo)).toBe('7000222');
  });
});

// https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth-ropc (one request, tenant or /organizations; for
// tests and developers only — unlike Entra, users with MFA are not refused, see password-grant.ts)
// https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes (50126, 50034)
describe('password grant (ROPC)', () => {
  it("gives alice a token for the product's API: Contoso tid, her role, aud = the API's client ID", async () => {
    const res = await ropc('contoso.example', 'alice@contoso.example', PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      token_type: 'Bearer',
      scope: 'api://octo-payer-registration/access_as_user',
      expires_in: 3599,
    });
    const claims = await verifyWithDiscovery(
      res.body.access_token,
      `${standIn.url}/${CONTOSO}/v2.0/.well-known/openid-configuration`,
      API_CLIENT_ID,
    );
    expect(claims).toMatchObject({
      iss: `${standIn.url}/${CONTOSO}/v2.0`,
      tid: CONTOSO,
      roles: ['PayerAccount.Manage'],
      scp: 'access_as_user',
      azp: WEB_CLIENT_ID,
      preferred_username: 'alice@contoso.example',
      ver: '2.0',
    });
    // https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference: amr, upn, unique_name are v1.0 only.
    expect(claims).not.toHaveProperty('amr');
    expect(claims).not.toHaveProperty('upn');
    expect(claims.oid).toMatch(GUID);
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(decodeJwt(res.body.id_token)).toMatchObject({ aud: WEB_CLIENT_ID, tid: CONTOSO, oid: claims.oid });
  });

  it("uses the user's home tenant on /organizations and reflects roles per user", async () => {
    const dave = decodeJwt((await ropc('organizations', 'dave@contoso.example', PASSWORD)).body.access_token);
    expect(dave).toMatchObject({ tid: CONTOSO, roles: ['PayerAccount.Manage'] });
    const bob = decodeJwt((await ropc('organizations', 'bob@contoso.example', PASSWORD)).body.access_token);
    expect(bob.tid).toBe(CONTOSO);
    expect(bob).not.toHaveProperty('roles');
    const olivia = decodeJwt((await ropc(OCTO, 'olivia@octo.example', PASSWORD)).body.access_token);
    expect(olivia).toMatchObject({ tid: OCTO, roles: ['PayerAccount.Ops'] });
  });

  it('answers a wrong password with AADSTS50126 and an unknown user with AADSTS50034', async () => {
    expectEntraError(await ropc(CONTOSO, 'alice@contoso.example', 'not-her-password'), 400, 'invalid_grant', 50126);
    expectEntraError(await ropc(CONTOSO, 'mallory@contoso.example', PASSWORD), 400, 'invalid_grant', 50034);
    expectEntraError(await ropc(CONTOSO, 'carol@fabrikam.example', PASSWORD), 400, 'invalid_grant', 50034);
  });

  it('refuses a confidential client without its secret (7000218) and an unknown API scope (70011)', async () => {
    const res = await call('POST', tokenUrl(OCTO), {
      form: {
        grant_type: 'password',
        client_id: BACKEND.clientId,
        username: 'olivia@octo.example',
        password: PASSWORD,
        scope: 'api://octo-payer-registration/.default',
      },
    });
    expectEntraError(res, 401, 'invalid_client', 7000218);
    expectEntraError(
      await ropc(OCTO, 'olivia@octo.example', PASSWORD, 'api://octo-payer-registration/delete_everything'),
      400,
      'invalid_scope',
      70011,
    );
  });
});

describe('control routes (stand-in only)', () => {
  it('is healthy', async () => {
    const res = await call('GET', `${standIn.url}/_control/health`);
    expect(res.status).toBe(200);
  });

  it('mints tokens that verify, and rejects when signed with a foreign key or expired', async () => {
    const claims = { iss: standIn.issuer(CONTOSO), aud: API_CLIENT_ID, tid: CONTOSO, roles: ['PayerAccount.Manage'] };
    const jwks = createRemoteJWKSet(new URL(standIn.jwksUri(CONTOSO)), { agent });
    const verify = (token: string) =>
      jwtVerify(token, jwks, { issuer: standIn.issuer(CONTOSO), audience: API_CLIENT_ID });

    const good = await call('POST', `${standIn.url}/_control/token`, { json: { claims } });
    expect(good.status).toBe(200);
    expect((await verify(good.body.access_token)).payload.roles).toEqual(['PayerAccount.Manage']);

    const foreign = await call('POST', `${standIn.url}/_control/token`, { json: { claims, signWithForeignKey: true } });
    expect(foreign.status).toBe(200);
    await expect(verify(foreign.body.access_token)).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });

    const expired = await standIn.mintToken(claims, { expiresInSeconds: -600 });
    await expect(verify(expired)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });

    const bad = await call('POST', `${standIn.url}/_control/token`, { json: { claims: 'not-an-object' } });
    expect(bad.status).toBe(400);
  });

  it('refuses control requests a web page could send without a preflight (no JSON content type)', async () => {
    const simple = await call('POST', `${standIn.url}/_control/revoke`, {
      form: { username: 'alice@contoso.example' },
    });
    expect(simple.status).toBe(415);
    const json = await call('POST', `${standIn.url}/_control/revoke`, { json: { username: 'alice@contoso.example' } });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ username: 'alice@contoso.example' });
  });
});
