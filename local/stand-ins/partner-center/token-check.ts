/**
 * The bearer-token check Partner Center makes on every request: an Entra ID (stand-in) access token whose
 * RS256 signature verifies against the Entra stand-in's JWKS, for the audience
 * `https://api.partnercenter.microsoft.com`, not expired, issued by the tenant it names (`tid`). Then the
 * caller: the tenant must be a CSP partner, and an app-only token's app must be enabled for Partner Center
 * API access in that partner's App management. (An App+User token works with any app the admin consented
 * to — the secure application model — so the App management check is for app-only tokens.) An App+User token
 * must come from a sign-in with MFA, told by the `amr` of the v1.0 token Partner Center receives (errors.ts: 900421).
 */
import { Agent } from 'node:https';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { pcErrors } from './errors';
import type { PartnerDirectory, PartnerOrganization } from './fixtures';

export const PARTNER_CENTER_RESOURCE = 'https://api.partnercenter.microsoft.com';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** jose error codes that mean "this token is bad"; anything else (JWKS unreachable…) is a stand-in failure. */
const TOKEN_REJECTED =
  /^ERR_(JWT|JWS)_|^ERR_JWKS_NO_MATCHING_KEY$|^ERR_JWKS_MULTIPLE_MATCHING_KEYS$|^ERR_JOSE_ALG_NOT_ALLOWED$|^ERR_JOSE_NOT_SUPPORTED$/;

/** Who is calling, once the token is accepted. */
export interface PartnerCenterCaller {
  tenantId: string;
  partner: PartnerOrganization;
  /** `appid` (v1.0 tokens) or `azp` (v2.0) */
  appId: string;
  /** true for an app-only token: `idtyp: "app"`, or no `scp` */
  appOnly: boolean;
  /** the user's object ID in an App+User token */
  userObjectId?: string;
  claims: JWTPayload;
}

export interface TokenCheckOptions {
  /** The JWKS to verify signatures with, e.g. entra.jwksUri('common') (every tenant's holds the same key). */
  jwksUri: string;
  /** The issuers a tenant's tokens may carry, e.g. [entra.v1Issuer(tid), entra.issuer(tid)]. */
  issuersFor: (tenantId: string) => string[];
  directory: PartnerDirectory;
  /** PEM CA for the JWKS fetch over loopback HTTPS. */
  ca: string;
  /** ms since epoch, for expiry (default Date.now) */
  clock?: () => number;
}

export interface TokenCheck {
  check(authorization: string | undefined): Promise<PartnerCenterCaller>;
  close(): void;
}

export function createTokenCheck(options: TokenCheckOptions): TokenCheck {
  const agent = new Agent({ ca: options.ca, keepAlive: false });
  const jwks = createRemoteJWKSet(new URL(options.jwksUri), { agent });
  const clock = options.clock ?? Date.now;

  async function verify(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, jwks, {
        algorithms: ['RS256'],
        audience: PARTNER_CENTER_RESOURCE,
        currentDate: new Date(clock()),
      });
      return payload;
    } catch (err) {
      const code = String((err as { code?: unknown }).code ?? '');
      if (!TOKEN_REJECTED.test(code)) throw err;
      throw pcErrors.invalidToken(reasonFor(code, err));
    }
  }

  return {
    async check(authorization) {
      const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
      if (!token) throw pcErrors.tokenMissing();
      const claims = await verify(token);

      const tenantId = typeof claims.tid === 'string' && GUID.test(claims.tid) ? claims.tid.toLowerCase() : undefined;
      if (!tenantId) throw pcErrors.invalidToken('The token has no tenant (tid) claim.');
      if (typeof claims.iss !== 'string' || !options.issuersFor(tenantId).includes(claims.iss)) {
        throw pcErrors.invalidToken(
          `The issuer '${String(claims.iss)}' in the token is not that of tenant ${tenantId}.`,
        );
      }
      const appId =
        typeof claims.appid === 'string' ? claims.appid : typeof claims.azp === 'string' ? claims.azp : undefined;
      if (!appId) throw pcErrors.invalidToken('The token names no application (appid/azp).');
      const appOnly = claims.idtyp === 'app' || typeof claims.scp !== 'string' || claims.scp.trim() === '';

      const partner = options.directory.partnerByTenant(tenantId);
      if (!partner) throw pcErrors.notAPartner(tenantId);
      if (appOnly && !options.directory.appEnabled(partner, appId)) throw pcErrors.appNotEnabled(appId);
      if (!appOnly && !(Array.isArray(claims.amr) && claims.amr.includes('mfa'))) throw pcErrors.mfaRequired();

      const userObjectId = !appOnly && typeof claims.oid === 'string' ? claims.oid : undefined;
      return { tenantId, partner, appId, appOnly, userObjectId, claims };
    },
    close: () => agent.destroy(),
  };
}

function reasonFor(code: string, err: unknown): string {
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'The token is expired.';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'The token signature is not valid.';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const { claim, payload } = err as { claim?: string; payload?: JWTPayload };
      if (claim === 'aud')
        return `The audience '${String(payload?.aud)}' in the token is invalid for Partner Center API.`;
      if (claim === 'nbf') return 'The token is not yet valid.';
      return `The token's '${claim}' claim is not valid.`;
    }
    default:
      return 'The token could not be validated.';
  }
}
