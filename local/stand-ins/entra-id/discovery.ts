import { aadsts } from './errors';
import { tenantUrls } from './tenant-urls';

/** The template Entra puts in `/common` and `/organizations` documents instead of a tenant GUID. */
export const TENANT_TEMPLATE = '{tenantid}';

/** What the v1.0 and v2.0 discovery documents share, as login.microsoftonline.com answers them. */
function shared(issuerTenant: string) {
  return {
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    tenant_region_scope: issuerTenant === TENANT_TEMPLATE ? null : 'EU',
    cloud_instance_name: 'microsoftonline.com',
  };
}

/**
 * `GET /{tenant}/v2.0/.well-known/openid-configuration`, shaped like login.microsoftonline.com's. For a tenant
 * both arguments are its GUID; for `/common` the endpoints say `common` and the issuer `{tenantid}`.
 */
export function openIdConfigurationV2(baseUrl: string, endpointTenant: string, issuerTenant = endpointTenant) {
  const u = tenantUrls(baseUrl, endpointTenant);
  return {
    ...shared(issuerTenant),
    token_endpoint: u.tokenEndpoint,
    jwks_uri: u.jwksUri,
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: tenantUrls(baseUrl, issuerTenant).issuer,
    request_uri_parameter_supported: false,
    authorization_endpoint: u.authorizationEndpoint,
    device_authorization_endpoint: u.deviceAuthorizationEndpoint,
    end_session_endpoint: u.endSessionEndpoint,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
  };
}

/**
 * `GET /{tenant}/.well-known/openid-configuration` (v1.0): its issuer is `https://sts.windows.net/{tid}/`,
 * the `iss` of the v1.0 tokens issued for Microsoft APIs (Key Vault, Partner Center, Graph). The stand-in
 * serves only the v2.0 token endpoint.
 */
export function openIdConfigurationV1(baseUrl: string, endpointTenant: string, issuerTenant = endpointTenant) {
  const u = tenantUrls(baseUrl, endpointTenant);
  return {
    ...shared(issuerTenant),
    token_endpoint: u.v1TokenEndpoint,
    jwks_uri: u.v1JwksUri,
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: tenantUrls(baseUrl, issuerTenant).v1Issuer,
    authorization_endpoint: u.v1AuthorizationEndpoint,
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'amr',
      'nonce',
      'email',
      'given_name',
      'family_name',
      'nickname',
    ],
  };
}

/**
 * `GET /common/discovery/instance?api-version=1.1&authorization_endpoint=…`: the cloud instance discovery
 * document. MSAL always sends this request to login.microsoftonline.com, so to use it pass this body (as a
 * JSON string) in MSAL's `auth.cloudDiscoveryMetadata`, or set `knownAuthorities: [host]` instead.
 */
export function instanceDiscovery(baseUrl: string, authorizationEndpoint: string | null) {
  const base = new URL(baseUrl);
  let endpoint: URL;
  try {
    endpoint = new URL(authorizationEndpoint ?? '');
  } catch {
    throw aadsts.missingParameter('authorization_endpoint');
  }
  if (endpoint.protocol !== 'https:' || ![base.host, `localhost:${base.port}`].includes(endpoint.host)) {
    throw aadsts.unknownInstance();
  }
  const tenant = endpoint.pathname.split('/').filter(Boolean)[0] ?? 'common';
  return {
    tenant_discovery_endpoint: `${baseUrl}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [
      { preferred_network: base.host, preferred_cache: base.host, aliases: [base.host, `localhost:${base.port}`] },
    ],
  };
}
