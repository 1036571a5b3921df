import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { EntraAccessTokenVerifier } from '../../src/adapters/entra-access-token-verifier';

/**
 * The verifier against a plain HTTP key-set endpoint on loopback: a token it cannot check because the keys
 * cannot be fetched is "unavailable" (the API answers 503), never "invalid" (401: sign in again).
 */
describe('EntraAccessTokenVerifier when the signing keys cannot be fetched', () => {
  const AUDIENCE = 'api://octo';
  const TENANT = '22222222-2222-4222-8222-222222222222';
  let server: Server;
  let answer: 'keys' | 'unavailable' = 'unavailable';
  let authorityHost: string;
  let token: string;
  let jwks: { keys: unknown[] };

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
    server = createServer((_req, res) => {
      if (answer === 'unavailable') return void res.writeHead(503).end('busy');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    authorityHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    token = await new SignJWT({ tid: TENANT, oid: 'u1' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(`${authorityHost}/${TENANT}/v2.0`)
      .setAudience(AUDIENCE)
      .setExpirationTime('10m')
      .sign(privateKey);
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const verifier = (host = authorityHost) =>
    new EntraAccessTokenVerifier({
      authorityHost: host,
      audiences: [AUDIENCE],
      allowedTenants: [],
      clockToleranceSeconds: 0,
    });

  it('says unavailable when the key set answers 503, and accepts the token once it answers', async () => {
    answer = 'unavailable';
    expect(await verifier().verify(token)).toEqual({
      ok: false,
      reason: 'signing keys unavailable',
      unavailable: true,
    });
    answer = 'keys';
    expect(await verifier().verify(token)).toMatchObject({ ok: true, claims: { tid: TENANT } });
  });

  it('says unavailable when nothing listens at the key set address', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await verifier(`http://127.0.0.1:${port}`).verify(token)).toMatchObject({ ok: false, unavailable: true });
  });

  it('still refuses a token that is wrong, as invalid', async () => {
    answer = 'keys';
    expect(await verifier().verify(`${token.slice(0, -4)}AAAA`)).toMatchObject({ ok: false });
    expect(await verifier().verify(`${token.slice(0, -4)}AAAA`)).not.toHaveProperty('unavailable');
  });
});
