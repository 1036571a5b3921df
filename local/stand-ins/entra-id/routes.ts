import type { IncomingMessage } from 'node:http';
import {
  authorizeGet,
  authorizePost,
  authorizeTenantError,
  controlAuthorize,
  type RequestIds,
} from './authorize-endpoint';
import { AuthorizationState } from './authorization-state';
import {
  controlAuthorizeRequest,
  controlPasswordChangeRequest,
  controlRedirectUriRequest,
  controlRevokeRequest,
  ControlRouteError,
  controlTokenRequest,
  mintToken,
} from './control';
import type { Directory } from './directory';
import { instanceDiscovery, openIdConfigurationV1, openIdConfigurationV2, TENANT_TEMPLATE } from './discovery';
import { aadsts, EntraError } from './errors';
import type { EntraTenant } from './fixtures';
import { readBody } from './http';
import type { SigningKeys } from './signing-keys';
import { handleTokenRequest, mergeBasicClientAuth } from './token-endpoint';

/**
 * A route answers 200 with the JSON it returns, or sends an `HttpAnswer` it returns (HTML pages, redirects)
 * as it is, or throws (`EntraError` → Entra's error shape; `ControlRouteError` → a control error).
 */
export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handle(match: RegExpExecArray, req: IncomingMessage, url: URL, ids?: RequestIds): Promise<unknown>;
}

export interface RouteDeps {
  directory: Directory;
  keys: SigningKeys;
  clock: () => number;
  /** `https://127.0.0.1:PORT`, known once listening */
  baseUrl: () => string;
  /** codes, refresh tokens, sign-ins in progress, added redirect URIs (default: a fresh one) */
  authorization?: AuthorizationState;
}

const NO_IDS: RequestIds = {
  traceId: '00000000-0000-0000-0000-000000000000',
  correlationId: '00000000-0000-0000-0000-000000000000',
};

const MULTI_TENANT_SEGMENTS = new Set(['common', 'organizations']);

