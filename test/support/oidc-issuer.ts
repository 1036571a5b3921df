import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';

export interface IssuerKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  jwk: JWK;
  privateKey: KeyLike;
}

export async function issuerKey(kid: string, alg: IssuerKey['alg']): Promise<IssuerKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export function signWith(key: IssuerKey, claims: JWTPayload, kid = key.kid): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid, typ: 'JWT' })
    .setExpirationTime('10m')
    .sign(key.privateKey);
}

/**
 * An OpenID Connect issuer that is not Entra ID, on loopback: its discovery document under `/realms/octo`, its key
 * set at `/keys/jwks.json`, a fixed (non-templated) issuer. Counts the requests to each, and answers what the test
 * sets: `discovery` returns the document's body (a string as is, anything else as JSON) or a status to answer.
 */
export interface TestIssuer {
  /** `/.well-known/openid-configuration` is read under it. */
  authority: string;
  issuer: string;
  jwksUri: string;
  discovery: () => unknown;
  keys: JWK[];
  hits: { discovery: number; keys: number };
  stop(): Promise<void>;
}

export class Status {
  constructor(readonly status: number) {}
}

export async function startTestIssuer(tls?: { cert: string; key: string }): Promise<TestIssuer> {
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/realms/octo/.well-known/openid-configuration') {
      issuer.hits.discovery++;
      return send(res, issuer.discovery());
    }
    if (req.url === '/keys/jwks.json') {
      issuer.hits.keys++;
      return send(res, { keys: issuer.keys });
    }
    send(res, new Status(404));
  };
  const server = tls ? createHttpsServer(tls, handle) : createHttpServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer: TestIssuer = {
    authority: `${base}/realms/octo`,
    issuer: `${base}/realms/octo`,
    jwksUri: `${base}/keys/jwks.json`,
    discovery: () => ({
      issuer: issuer.issuer,
      jwks_uri: issuer.jwksUri,
      id_token_signing_alg_values_supported: ['RS256'],
    }),
    keys: [],
    hits: { discovery: 0, keys: 0 },
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return issuer;
}

function send(res: ServerResponse, body: unknown) {
  if (body instanceof Status) return void res.writeHead(body.status, { 'content-type': 'text/plain' }).end('no');
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json' }).end(text);
}

/** A loopback address where nothing listens. */
export async function closedPortUrl(): Promise<string> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
