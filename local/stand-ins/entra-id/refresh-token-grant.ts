import { authenticateAnyClient } from './client-auth';
import { aadsts } from './errors';
import { requireAuthorizationState, type GrantHandler } from './grant-context';
import { issueUserTokens, requestedWithinConsent, userFlowTenant } from './user-tokens';

/**
 * `grant_type=refresh_token`. Refresh tokens ROTATE: each use answers a new one and the used one is refused
 * from then on (AADSTS70000 — stricter than Entra, which tolerates a reused one for a while; the product must
 * always keep the newest). Checked in this order: the client (as for codes); `refresh_token` (900144 missing,
 * 9002313 unknown, 700007 issued to another client, 50173 revoked by a password reset, 70000 already used,
 * 700082 unused for 90 days); the scope (700022 two resources, 65001 a resource or permission outside the
 * consent). One refresh token serves every resource of the consent, one resource per request.
 */
export const refreshTokenGrant: GrantHandler = async (ctx) => {
  const state = requireAuthorizationState(ctx);
  const { params } = ctx;
  const token = params.get('refresh_token');
  const record = token ? state.refreshToken(token) : undefined;
  const client = authenticateAnyClient(ctx.directory, userFlowTenant(ctx, record?.grant), params, ctx.now);

  if (!token) throw aadsts.missingParameter('refresh_token');
  if (!record) throw aadsts.malformedGrant();
  if (record.grant.clientId.toLowerCase() !== client.app.clientId.toLowerCase()) throw aadsts.grantForOtherClient();
  if (record.revokedAt !== undefined) {
    throw aadsts.grantRevoked(record.grant.authTime, state.userTokensValidFrom(record.grant.user) ?? record.revokedAt);
  }
  if (record.usedAt !== undefined) throw aadsts.refreshTokenNotValid();
  if (state.refreshTokenInactive(record)) throw aadsts.refreshTokenInactive(record.issuedAt);

  const requested = requestedWithinConsent(ctx, client, record.grant, record.lastRequested);
  state.markUsed(record);
  return issueUserTokens(ctx, state, client, record.grant, requested);
};
