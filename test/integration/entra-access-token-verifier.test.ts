import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { HttpRequest } from '@azure/functions';
import { startEntraIdStandIn, type EntraIdStandIn } from '../../local/stand-ins/entra-id/server';
import { ensureLoopbackTls } from '../../local/tls';
import { EntraAccessTokenVerifier } from '../../src/adapters/entra-access-token-verifier';
import type { AppServices } from '../../src/composition';
import { authenticate } from '../../src/http/authenticate';
import {
  closedPortUrl,
  issuerKey,
  signWith,
  startTestIssuer,
  Status,
  type IssuerKey,
  type TestIssuer,
} from '../support/oidc-issuer';

const API = 'aaaaaaaa-0000-4000-8000-000000000001';
const API_URI = 'api://octo-payer-registration';
const WEB = 'aaaaaaaa-0000-4000-8000-000000000003';
const CONTOSO = '22222222-2222-4222-8222-222222222222';
const FABRIKAM = '33333333-3333-4333-8333-333333333333';

const verifier = (authority: string, allowedTenants: string[] = []) =>
  new EntraAccessTokenVerifier({ authority, audiences: [API, API_URI], allowedTenants, clockToleranceSeconds: 0 });
const refused = (reason: string) => ({ ok: false, reason });
const unavailable = (reason: RegExp) => ({ ok: false, reason: expect.stringMatching(reason), unavailable: true });

/** Moves `Date.now()` (the discovery cache's and jose's key set cooldowns read it); tokens' times stay real. */
function movableNow() {
  let offset = 0;
  const real = Date.now.bind(Date);
  jest.spyOn(Date, 'now').mockImplementation(() => real() + offset);
  return (ms: number) => void (offset += ms);
}
afterEach(() => jest.restoreAllMocks());

