import type { AuthorizationState } from './authorization-state';
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
  /** codes, refresh tokens and redirect URIs: needed by the authorization_code and refresh_token grants */
  authorization?: AuthorizationState;
  /** the `Origin` header: set when a browser sends the request (cross-origin), absent from servers */
  origin?: string;
}

export type TokenResponseBody = Record<string, string | number>;

/** One `grant_type`: returns the token response body, or throws an `EntraError`. */
export type GrantHandler = (ctx: GrantContext) => Promise<TokenResponseBody>;

/** The path's tenant; flows that cannot work out a tenant themselves refuse `/common` like Entra (50059). */
export function requireTenant(ctx: GrantContext): EntraTenant {
  if (!ctx.tenant) throw aadsts.noTenantIdentifier();
  return ctx.tenant;
}

/** The stand-in's code and refresh-token memory; the user-flow grants cannot work without it. */
export function requireAuthorizationState(ctx: GrantContext): AuthorizationState {
  if (!ctx.authorization)
    throw new Error('GrantContext.authorization is required for the authorization_code and refresh_token grants');
  return ctx.authorization;
}
