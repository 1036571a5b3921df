import { randomBytes } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { EntraApplication, EntraUser } from './fixtures';
import { pairwiseSubject, servicePrincipalObjectId } from './directory';
import type { Resource } from './resources';
import { tenantUrls } from './tenant-urls';

/** `exp - iat` of issued tokens; the token response says `expires_in: 3599`, as Entra does. */
export const TOKEN_LIFETIME_SECONDS = 3600;
export const EXPIRES_IN_SECONDS = 3599;

export interface IssueContext {
  baseUrl: string;
  /** ms since epoch, from the stand-in's clock */
  now: number;
}

function timing(now: number) {
  const iat = Math.floor(now / 1000);
  return { iat, nbf: iat, exp: iat + TOKEN_LIFETIME_SECONDS };
}

const uti = () => randomBytes(16).toString('base64url');
const withRoles = (roles: readonly string[]) => (roles.length > 0 ? { roles: [...roles] } : {});

function envelope(ctx: IssueContext, tenantId: string, resource: Resource): JWTPayload {
  const urls = tenantUrls(ctx.baseUrl, tenantId);
  return { aud: resource.audience, iss: resource.version === '2.0' ? urls.issuer : urls.v1Issuer, ...timing(ctx.now) };
}

/** Who the client is, in the token version's vocabulary (`appid` in v1.0, `azp` in v2.0). */
function clientClaims(resource: Resource, client: EntraApplication, confidential: boolean): JWTPayload {
  const acr = confidential ? '1' : '0';
  return resource.version === '2.0' ? { azp: client.clientId, azpacr: acr } : { appid: client.clientId, appidacr: acr };
}

/**
 * An app-only token (client credentials). `roles` are the app roles the client holds on the resource;
 * Entra leaves the claim out when there are none.
 */
export function appOnlyClaims(
  ctx: IssueContext,
  tenantId: string,
  client: EntraApplication,
  resource: Resource,
): JWTPayload {
  const oid = servicePrincipalObjectId(client.clientId, tenantId);
  const roles = resource.app ? (client.appRoleGrants?.[resource.app.name] ?? []) : [];
  return {
    ...envelope(ctx, tenantId, resource),
    ...clientClaims(resource, client, true),
    ...(resource.version === '1.0' ? { idp: tenantUrls(ctx.baseUrl, tenantId).v1Issuer } : {}),
    idtyp: 'app',
    oid,
    ...withRoles(roles),
    sub: oid,
    tid: tenantId,
    uti: uti(),
    ver: resource.version,
  };
}

/** A delegated (user) token: `scp` holds the granted permissions, `roles` the user's app roles on the resource. */
export function delegatedClaims(
  ctx: IssueContext,
  client: EntraApplication,
  confidential: boolean,
  user: EntraUser,
  resource: Resource,
  scp: readonly string[],
): JWTPayload {
  const roles = resource.app ? (user.appRoles[resource.app.name] ?? []) : [];
  // `amr`, `upn` and `unique_name` are v1.0 claims; v2.0 has `preferred_username` and no `amr` at all
  // (https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference).
  const versioned =
    resource.version === '2.0'
      ? { preferred_username: user.userPrincipalName }
      : {
          amr: user.mfa ? ['pwd', 'mfa'] : ['pwd'],
          upn: user.userPrincipalName,
          unique_name: user.userPrincipalName,
        };
  return {
    ...envelope(ctx, user.tenantId, resource),
    ...clientClaims(resource, client, confidential),
    idtyp: 'user',
    name: user.displayName,
    oid: user.objectId,
    ...versioned,
    ...withRoles(roles),
    scp: scp.join(' '),
    sub: pairwiseSubject(user.objectId, client.clientId),
    tid: user.tenantId,
    uti: uti(),
    ver: resource.version,
  };
}

/** The v2.0 id token returned beside a user token when `openid` was asked for (`nonce` echoes the authorize request's). */
export function idTokenClaims(
  ctx: IssueContext,
  client: EntraApplication,
  user: EntraUser,
  extra: { nonce?: string } = {},
): JWTPayload {
  return {
    aud: client.clientId,
    iss: tenantUrls(ctx.baseUrl, user.tenantId).issuer,
    ...timing(ctx.now),
    ...(extra.nonce !== undefined ? { nonce: extra.nonce } : {}),
    name: user.displayName,
    oid: user.objectId,
    preferred_username: user.userPrincipalName,
    sub: pairwiseSubject(user.objectId, client.clientId),
    tid: user.tenantId,
    ver: '2.0',
  };
}

/** MSAL's `client_info` (sent when the request has `client_info=1`): base64url `{uid, utid}`. */
export function clientInfo(user: EntraUser): string {
  return Buffer.from(JSON.stringify({ uid: user.objectId, utid: user.tenantId })).toString('base64url');
}
