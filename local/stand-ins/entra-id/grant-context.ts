import type { Directory } from './directory';
import { aadsts } from './errors';
import type { EntraTenant } from './fixtures';
import type { SigningKeys } from './signing-keys';

/** Everything a grant needs to answer `POST /{tenant}/oauth2/v2.0/token`. */
export interface GrantContext {
  directory: Directory;
  keys: SigningKeys;
  baseUrl: string;
  /** ms since epoch, from the stand-in's clock */
  now: number;
  /** the tenant named in the path; undefined for `/common` and `/organizations` */
  tenant: EntraTenant | undefined;
  tenantSegment: string;
  /** the form body, with HTTP Basic client credentials (client_secret_basic) merged in */
  params: URLSearchParams;
}

export type TokenResponseBody = Record<string, string | number>;

/** One `grant_type`: returns the token response body, or throws an `EntraError`. */
export type GrantHandler = (ctx: GrantContext) => Promise<TokenResponseBody>;

/** The path's tenant; flows that cannot work out a tenant themselves refuse `/common` like Entra (50059). */
export function requireTenant(ctx: GrantContext): EntraTenant {
  if (!ctx.tenant) throw aadsts.noTenantIdentifier();
  return ctx.tenant;
}
