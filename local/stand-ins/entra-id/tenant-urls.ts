/**
 * The URLs of one tenant on the stand-in, mirroring login.microsoftonline.com's layout.
 * `tenant` is a tenant GUID, or the literal `{tenantid}` in the multi-tenant (`/common`) documents.
 */
export function tenantUrls(baseUrl: string, tenant: string) {
  return {
    /** `iss` of v2.0 tokens (fixture apps' tokens, id tokens) */
    issuer: `${baseUrl}/${tenant}/v2.0`,
    /** `iss` of v1.0 tokens: Microsoft's first-party APIs (Key Vault, Partner Center, Graph) get these, as in Azure */
    v1Issuer: `https://sts.windows.net/${tenant}/`,
    authorizationEndpoint: `${baseUrl}/${tenant}/oauth2/v2.0/authorize`,
    tokenEndpoint: `${baseUrl}/${tenant}/oauth2/v2.0/token`,
    deviceAuthorizationEndpoint: `${baseUrl}/${tenant}/oauth2/v2.0/devicecode`,
    endSessionEndpoint: `${baseUrl}/${tenant}/oauth2/v2.0/logout`,
    jwksUri: `${baseUrl}/${tenant}/discovery/v2.0/keys`,
    v1JwksUri: `${baseUrl}/common/discovery/keys`,
    v1AuthorizationEndpoint: `${baseUrl}/${tenant}/oauth2/authorize`,
    v1TokenEndpoint: `${baseUrl}/${tenant}/oauth2/token`,
  };
}
