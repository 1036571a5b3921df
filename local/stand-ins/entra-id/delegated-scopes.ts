import type { Directory } from './directory';
import { aadsts } from './errors';
import type { EntraTenant } from './fixtures';
import { parseScopes, resolveResource, type Resource } from './resources';

export interface DelegatedGrant {
  resource: Resource;
  /** permissions for the `scp` claim (`.default` expanded to what the resource exposes) */
  scp: string[];
  /** the OIDC scopes asked for (openid, profile, email, offline_access) */
  oidc: string[];
  /** the `scope` field of the token response */
  granted: string;
}

/**
 * The scopes of a user flow: one resource (several → 700022), plus OIDC scopes. Only OIDC scopes
 * means Microsoft Graph `User.Read`, as in Entra. Unknown permissions on a fixture API → 70011.
 */
export function resolveDelegatedScopes(
  directory: Directory,
  tenant: EntraTenant,
  scope: string | null,
): DelegatedGrant {
  if (!scope?.trim()) throw aadsts.scopeMissing();
  const { oidc, resourceScopes } = parseScopes(scope);
  const resources = new Set(resourceScopes.map((s) => s.resource.replace(/\/+$/, '').toLowerCase()));
  if (resources.size > 1) throw aadsts.scopeSeveralResources(scope);
  const asked = resourceScopes.length > 0 ? resourceScopes : parseScopes('User.Read').resourceScopes;
  const resource = resolveResource(directory, tenant.tenantId, asked[0].resource);
  if (!resource) throw aadsts.resourceNotFound(asked[0].resource, tenant.displayName);
  const scp = new Set<string>();
  for (const s of asked) {
    if (s.permission === '.default') resource.defaultScopes.forEach((p) => scp.add(p));
    else if (resource.knownScopes && !resource.knownScopes.includes(s.permission)) throw aadsts.scopeInvalid(s.raw);
    else scp.add(s.permission);
  }
  const isGraph = resource.audience.toLowerCase() === 'https://graph.microsoft.com';
  const granted = [...scp].map((p) => (isGraph ? p : `${resource.requested}/${p}`)).join(' ');
  return { resource, scp: [...scp], oidc, granted };
}