export function buildRoutes({
  directory,
  keys,
  clock,
  baseUrl,
  authorization = new AuthorizationState(directory, clock),
}: RouteDeps): Route[] {
  const authorize = { directory, authorization, clock, baseUrl };
  /** `/{tenant}/…`: a fixture tenant's GUID or domain, or undefined for /common and /organizations; else 90002. */
  const tenantOf = (segment: string): EntraTenant | undefined => {
    if (MULTI_TENANT_SEGMENTS.has(segment.toLowerCase())) return undefined;
    const tenant = directory.tenant(segment);
    if (!tenant) throw aadsts.tenantNotFound(segment);
    return tenant;
  };
  /** [tenant in endpoint URLs, tenant in the issuer]: `[guid, guid]`, or `['common', '{tenantid}']` like Entra. */
  const discoveryTenants = (segment: string): [string, string] => {
    const tenant = tenantOf(segment);
    return tenant ? [tenant.tenantId, tenant.tenantId] : [segment.toLowerCase(), TENANT_TEMPLATE];
  };

  return [
    // Stand-in control routes (not Entra ID): see control.ts. JSON only.
    { method: 'GET', pattern: /^\/_control\/health$/, handle: async () => ({ status: 'ok' }) },
    {
      method: 'POST',
      pattern: /^\/_control\/token$/,
      handle: async (_m, req) => {
        const { claims, ...mint } = controlTokenRequest.parse(await controlJson(req));
        return { token_type: 'Bearer', access_token: await mintToken(keys, clock(), claims, mint) };
      },
    },
    {
      method: 'GET',
      pattern: /^\/_control\/applications\/([^/]+)\/redirect-uris$/,
      handle: async (m) => {
        const app = directory.appByClientId(m[1]);
        if (!app)
          throw new ControlRouteError(404, 'not_found', `No application with client ID '${m[1]}' in the fixtures.`);
        return {
          clientId: app.clientId,
          redirectUris: authorization.redirectUris(app),
          spaRedirectUris: authorization.spaRedirectUris(app),
        };
      },
    },
    {
      method: 'POST',
      pattern: /^\/_control\/applications\/([^/]+)\/redirect-uris$/,
      handle: async (m, req) => {
        const { uri, platform } = controlRedirectUriRequest.parse(await controlJson(req));
        const redirectUris = authorization.addRedirectUri(m[1], uri, platform);
        const app = directory.appByClientId(m[1])!;
        return { clientId: app.clientId, redirectUris, spaRedirectUris: authorization.spaRedirectUris(app) };
      },
    },
    {
      method: 'POST',
      pattern: /^\/_control\/authorize$/,
      handle: async (_m, req, _url, ids = NO_IDS) =>
        controlAuthorize(authorize, controlAuthorizeRequest.parse(await controlJson(req)), ids, tenantOf),
    },
    {
      method: 'POST',
      pattern: /^\/_control\/revoke$/,
      handle: async (_m, req) =>
        authorization.revokeSignInSessions(controlRevokeRequest.parse(await controlJson(req)).username),
    },
    {
      method: 'POST',
      pattern: /^\/_control\/password-change$/,
      handle: async (_m, req) => {
        const { username, how } = controlPasswordChangeRequest.parse(await controlJson(req));
        return authorization.changePassword(username, how);
      },
    },
    // Entra ID.
    {
      method: 'GET',
      pattern: /^\/common\/discovery\/instance$/,
      handle: async (_m, _req, url) => instanceDiscovery(baseUrl(), url.searchParams.get('authorization_endpoint')),
    },
    {
      method: 'GET',
      pattern: /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/,
      handle: async (m) => openIdConfigurationV2(baseUrl(), ...discoveryTenants(m[1])),
    },
    {
      method: 'GET',
      pattern: /^\/([^/]+)\/\.well-known\/openid-configuration$/,
      handle: async (m) => openIdConfigurationV1(baseUrl(), ...discoveryTenants(m[1])),
    },
    {
      method: 'GET',
      pattern: /^\/([^/]+)\/discovery\/(?:v2\.0\/)?keys$/,
      handle: async (m) => {
        tenantOf(m[1]);
        return keys.jwks();
      },
    },
    {
      method: 'GET',
      pattern: /^\/([^/]+)\/oauth2\/v2\.0\/authorize$/,
      handle: async (m, _req, url, ids = NO_IDS) => {
        let tenant: EntraTenant | undefined;
        try {
          tenant = tenantOf(m[1]);
        } catch (err) {
          if (err instanceof EntraError) return authorizeTenantError(authorize, err, ids);
          throw err;
        }
        return authorizeGet(authorize, m[1], tenant, url.searchParams, ids);
      },
    },
    {
      // The sign-in and consent forms post here (the consent one to …/authorize/consent).
      method: 'POST',
      pattern: /^\/([^/]+)\/oauth2\/v2\.0\/authorize(?:\/consent)?$/,
      handle: async (m, req, _url, ids = NO_IDS) =>
        authorizePost(authorize, m[1], new URLSearchParams(await readBody(req)), ids),
    },
    {
      method: 'POST',
      pattern: /^\/([^/]+)\/oauth2\/v2\.0\/token$/,
      handle: async (m, req) => {
        const tenant = tenantOf(m[1]);
        const params = mergeBasicClientAuth(new URLSearchParams(await readBody(req)), req.headers.authorization);
        const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
        return handleTokenRequest({
          directory,
          keys,
          baseUrl: baseUrl(),
          now: clock(),
          tenant,
          tenantSegment: m[1],
          params,
          authorization,
          origin,
        });
      },
    },
  ];
}

/**
 * A control route's JSON body. Requiring the JSON content type makes a browser preflight any
 * cross-site request, which the control routes never allow: a page the developer has open cannot
 * add redirect URIs or revoke tokens through the stand-in.
 */
async function controlJson(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new ControlRouteError(
      415,
      'unsupported_media_type',
      'Control routes take a JSON body with content-type: application/json.',
    );
  }
  return JSON.parse(await readBody(req));
}
