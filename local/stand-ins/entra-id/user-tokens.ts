import { clientInfo, delegatedClaims, EXPIRES_IN_SECONDS, idTokenClaims } from './access-token';
import type { AuthorizationState, ConsentGrant } from './authorization-state';
import type { AuthenticatedClient } from './client-auth';
import { resolveDelegatedScopes, type DelegatedGrant } from './delegated-scopes';
import { aadsts } from './errors';
import type { EntraTenant, EntraUser } from './fixtures';
import type { GrantContext, TokenResponseBody } from './grant-context';
import { parseScopes, resourceKey } from './resources';

/** Tokens for a user through a consent: the authorization_code and refresh_token grants share this. */

/**
 * The tenant a user-flow token request is judged in: the path's, else (on /common) the tenant the code or
 * refresh token was issued in, else the client app's home tenant; 50059 when none can be told.
 */
export function userFlowTenant(ctx: GrantContext, grant: ConsentGrant | undefined): EntraTenant {
  if (ctx.tenant) return ctx.tenant;
  if (grant) return ctx.directory.tenantById(grant.tenantId);
  const app = ctx.directory.appByClientId(ctx.params.get('client_id') ?? '');
  if (app) return ctx.directory.tenantById(app.homeTenantId);
  throw aadsts.noTenantIdentifier();
}

/**
 * The resource and permissions a token request's `scope` asks for (one resource: 700022 for two), which must
 * lie within the consent (else 65001 `consent_required`). A scope naming no resource (only `openid
 * offline_access…`, or none) means `fallback`: the code's resource, or the refresh token's last one.
 */
export function requestedWithinConsent(
  ctx: GrantContext,
  client: AuthenticatedClient,
  grant: ConsentGrant,
  fallback: DelegatedGrant,
): DelegatedGrant {
  const scope = ctx.params.get('scope');
  if (!scope?.trim() || parseScopes(scope).resourceScopes.length === 0) return fallback;
  const requested = resolveDelegatedScopes(ctx.directory, ctx.directory.tenantById(grant.tenantId), scope);
  const consented = grant.resources.find((r) => r.key === resourceKey(requested.resource));
  const covered = (p: string) => consented?.permissions.some((c) => c.toLowerCase() === p.toLowerCase()) ?? false;
  if (!consented || !requested.scp.every(covered)) throw aadsts.consentRequired(client.app.clientId, client.app.name);
  return requested;
}

/**
 * The token response: a delegated access token for ONE resource (`tid` = the user's tenant, `amr` with `mfa`
 * when the user has MFA), a new refresh token when `offline_access` was consented (24 hours fixed for a Single-page
 * application redirect URI, `spaExpiresAt`), an id token when
 * `openid` was, and `client_info` when asked for (`client_info=1`, as MSAL does: it needs it, and the id
 * token, to put the account and the refresh token in its cache).
 */
export async function issueUserTokens(
  ctx: GrantContext,
  state: AuthorizationState,
  client: AuthenticatedClient,
  grant: ConsentGrant,
  requested: DelegatedGrant,
  options: { nonce?: string; spaExpiresAt?: number | 'new' } = {},
): Promise<TokenResponseBody> {
  const body = await delegatedTokenBody(ctx, client, grant.user, requested, grant.oidc, options.nonce);
  if (grant.oidc.includes('offline_access'))
    body.refresh_token = state.issueRefreshToken(grant, requested, options.spaExpiresAt);
  return body;
}

/** What every delegated token answer holds (the password grant's too): the access token, and the id token and client_info when due. */
export async function delegatedTokenBody(
  ctx: GrantContext,
  client: AuthenticatedClient,
  user: EntraUser,
  requested: DelegatedGrant,
  oidc: readonly string[],
  nonce?: string,
): Promise<TokenResponseBody> {
  const issue = { baseUrl: ctx.baseUrl, now: ctx.now };
  const body: TokenResponseBody = {
    token_type: 'Bearer',
    scope: requested.granted,
    expires_in: EXPIRES_IN_SECONDS,
    ext_expires_in: EXPIRES_IN_SECONDS,
    access_token: await ctx.keys.sign(
      delegatedClaims(issue, client.app, client.confidential, user, requested.resource, requested.scp),
    ),
  };
  if (oidc.includes('openid')) body.id_token = await ctx.keys.sign(idTokenClaims(issue, client.app, user, { nonce }));
  if (ctx.params.get('client_info') === '1') body.client_info = clientInfo(user);
  return body;
}
