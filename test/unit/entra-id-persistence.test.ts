import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startEntraIdStandIn, type EntraIdStandIn } from '../../local/stand-ins/entra-id/server';
import { ensureLoopbackTls, type LoopbackTls } from '../../local/tls';
import { httpsCall } from '../support/https-call';

/**
 * The Entra ID stand-in over a data folder, stopped and started again on its address (as the stack restarts it):
 * what it issued before is honoured after, as Entra ID itself does not forget its keys, codes or refresh tokens.
 */

const CONTOSO = '22222222-2222-4222-8222-222222222222';
const APP = { clientId: 'bbbbbbbb-0000-4000-8000-000000000001', secret: 'contoso-pc-secret-value~valid' };
const ALICE = 'alice@contoso.example';
const PASSWORD = 'Passw0rd!local';
const SCOPE = 'https://api.partner.microsoft.com/user_impersonation offline_access openid profile';
/** Added at run time (the fixtures do not list it): its registration must survive the restart too. */
const CALLBACK = 'http://127.0.0.1:17071/api/consent/callback';

let tls: LoopbackTls;
let agent: Agent;
let dataDir: string;
let standIn: EntraIdStandIn;

const start = async (port = 0) => {
  standIn = await startEntraIdStandIn({ tls, port, dataDir });
  return standIn;
};
const restart = async () => {
  const { port } = new URL(standIn.url);
  await standIn.stop();
  await start(Number(port));
};
const call = (method: string, url: string, body?: { form?: Record<string, string>; json?: unknown }) =>
  httpsCall(agent, method, url, body);
const tokenUrl = () => `${standIn.url}/${CONTOSO}/oauth2/v2.0/token`;

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const authorizeUrl = (challenge: string) =>
  `${standIn.url}/${CONTOSO}/oauth2/v2.0/authorize?${new URLSearchParams({
    client_id: APP.clientId,
    response_type: 'code',
    redirect_uri: CALLBACK,
    scope: SCOPE,
    state: 'state-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })}`;

const redeem = (code: string, verifier: string) =>
  call('POST', tokenUrl(), {
    form: {
      grant_type: 'authorization_code',
      client_id: APP.clientId,
      client_secret: APP.secret,
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
      scope: SCOPE,
    },
  });
const refresh = (refreshToken: string) =>
  call('POST', tokenUrl(), {
    form: {
      grant_type: 'refresh_token',
      client_id: APP.clientId,
      client_secret: APP.secret,
      refresh_token: refreshToken,
      scope: SCOPE,
    },
  });

/** Alice's consent through the control route: a code and its PKCE verifier. */
async function consent(): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkce();
  const { location } = await standIn.authorize({
    authorizeUrl: authorizeUrl(challenge),
    username: ALICE,
    decision: 'accept',
  });
  return { code: new URL(location).searchParams.get('code') as string, verifier };
}

beforeAll(async () => {
  tls = await ensureLoopbackTls();
  agent = new Agent({ ca: tls.cert });
});
beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'entra-id-state-'));
  await start();
  standIn.addRedirectUri(APP.clientId, CALLBACK);
});
afterEach(async () => {
  await standIn.stop();
  rmSync(dataDir, { recursive: true, force: true });
});
afterAll(() => agent.destroy());

describe('the Entra ID stand-in over a data folder: a restart forgets nothing it issued', () => {
  // https://learn.microsoft.com/en-us/entra/identity-platform/signing-key-rollover
  it('keeps its signing key: a token signed before the restart verifies against the JWKS served after it', async () => {
    const before = (await call('GET', standIn.jwksUri(CONTOSO))).body;
    const token = await standIn.mintToken({ iss: standIn.issuer(CONTOSO), aud: 'api://octo', sub: 'someone' });

    await restart();

    expect((await call('GET', standIn.jwksUri(CONTOSO))).body).toEqual(before);
    const keys = createRemoteJWKSet(new URL(standIn.jwksUri(CONTOSO)), { agent } as never);
    await expect(jwtVerify(token, keys, { issuer: standIn.issuer(CONTOSO) })).resolves.toBeDefined();
  });

  // https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow (codes are single-use)
  it('redeems a code issued before the restart, once; the redirect URI added at run time is still registered', async () => {
    const { code, verifier } = await consent();

    await restart();

    expect(standIn.redirectUris(APP.clientId)).toContain(CALLBACK);
    const redeemed = await redeem(code, verifier);
    expect(redeemed.status).toBe(200);
    expect(redeemed.body.refresh_token).toEqual(expect.any(String));
    await restart();
    const again = await redeem(code, verifier);
    expect(again.status).toBe(400);
    expect(again.body.error_codes).toEqual([54005]);
  });

  // https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens#token-revocation
  it('accepts a refresh token issued before the restart, and keeps a revocation', async () => {
    const { code, verifier } = await consent();
    const first = (await redeem(code, verifier)).body.refresh_token as string;

    await restart();

    const refreshed = await refresh(first);
    expect(refreshed.status).toBe(200);
    standIn.revokeRefreshTokens(ALICE);

    await restart();

    const revoked = await refresh(refreshed.body.refresh_token as string);
    expect(revoked.status).toBe(400);
    expect(revoked.body.error_codes).toEqual([50173]);
  });

  it('keeps a sign-in page open across the restart: the admin signs in and accepts after it', async () => {
    const { verifier, challenge } = pkce();
    const page = await call('GET', authorizeUrl(challenge));
    const interaction = /name="interaction" value="([^"]+)"/.exec(page.text)?.[1] as string;
    const form = `${standIn.url}/${CONTOSO}/oauth2/v2.0/authorize`;

    await restart();

    const signedIn = await call('POST', form, {
      form: { interaction, action: 'signin', account: ALICE, password: PASSWORD },
    });
    expect(signedIn.text).toContain('<title>Permissions requested</title>');
    await restart();
    const accepted = await call('POST', `${form}/consent`, { form: { interaction, action: 'accept' } });
    expect(accepted.status).toBe(302);
    const code = new URL(String(accepted.headers.location)).searchParams.get('code') as string;
    expect((await redeem(code, verifier)).status).toBe(200);
  });

  it('starts with a key of its own without a data folder (tests)', async () => {
    const memoryOnly = await startEntraIdStandIn({ tls });
    try {
      const kids = async (url: string) => (await call('GET', url)).body.keys.map((k: { kid: string }) => k.kid);
      expect(await kids(memoryOnly.jwksUri(CONTOSO))).not.toEqual(await kids(standIn.jwksUri(CONTOSO)));
    } finally {
      await memoryOnly.stop();
    }
  });

  it('refuses to start over a state file it cannot read, naming it, rather than starting empty', async () => {
    const { port } = new URL(standIn.url);
    await standIn.stop();
    const file = path.join(dataDir, 'authorization.json');
    writeFileSync(file, '{"codes": [');
    await expect(startEntraIdStandIn({ tls, port: Number(port), dataDir })).rejects.toThrow(file);
    rmSync(file);
    await start(Number(port));
  });
});
