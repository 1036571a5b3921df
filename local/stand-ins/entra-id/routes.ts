import type { IncomingMessage } from 'node:http';
import { controlTokenRequest, mintToken } from './control';
import type { Directory } from './directory';
import { instanceDiscovery, openIdConfigurationV1, openIdConfigurationV2, TENANT_TEMPLATE } from './discovery';
import { aadsts } from './errors';
import type { EntraTenant } from './fixtures';
import { readBody } from './http';
import type { SigningKeys } from './signing-keys';
import { handleTokenRequest, mergeBasicClientAuth } from './token-endpoint';

/** A route answers 200 with the JSON it returns, or throws (`EntraError` → Entra's error shape). */
export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handle(match: RegExpExecArray, req: IncomingMessage, url: URL): Promise<unknown>;
}

export interface RouteDeps {
  directory: Directory;
  keys: SigningKeys;
  clock: () => number;
  /** `https://127.0.0.1:PORT`, known once listening */
  baseUrl: () => string;
}

const MULTI_TENANT_SEGMENTS = new Set(['common', 'organizations']);

export function buildRoutes({ directory, keys, clock, baseUrl }: RouteDeps): Route[] {
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
    // Stand-in control routes (not Entra ID): see control.ts.
    { method: 'GET', pattern: /^\/_control\/health$/, handle: async () => ({ status: 'ok' }) },
    {
      method: 'POST',
      pattern: /^\/_control\/token$/,
      handle: async (_m, req) => {
        const { claims, ...mint } = controlTokenRequest.parse(JSON.parse(await readBody(req)));
        return { token_type: 'Bearer', access_token: await mintToken(keys, clock(), claims, mint) };
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
      method: 'POST',
      pattern: /^\/([^/]+)\/oauth2\/v2\.0\/token$/,
      handle: async (m, req) => {
        const tenant = tenantOf(m[1]);
        const params = mergeBasicClientAuth(new URLSearchParams(await readBody(req)), req.headers.authorization);
        return handleTokenRequest({ directory, keys, baseUrl: baseUrl(), now: clock(), tenant, tenantSegment: m[1], params });
      },
    },
  ];
}
