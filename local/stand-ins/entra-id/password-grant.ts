import { authenticateAnyClient, secretsEqual } from './client-auth';
import { resolveDelegatedScopes } from './delegated-scopes';
import { aadsts } from './errors';
import type { GrantHandler } from './grant-context';
import { delegatedTokenBody } from './user-tokens';

/**
 * `grant_type=password` (ROPC), for developers and tests to get a user token for the product's API.
 * On `/common` or `/organizations` the user's home tenant is used. Unknown user → 50034, wrong
 * password → 50126. Unlike real Entra, MFA users are not refused: `amr` then says `["pwd","mfa"]`.
 */
export const passwordGrant: GrantHandler = async (ctx) => {
  const { directory, params } = ctx;
  const username = params.get('username');
  const password = params.get('password');
  if (!username) throw aadsts.missingParameter('username');
  if (!password) throw aadsts.missingParameter('password');
  const user = directory.user(username);
  const tenant = ctx.tenant ?? (user ? directory.tenantById(user.tenantId) : undefined);
  if (!tenant) throw aadsts.userNotFound(ctx.tenantSegment);
  const client = authenticateAnyClient(directory, tenant, params, ctx.now);
  if (!user || user.tenantId.toLowerCase() !== tenant.tenantId.toLowerCase())
    throw aadsts.userNotFound(tenant.displayName);
  if (!secretsEqual(user.password, password)) throw aadsts.invalidPassword();

  const grant = resolveDelegatedScopes(directory, tenant, params.get('scope'));
  return delegatedTokenBody(ctx, client, user, grant, grant.oidc);
};
