import { appOnlyClaims, EXPIRES_IN_SECONDS } from './access-token';
import { authenticateConfidentialClient } from './client-auth';
import { aadsts } from './errors';
import type { EntraTenant } from './fixtures';
import { parseScopes, resolveResource, type Resource } from './resources';
import { requireTenant, type GrantContext, type GrantHandler } from './grant-context';

/**
 * `grant_type=client_credentials`: an app-only token. Checked in Entra's order: tenant (90002, before
 * this), app in tenant (700016), secret (7000218 / 7000215 / 7000222), then scope (70011 / 1002012 / 500011).
 */
export const clientCredentialsGrant: GrantHandler = async (ctx) => {
  const tenant = requireTenant(ctx);
  const { app } = authenticateConfidentialClient(ctx.directory, tenant, ctx.params, ctx.now);
  const resource = defaultScopeResource(ctx, tenant);
  const claims = appOnlyClaims({ baseUrl: ctx.baseUrl, now: ctx.now }, tenant.tenantId, app, resource);
  return {
    token_type: 'Bearer',
    expires_in: EXPIRES_IN_SECONDS,
    ext_expires_in: EXPIRES_IN_SECONDS,
    access_token: await ctx.keys.sign(claims),
  };
};

/** Client credentials take exactly one scope, `{resource}/.default`. */
function defaultScopeResource(ctx: GrantContext, tenant: EntraTenant): Resource {
  const scope = ctx.params.get('scope')?.trim();
  if (!scope) throw aadsts.scopeMissing();
  const { oidc, resourceScopes } = parseScopes(scope);
  const notDefault = [...oidc, ...resourceScopes.filter((s) => s.permission !== '.default').map((s) => s.raw)];
  if (notDefault.length > 0) throw aadsts.scopeNotDefault(notDefault[0]);
  if (resourceScopes.length !== 1) throw aadsts.scopeInvalid(scope);
  const resource = resolveResource(ctx.directory, tenant.tenantId, resourceScopes[0].resource);
  if (!resource) throw aadsts.resourceNotFound(resourceScopes[0].resource, tenant.displayName);
  return resource;
}
