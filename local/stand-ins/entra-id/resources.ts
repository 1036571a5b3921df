import type { EntraApplication } from './fixtures';
import type { Directory } from './directory';

/**
 * Microsoft first-party APIs the stand-in issues tokens for (`aud` = the URI asked for), in v1.0 format unless the
 * directory is told a resource accepts v2.0: Microsoft publishes no version for them, and its Key Vault examples
 * show v1.0 tokens (https://learn.microsoft.com/en-us/azure/key-vault/general/rest-error-codes).
 */
export const MICROSOFT_RESOURCES = [
  {
    uri: 'https://vault.azure.net',
    appId: 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093',
    defaultScopes: ['user_impersonation'],
    displayName: 'Azure Key Vault',
  },
  {
    uri: 'https://api.partnercenter.microsoft.com',
    appId: 'fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd',
    defaultScopes: ['user_impersonation'],
    displayName: 'Microsoft Partner Center',
  },
  {
    uri: 'https://api.partner.microsoft.com',
    appId: '4990cffe-04e8-4e8b-808a-1175604b879f',
    defaultScopes: ['user_impersonation'],
    displayName: 'Microsoft Partner',
  },
  {
    uri: 'https://communication.azure.com',
    appId: '1fd5118e-2576-4263-8130-9503064c837a',
    defaultScopes: ['user_impersonation'],
    displayName: 'Azure Communication Services',
  },
  {
    uri: 'https://graph.microsoft.com',
    appId: '00000003-0000-0000-c000-000000000000',
    defaultScopes: ['User.Read'],
    displayName: 'Microsoft Graph',
  },
] as const;

export const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

/** What a token is for: its audience, its format version, and the fixture app behind it if any. */
export interface Resource {
  /** the resource as it was named in the scope (URI or GUID), used to echo granted scopes */
  requested: string;
  audience: string;
  version: '1.0' | '2.0';
  app?: EntraApplication;
  /** delegated permissions that `.default` stands for */
  defaultScopes: readonly string[];
  /** every delegated permission the resource exposes (undefined: accept any name) */
  knownScopes?: readonly string[];
}

export interface ParsedScopes {
  oidc: string[];
  /** resource scopes split into resource and permission: `api://x/access_as_user` → [`api://x`, `access_as_user`] */
  resourceScopes: { raw: string; resource: string; permission: string }[];
}

export function parseScopes(scope: string | null): ParsedScopes {
  const parts = (scope ?? '').split(/\s+/).filter(Boolean);
  const oidc = parts.filter((s) => OIDC_SCOPES.has(s.toLowerCase()));
  const resourceScopes = parts
    .filter((s) => !OIDC_SCOPES.has(s.toLowerCase()))
    .map((raw) => {
      const slash = raw.lastIndexOf('/');
      // A bare permission (`User.Read`) means Microsoft Graph, as in Entra.
      return slash < 0
        ? { raw, resource: 'https://graph.microsoft.com', permission: raw }
        : { raw, resource: raw.slice(0, slash), permission: raw.slice(slash + 1) };
    });
  return { oidc, resourceScopes };
}

const same = (a: string, b: string) => a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();

/**
 * A resource visible in `tenantId`: a Microsoft API (by URI or app ID), or a fixture app (by identifier URI
 * or client ID) that has a service principal there (home tenant, or multi-tenant). Fixture apps get v2.0
 * tokens whose `aud` is their client ID, like v2 tokens for `api://…` identifier URIs.
 */
export function resolveResource(directory: Directory, tenantId: string, requested: string): Resource | undefined {
  const ms = MICROSOFT_RESOURCES.find((r) => same(r.uri, requested) || same(r.appId, requested));
  if (ms && !directory.hasServicePrincipal(tenantId, ms.appId)) return undefined;
  if (ms)
    return {
      requested,
      audience: requested.replace(/\/+$/, ''),
      version: directory.accessTokenVersion(ms.appId),
      defaultScopes: ms.defaultScopes,
    };
  const app = directory.fixtures.applications.find(
    (a) => same(a.clientId, requested) || (a.identifierUri !== undefined && same(a.identifierUri, requested)),
  );
  if (!app || !directory.appInTenant(app.clientId, tenantId)) return undefined;
  const scopes = app.delegatedScopes ?? [];
  return { requested, audience: app.clientId, version: '2.0', app, defaultScopes: scopes, knownScopes: scopes };
}

/** The Microsoft API a URI or app ID names, if any. */
export function microsoftResource(requested: string) {
  return MICROSOFT_RESOURCES.find((r) => same(r.uri, requested) || same(r.appId, requested));
}

/**
 * A resource's stable identity, whatever name the scope used for it (URI or GUID): the app ID of the
 * Microsoft API or fixture app, lower-case. Consent grants are kept per resource under this key.
 */
export function resourceKey(resource: Resource): string {
  if (resource.app) return resource.app.clientId.toLowerCase();
  return (microsoftResource(resource.audience)?.appId ?? resource.audience.replace(/\/+$/, '')).toLowerCase();
}

/** What the consent page calls a resource: "Microsoft Partner Center", or the fixture app's name. */
export function resourceDisplayName(resource: Resource): string {
  return resource.app?.name ?? microsoftResource(resource.audience)?.displayName ?? resource.audience;
}
