/**
 * The two ways `@azure/communication-email`'s `EmailClient` authenticates (its pipeline policy comes from
 * `@azure/communication-common` `createCommunicationAuthPolicy`):
 *
 * - **Connection string / `AzureKeyCredential`** — HMAC-SHA256 ("Access Key authentication",
 *   learn.microsoft.com/rest/api/communication/authentication; the SDK's
 *   `createCommunicationAccessKeyCredentialPolicy`): headers `x-ms-date` (RFC 1123, UTC), `host`,
 *   `x-ms-content-sha256` (base64 SHA-256 of the body, empty string for a GET) and
 *   `Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64>` where the
 *   signature is HMAC-SHA256, keyed with the base64-DECODED access key, over
 *   `"{VERB}\n{path}?{query}\n{x-ms-date};{host};{x-ms-content-sha256}"` (path and query as the WHATWG URL
 *   serializes them: `url.pathname` + `?` + `url.searchParams.toString()`).
 * - **`TokenCredential`** — `Authorization: Bearer <Entra token>` for the scope
 *   `https://communication.azure.com//.default` (sic, two slashes: the SDK's constant), so `aud` is
 *   `https://communication.azure.com` (with or without the trailing slash). Verified here against the Entra
 *   stand-in's JWKS, issuer of the token's tenant, expiry.
 *
 * Every refusal is 401 `Denied` ("Denied by the resource provider."), as the real service answers.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Agent } from 'node:https';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { acsErrors } from './errors';

export const COMMUNICATION_RESOURCE = 'https://communication.azure.com';
/** The scope the SDK asks a TokenCredential for (its constant, double slash included). */
export const COMMUNICATION_SCOPE = 'https://communication.azure.com//.default';
/** How far `x-ms-date` may be from the stand-in's clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN_REJECTED =
  /^ERR_(JWT|JWS)_|^ERR_JWKS_NO_MATCHING_KEY$|^ERR_JWKS_MULTIPLE_MATCHING_KEYS$|^ERR_JOSE_ALG_NOT_ALLOWED$|^ERR_JOSE_NOT_SUPPORTED$/;

export type AcsCaller = { scheme: 'hmac' } | { scheme: 'bearer'; tenantId: string; claims: JWTPayload };

export interface AcsAuthOptions {
  /** The resource's access key (base64), as in the connection string's `accesskey=`. */
  accessKey: string;
  /** Bearer tokens are accepted only with this (the Entra stand-in's JWKS and issuers). */
  entra?: { jwksUri: string; issuersFor: (tenantId: string) => string[]; ca: string };
  /** ms since epoch (default Date.now) */
  clock?: () => number;
  /** Why a request was refused (the wire answer never says). */
  onReject?: (reason: string) => void;
}

export interface AcsAuth {
  check(req: IncomingMessage, body: Buffer): Promise<AcsCaller>;
  close(): void;
}

export function createAcsAuth(options: AcsAuthOptions): AcsAuth {
  const clock = options.clock ?? Date.now;
  const key = Buffer.from(options.accessKey, 'base64');
  const agent = options.entra ? new Agent({ ca: options.entra.ca, keepAlive: false }) : undefined;
  const jwks = options.entra ? createRemoteJWKSet(new URL(options.entra.jwksUri), { agent }) : undefined;
  const denied = (reason: string) => {
    options.onReject?.(reason);
    return acsErrors.denied();
  };

  function checkHmac(req: IncomingMessage, body: Buffer, signedHeaders: string, signature: string): AcsCaller {
    const names = signedHeaders.toLowerCase().split(';');
    if (
      !names.includes('host') ||
      !names.includes('x-ms-content-sha256') ||
      !(names.includes('x-ms-date') || names.includes('date'))
    ) {
      throw denied(`SignedHeaders '${signedHeaders}' must name x-ms-date (or date), host and x-ms-content-sha256`);
    }
    const values: string[] = [];
    for (const name of names) {
      const value = req.headers[name];
      if (typeof value !== 'string') throw denied(`signed header ${name} is missing`);
      values.push(value);
    }
    const contentHash = createHash('sha256').update(body).digest('base64');
    if (req.headers['x-ms-content-sha256'] !== contentHash)
      throw denied('x-ms-content-sha256 is not the SHA-256 of the body');
    const date = Date.parse(String(req.headers['x-ms-date'] ?? req.headers.date));
    if (Number.isNaN(date) || Math.abs(clock() - date) > MAX_CLOCK_SKEW_MS)
      throw denied('x-ms-date is missing or too far from now');

    const url = new URL(req.url ?? '/', 'https://stand-in.invalid');
    const query = url.searchParams.toString();
    const stringToSign = `${(req.method ?? 'GET').toUpperCase()}\n${url.pathname}${query ? `?${query}` : ''}\n${values.join(';')}`;
    const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest();
    const given = Buffer.from(signature, 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw denied('HMAC signature mismatch');
    return { scheme: 'hmac' };
  }

  async function checkBearer(token: string): Promise<AcsCaller> {
    if (!jwks || !options.entra) throw denied('bearer tokens are not enabled (no Entra stand-in)');
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, jwks, {
        algorithms: ['RS256'],
        audience: [COMMUNICATION_RESOURCE, `${COMMUNICATION_RESOURCE}/`],
        currentDate: new Date(clock()),
      }));
    } catch (err) {
      const code = String((err as { code?: unknown }).code ?? '');
      if (!TOKEN_REJECTED.test(code)) throw err;
      const claim = (err as { claim?: string }).claim;
      throw denied(`${code}${claim ? ` (${claim})` : ''}`);
    }
    const tenantId = typeof claims.tid === 'string' && GUID.test(claims.tid) ? claims.tid.toLowerCase() : undefined;
    if (!tenantId) throw denied('no tid claim');
    if (typeof claims.iss !== 'string' || !options.entra.issuersFor(tenantId).includes(claims.iss)) {
      throw denied(`issuer ${String(claims.iss)} is not that of tenant ${tenantId}`);
    }
    return { scheme: 'bearer', tenantId, claims };
  }

  return {
    async check(req, body) {
      const authorization = req.headers.authorization ?? '';
      const hmac = /^HMAC-SHA256\s+SignedHeaders=([^&\s]+)&Signature=(\S+)$/i.exec(authorization);
      if (hmac) return checkHmac(req, body, hmac[1], hmac[2]);
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (bearer) return checkBearer(bearer[1]);
      throw denied(authorization ? 'unknown Authorization scheme' : 'no Authorization header');
    },
    close: () => agent?.destroy(),
  };
}
