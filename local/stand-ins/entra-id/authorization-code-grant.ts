import { createHash } from 'node:crypto';
import { authenticateAnyClient, secretsEqual } from './client-auth';
import { aadsts } from './errors';
import { requireAuthorizationState, type GrantHandler } from './grant-context';
import { issueUserTokens, requestedWithinConsent, userFlowTenant } from './user-tokens';

const s256 = (verifier: string) => createHash('sha256').update(verifier, 'ascii').digest('base64url');

/**
 * `grant_type=authorization_code`: redeems a code from the authorize endpoint. Checked in this order:
 * the client (700016, 7000218 / 7000215 / 7000222, or 700025 for a public client sending a secret); `code`
 * (900144 missing, 9002313 unknown, 700007 another client's, 700005 issued in another tenant, 54005 already
 * redeemed, 70008 older than 10 minutes); `redirect_uri` (700009 missing, 50011 not registered, 500112 not
 * the one of the authorize request; 9002326 a Web one redeemed cross-origin, 9002327 a Single-page application one
 * redeemed without an Origin, i.e. by a server); `code_verifier` when the authorize request had a challenge
 * (900144 missing, 501481 not matching the S256 challenge; 9002325 a cross-origin redemption without PKCE); the scope (700022 two resources, 65001 outside the consent). Only a successful redemption
 * uses the code up.
 */
export const authorizationCodeGrant: GrantHandler = async (ctx) => {
  const state = requireAuthorizationState(ctx);
  const { params } = ctx;
  const code = params.get('code');
  const record = code ? state.code(code) : undefined;
  const client = authenticateAnyClient(ctx.directory, userFlowTenant(ctx, record?.grant), params, ctx.now);

  if (!code) throw aadsts.missingParameter('code');
  if (!record) throw aadsts.malformedGrant();
  if (record.grant.clientId.toLowerCase() !== client.app.clientId.toLowerCase()) throw aadsts.grantForOtherClient();
  if (ctx.tenant && ctx.tenant.tenantId.toLowerCase() !== record.grant.tenantId.toLowerCase())
    throw aadsts.codeForOtherTenant();
  if (record.redeemedAt !== undefined) throw aadsts.codeAlreadyRedeemed();
  if (state.codeExpired(record)) throw aadsts.codeExpired();

  const redirectUri = params.get('redirect_uri');
  if (!redirectUri) throw aadsts.replyAddressMissing();
  if (!state.redirectUris(client.app).includes(redirectUri)) throw aadsts.replyUrlNotRegistered(client.app.clientId);
  if (redirectUri !== record.redirectUri) throw aadsts.replyAddressMismatch(redirectUri, record.redirectUri);
  const spa = state.spaRedirectUris(client.app).includes(redirectUri);
  if (ctx.origin && !spa) throw aadsts.crossOriginRedemptionNotSpa(ctx.origin);
  if (!ctx.origin && spa) throw aadsts.spaCodeRedeemedByServer();

  // "code_verifier: Required if PKCE was used in the authorization code grant request"; a single-page app's
  // cross-origin redemption needs PKCE (9002325). A verifier for a code requested without a challenge is ignored.
  if (record.codeChallenge !== undefined) {
    const verifier = params.get('code_verifier');
    if (!verifier) throw aadsts.missingParameter('code_verifier');
    if (!secretsEqual(s256(verifier), record.codeChallenge)) throw aadsts.pkceMismatch();
  } else if (ctx.origin) throw aadsts.pkceRequiredCrossOrigin();

  const requested = requestedWithinConsent(ctx, client, record.grant, record.requested);
  state.markRedeemed(record);
  return issueUserTokens(ctx, state, client, record.grant, requested, {
    nonce: record.nonce,
    spaExpiresAt: spa ? 'new' : undefined,
  });
};