// https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc (the discovery document and its
// multi-tenant issuer template) and https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens#validate-tokens
describe('EntraAccessTokenVerifier against the Entra ID stand-in, through OpenID discovery', () => {
  let entra: EntraIdStandIn;
  const organizations = () => `${entra.url}/organizations/v2.0`;
  const mint = (
    claims: Record<string, unknown>,
    options?: { expiresInSeconds?: number; signWithForeignKey?: boolean },
  ) => entra.mintToken({ iss: entra.issuer(CONTOSO), aud: API, tid: CONTOSO, oid: 'u1', ...claims }, options);
  const requestsTo = (pathname: string) => entra.faults.requests().filter((r) => r.path === pathname).length;

  beforeAll(async () => {
    entra = await startEntraIdStandIn({ tls: await ensureLoopbackTls() });
  });
  afterAll(() => entra.stop());
  beforeEach(() => {
    entra.faults.clear();
    entra.faults.clearRequests();
  });

  it('accepts a token from the token endpoint: issuer template filled with its tid, keys at the jwks_uri, read once', async () => {
    const alice = entra.fixtures.users.find((u) => u.userPrincipalName === 'alice@contoso.example')!;
    const res = await fetch(`${entra.url}/organizations/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: WEB,
        username: alice.userPrincipalName,
        password: alice.password,
        scope: `${API_URI}/.default`,
      }),
    });
    const { access_token: token } = (await res.json()) as { access_token: string };
    const v = verifier(organizations());
    expect(await v.verify(token)).toMatchObject({ ok: true, claims: { tid: CONTOSO, iss: entra.issuer(CONTOSO) } });
    expect(await v.verify(await mint({ tid: FABRIKAM, iss: entra.issuer(FABRIKAM) }))).toMatchObject({ ok: true });
    expect(requestsTo('/organizations/v2.0/.well-known/openid-configuration')).toBe(1);
    expect(requestsTo('/organizations/discovery/v2.0/keys')).toBe(1);
  });

  it('refuses, as invalid, a wrong audience, an expired token, a foreign signature, and an iss not of its own tid', async () => {
    const v = verifier(organizations());
    expect(await v.verify(await mint({ aud: 'api://someone-else' }))).toEqual(
      refused('ERR_JWT_CLAIM_VALIDATION_FAILED'),
    );
    expect(await v.verify(await mint({}, { expiresInSeconds: -60 }))).toEqual(refused('ERR_JWT_EXPIRED'));
    expect(await v.verify(await mint({}, { signWithForeignKey: true }))).toEqual(
      refused('ERR_JWS_SIGNATURE_VERIFICATION_FAILED'),
    );
    expect(await v.verify(await mint({ tid: FABRIKAM }))).toEqual(refused('unexpected issuer'));
    expect(await v.verify(await mint({ tid: undefined }))).toEqual(refused('unexpected issuer'));
    expect(await v.verify(await mint({ iss: `${entra.url}/${CONTOSO}/v2.0/` }))).toEqual(refused('unexpected issuer'));
  });

  it("refuses another tenant: outside API_ALLOWED_TENANTS, or under a tenant's own authority (its issuer is exact)", async () => {
    const fabrikam = await mint({ tid: FABRIKAM, iss: entra.issuer(FABRIKAM) });
    expect(await verifier(organizations(), [CONTOSO]).verify(fabrikam)).toEqual(refused('tenant not allowed'));
    const contosoOnly = verifier(`${entra.url}/${CONTOSO}/v2.0`);
    expect(await contosoOnly.verify(await mint({}))).toMatchObject({ ok: true });
    expect(await contosoOnly.verify(fabrikam)).toEqual(refused('unexpected issuer'));
  });

  it('says unavailable, not invalid, when the discovery document or the key set answers an error', async () => {
    const token = await mint({});
    entra.faults.inject({
      match: '^GET /organizations/v2\\.0/\\.well-known/openid-configuration$',
      status: 500,
      count: 1,
    });
    expect(await verifier(organizations()).verify(token)).toEqual(
      unavailable(/openid-configuration answered HTTP 500$/),
    );
    entra.faults.inject({ match: '^GET /organizations/discovery/v2\\.0/keys$', status: 503, count: 1 });
    const v = verifier(organizations());
    expect(await v.verify(token)).toEqual(unavailable(/^signing keys at .*\/organizations\/discovery\/v2\.0\/keys /));
    expect(await v.verify(token)).toMatchObject({ ok: true });
  });
});

// Any OpenID Connect issuer: Microsoft's key rollover advice (https://learn.microsoft.com/en-us/entra/identity-platform/signing-key-rollover)
// is what every issuer's keys need: re-read the jwks_uri on an unknown kid.
describe('EntraAccessTokenVerifier against another OpenID Connect issuer (its own layout, an exact issuer)', () => {
  let issuer: TestIssuer;
  let k1: IssuerKey;
  let k2: IssuerKey;
  const claims = (more: Record<string, unknown> = {}) => ({ iss: issuer.issuer, aud: API_URI, sub: 'u1', ...more });

  beforeAll(async () => {
    [issuer, k1, k2] = await Promise.all([startTestIssuer(), issuerKey('k1', 'RS256'), issuerKey('k2', 'ES256')]);
  });
  afterAll(() => issuer.stop());
  const fresh = () => {
    issuer.keys = [k1.jwk];
    issuer.hits = { discovery: 0, keys: 0 };
    issuer.discovery = () => ({ issuer: issuer.issuer, jwks_uri: issuer.jwksUri });
    return verifier(issuer.authority);
  };

  it('accepts its tokens, without a tid, and refuses another iss', async () => {
    const v = fresh();
    expect(await v.verify(await signWith(k1, claims()))).toMatchObject({ ok: true, claims: { sub: 'u1' } });
    expect(await v.verify(await signWith(k1, claims({ iss: `${issuer.issuer}/` })))).toEqual(
      refused('unexpected issuer'),
    );
    expect(await v.verify(await signWith(k1, claims({ iss: issuer.authority.replace('octo', 'other') })))).toEqual(
      refused('unexpected issuer'),
    );
    expect(await verifier(issuer.authority, [CONTOSO]).verify(await signWith(k1, claims()))).toEqual(
      refused('tenant not allowed'),
    );
  });

  it('re-reads the key set for a new kid once its cooldown has passed, and unknown kids do not hammer it', async () => {
    const v = fresh();
    const advance = movableNow();
    expect(await v.verify(await signWith(k1, claims()))).toMatchObject({ ok: true });
    issuer.keys = [k1.jwk, k2.jwk]; // the issuer rolls over to k2
    const rolled = await signWith(k2, claims());
    expect(await v.verify(rolled)).toEqual(refused('ERR_JWKS_NO_MATCHING_KEY')); // just read: cooling down
    expect(issuer.hits.keys).toBe(1);
    advance(61_000);
    expect(await v.verify(rolled)).toMatchObject({ ok: true });
    expect(issuer.hits.keys).toBe(2);
    for (let i = 0; i < 20; i++) {
      expect(await v.verify(await signWith(k1, claims(), `forged-${i}`))).toEqual(refused('ERR_JWKS_NO_MATCHING_KEY'));
    }
    expect(issuer.hits.keys).toBe(2);
    advance(61_000);
    expect(await v.verify(await signWith(k1, claims(), 'forged-again'))).toEqual(refused('ERR_JWKS_NO_MATCHING_KEY'));
    expect(await v.verify(await signWith(k1, claims(), 'forged-once-more'))).toEqual(
      refused('ERR_JWKS_NO_MATCHING_KEY'),
    );
    expect(issuer.hits).toEqual({ discovery: 1, keys: 3 });
  });

  it('says unavailable while the discovery document fails, asks again only after a cooldown, then keeps the one read', async () => {
    const v = fresh();
    const advance = movableNow();
    const token = await signWith(k1, claims());
    issuer.discovery = () => new Status(500);
    expect(await v.verify(token)).toEqual(unavailable(/answered HTTP 500$/));
    expect(await v.verify(token)).toEqual(unavailable(/answered HTTP 500$/));
    expect(issuer.hits.discovery).toBe(1);
    issuer.discovery = () => ({ issuer: issuer.issuer, jwks_uri: issuer.jwksUri });
    advance(11_000);
    expect(await v.verify(token)).toMatchObject({ ok: true });
    expect(issuer.hits.discovery).toBe(2);
    // Half a day later the document is read again; when that fails, the one held still serves.
    issuer.discovery = () => new Status(503);
    advance(13 * 3600_000);
    expect(await v.verify(await signWith(k1, claims()))).toMatchObject({ ok: true });
    expect(issuer.hits.discovery).toBe(3);
  });

  it.each([
    ['without jwks_uri', () => ({ issuer: issuer.issuer }), /malformed: its jwks_uri is not an http\(s\) URL$/],
    ['with a jwks_uri that is no URL', () => ({ issuer: issuer.issuer, jwks_uri: 'keys.json' }), /jwks_uri/],
    ['without issuer', () => ({ jwks_uri: issuer.jwksUri }), /malformed: it names no issuer$/],
    ['that is not JSON', () => '<html>maintenance</html>', /did not answer JSON$/],
    ['that is JSON null', () => 'null', /names no issuer$/],
  ])('says unavailable for a discovery document %s', async (_name, document, reason) => {
    const v = fresh();
    issuer.discovery = document;
    expect(await v.verify(await signWith(k1, claims()))).toEqual(unavailable(reason));
  });

  it('says unavailable for a key set that is not one', async () => {
    const v = fresh();
    issuer.keys = 'none' as unknown as [];
    expect(await v.verify(await signWith(k1, claims()))).toEqual(unavailable(/JSON Web Key Set malformed/));
  });

  it('says unavailable when nothing listens at the authority, or at its jwks_uri', async () => {
    const token = await signWith(k1, claims());
    expect(await verifier(`${await closedPortUrl()}/realms/octo`).verify(token)).toEqual(unavailable(/ECONNREFUSED/));
    const v = fresh();
    const closed = `${await closedPortUrl()}/keys/jwks.json`;
    issuer.discovery = () => ({ issuer: issuer.issuer, jwks_uri: closed });
    expect(await v.verify(token)).toEqual(unavailable(/ECONNREFUSED/));
  });

  it('says unavailable when the authority or its jwks_uri presents a certificate nobody trusts', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'untrusted-tls-'));
    const untrusted = await startTestIssuer(await ensureLoopbackTls(dir));
    try {
      untrusted.keys = [k1.jwk];
      const token = await signWith(k1, claims({ iss: untrusted.issuer }));
      const certificate = /CERT|certificate/;
      expect(await verifier(untrusted.authority).verify(token)).toEqual(unavailable(certificate));
      const v = fresh();
      issuer.discovery = () => ({ issuer: untrusted.issuer, jwks_uri: untrusted.jwksUri });
      expect(await v.verify(token)).toEqual(unavailable(certificate));
      expect(untrusted.hits).toEqual({ discovery: 0, keys: 0 });
    } finally {
      await untrusted.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the API when a token cannot be checked', () => {
  it('answers 503 problem+json and logs why, without the token', async () => {
    const token = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl';
    const authority = `${await closedPortUrl()}/organizations/v2.0`;
    const warnings: string[] = [];
    const services = { tokenVerifier: verifier(authority), config: {} } as unknown as Pick<
      AppServices,
      'config' | 'tokenVerifier'
    >;
    const request = new HttpRequest({
      url: 'http://localhost/api/me',
      method: 'GET',
      headers: { authorization: `Bearer ${token}` },
    });
    const result = await authenticate(request, services, 'member', {
      warn: (message: string) => warnings.push(message),
    });
    expect(result.ok).toBe(false);
    const response = (result as { response: { status: number; headers: Record<string, string>; body: string } })
      .response;
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(response.body)).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(warnings).toEqual([
      expect.stringMatching(/^Bearer token not checked: .*openid-configuration could not be read: .*ECONNREFUSED/),
    ]);
    expect(warnings.join()).not.toContain(token.split('.')[1]);
  });
});
