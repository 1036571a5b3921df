/**
 * The checks the Partner API makes before it serves a price sheet:
 *
 * 1. a bearer token whose RS256 signature verifies against the Entra ID (stand-in) JWKS, for the audience
 *    `https://api.partner.microsoft.com` (or the "Microsoft Partner" app ID `4990cffe-…`, the `aud` Entra writes
 *    when the resource was asked for by app ID), not expired, issued by the tenant it names (`tid`) → else 401;
 * 2. App+User only: an app-only token (`idtyp: "app"`, or no `scp`) → 400 (see errors.ts);
 * 3. the delegated permission `user_impersonation` in `scp` → else 403;
 * 4. the tenant is a CSP partner (the Partner Center stand-in's fixtures) → else 403;
 * 5. the signed-in user (found in the Entra fixtures by `oid`, else by `upn` / `unique_name` /
 *    `preferred_username`, within the token's tenant) has the Admin agent or Sales agent role
 *    (`partnerCenterRoles` holds `AdminAgent` or `SalesAgent`) → else 403.
 */
import { Agent } from 'node:https';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { EntraUser } from '../entra-id/fixtures';
import type { PartnerDirectory, PartnerOrganization } from '../partner-center/fixtures';
import { partnerApiErrors } from './errors';

export const PARTNER_API_RESOURCE = 'https://api.partner.microsoft.com';
/** The "Microsoft Partner" first-party application behind https://api.partner.microsoft.com. */
export const PARTNER_API_APP_ID = '4990cffe-04e8-4e8b-808a-1175604b879f';
/** The Partner Center roles that may read price sheets. */
export const PRICE_SHEET_ROLES = ['AdminAgent', 'SalesAgent'] as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** jose error codes that mean "this token is bad"; anything else (JWKS unreachable…) is a stand-in failure. */
const TOKEN_REJECTED =
  /^ERR_(JWT|JWS)_|^ERR_JWKS_NO_MATCHING_KEY$|^ERR_JWKS_MULTIPLE_MATCHING_KEYS$|^ERR_JOSE_ALG_NOT_ALLOWED$|^ERR_JOSE_NOT_SUPPORTED$/;

/** Who is calling, once every check passed. */
export interface PartnerApiCaller {
  tenantId: string;
  partner: PartnerOrganization;
  user: EntraUser;
  claims: JWTPayload;
}

export interface PartnerApiTokenCheckOptions {
  /** e.g. entra.jwksUri('common') (every tenant's JWKS holds the same key). */
  jwksUri: string;
  /** The issuers a tenant's tokens may carry, e.g. [entra.v1Issuer(tid), entra.issuer(tid)]. */
  issuersFor: (tenantId: string) => string[];
  /** Which tenants are CSP partners. */
  directory: PartnerDirectory;
  /** The Entra fixtures' users (their Partner Center roles). */
  users: () => readonly EntraUser[];
  /** PEM CA for the JWKS fetch over loopback HTTPS. */
  ca: string;
  /** ms since epoch, for expiry (default Date.now) */
  clock?: () => number;
  /** Why a token was refused (the wire answer never says): for the stand-in's log. */
  onReject?: (reason: string) => void;
}

export interface PartnerApiTokenCheck {
  check(authorization: string | undefined): Promise<PartnerApiCaller>;
  close(): void;
}

export function createPartnerApiTokenCheck(options: PartnerApiTokenCheckOptions): PartnerApiTokenCheck {
  const agent = new Agent({ ca: options.ca, keepAlive: false });
  const jwks = createRemoteJWKSet(new URL(options.jwksUri), { agent });
  const clock = options.clock ?? Date.now;
  const unauthorized = (reason: string) => {
    options.onReject?.(reason);
    return partnerApiErrors.unauthorized();
  };

  async function verify(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, jwks, {
        algorithms: ['RS256'],
        audience: [PARTNER_API_RESOURCE, `${PARTNER_API_RESOURCE}/`, PARTNER_API_APP_ID],
        currentDate: new Date(clock()),
      });
      return payload;
    } catch (err) {
      const code = String((err as { code?: unknown }).code ?? '');
      if (!TOKEN_REJECTED.test(code)) throw err;
      const claim = (err as { claim?: string }).claim;
      throw unauthorized(`${code}${claim ? ` (${claim})` : ''}`);
    }
  }

  function findUser(claims: JWTPayload, tenantId: string): EntraUser | undefined {
    const inTenant = options.users().filter((u) => u.tenantId.toLowerCase() === tenantId);
    if (typeof claims.oid === 'string') {
      const oid = claims.oid.toLowerCase();
      return inTenant.find((u) => u.objectId.toLowerCase() === oid);
    }
    const name = [claims.upn, claims.unique_name, claims.preferred_username].find(
      (v): v is string => typeof v === 'string',
    );
    if (name === undefined) return undefined;
    return inTenant.find((u) => u.userPrincipalName.toLowerCase() === name.toLowerCase());
  }

  return {
    async check(authorization) {
      const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
      if (!token) throw unauthorized('no bearer token');
      const claims = await verify(token);

      const tenantId = typeof claims.tid === 'string' && GUID.test(claims.tid) ? claims.tid.toLowerCase() : undefined;
      if (!tenantId) throw unauthorized('no tid claim');
      if (typeof claims.iss !== 'string' || !options.issuersFor(tenantId).includes(claims.iss)) {
        throw unauthorized(`issuer ${String(claims.iss)} is not that of tenant ${tenantId}`);
      }

      const scopes = typeof claims.scp === 'string' ? claims.scp.split(/\s+/).filter(Boolean) : [];
      if (claims.idtyp === 'app' || scopes.length === 0) throw partnerApiErrors.appOnlyNotSupported();
      if (!scopes.includes('user_impersonation')) throw partnerApiErrors.scopeMissing();

      const partner = options.directory.partnerByTenant(tenantId);
      if (!partner) throw partnerApiErrors.notAPartner(tenantId);

      const user = findUser(claims, tenantId);
      const roles = user?.partnerCenterRoles ?? [];
      if (!user || !PRICE_SHEET_ROLES.some((r) => roles.includes(r))) {
        const who = user?.userPrincipalName ?? String(claims.upn ?? claims.oid ?? 'unknown');
        throw partnerApiErrors.roleNotAllowed(who);
      }
      return { tenantId, partner, user, claims };
    },
    close: () => agent.destroy(),
  };
}
