import { authenticateAnyClient } from './client-auth';
import { aadsts } from './errors';
import { requireAuthorizationState, type GrantHandler } from './grant-context';
import { issueUserTokens, requestedWithinConsent, userFlowTenant } from './user-tokens';

/**
 * `grant_type=refresh_token`. Refresh tokens ROTATE: each use answers a new one, but the used one is not revoked
 * by that use — it stays redeemable until it expires (90 days from its own issue) or is revoked, as Entra does
 * ("Token lifetime", https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens): the client must
 * discard the old one itself. Checked in this order: the client (as for codes); `refresh_token`
 * (900144 missing, 9002313 unknown, 700007 issued to another client, 50173 revoked — an admin revoked the user's
 * sessions, or a password change revoked this client's tokens —, 700084 a Single-page application's token past its
 * fixed 24 hours, 700082 unused for 90 days); the scope (700022 two
 * resources, 65001 a resource or permission outside the consent). One refresh token serves every resource of the
 * consent, one resource per request.
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
  if (record.revokedAt !== undefined) throw aadsts.grantRevoked(record.grant.authTime, record.revokedAt);
  if (state.spaRefreshTokenExpired(record)) throw aadsts.spaRefreshTokenExpired(record.issuedAt);
  if (state.refreshTokenInactive(record)) throw aadsts.refreshTokenInactive(record.issuedAt);

  const requested = requestedWithinConsent(ctx, client, record.grant, record.lastRequested);
  const answer = await issueUserTokens(ctx, state, client, record.grant, requested, {
    spaExpiresAt: record.spaExpiresAt,
  });
  state.markRefreshTokenRedeemed(record);
  return answer;
};
