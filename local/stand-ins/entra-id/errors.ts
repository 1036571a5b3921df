/**
 * Entra ID's OAuth error responses, in its exact shape:
 * `{error, error_description: "AADSTSnnnn: …\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …",
 *   error_codes: [nnnn], timestamp: "YYYY-MM-DD HH:mm:ssZ", trace_id, correlation_id, error_uri}`.
 * Clients must branch on `error` and `error_codes`, never on the description.
 */

export type OAuthErrorName =
  | 'invalid_request'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'invalid_client'
  | 'invalid_scope'
  | 'invalid_resource'
  | 'unsupported_grant_type'
  | 'invalid_instance';

/** Thrown by handlers; turned into the wire shape by `entraErrorResponse`. */
export class EntraError extends Error {
  constructor(
    readonly code: number,
    readonly error: OAuthErrorName,
    message: string,
  ) {
    super(`AADSTS${code}: ${message}`);
    this.name = 'EntraError';
  }

  get status(): number {
    return this.error === 'invalid_client' ? 401 : 400;
  }
}

const e = (code: number, error: OAuthErrorName, message: string) => new EntraError(code, error, message);

/** The AADSTS errors the stand-in produces, with Entra's wording. */
export const aadsts = {
  tenantNotFound: (tenant: string) =>
    e(90002, 'invalid_request', `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`),
  noTenantIdentifier: () =>
    e(50059, 'invalid_request', `No tenant-identifying information found in either the request or implied by any provided credentials.`),
  missingParameter: (name: string) =>
    e(900144, 'invalid_request', `The request body must contain the following parameter: '${name}'.`),
  appNotInTenant: (clientId: string, tenantName: string) =>
    e(700016, 'unauthorized_client', `Application with identifier '${clientId}' was not found in the directory '${tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`),
  invalidClientSecret: (clientId: string) =>
    e(7000215, 'invalid_client', `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`),
  expiredClientSecret: (clientId: string) =>
    e(7000222, 'invalid_client', `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`),
  missingClientCredential: () =>
    e(7000218, 'invalid_client', `The request body must contain the following parameter: 'client_assertion' or 'client_secret'.`),
  publicClientWithSecret: () =>
    e(700025, 'invalid_client', `Client is public so neither 'client_assertion' nor 'client_secret' should be presented.`),
  scopeMissing: () =>
    e(70011, 'invalid_scope', `The provided request must include a 'scope' input parameter.`),
  scopeInvalid: (scope: string) =>
    e(70011, 'invalid_scope', `The provided value for the input parameter 'scope' is not valid. The scope '${scope}' is not valid.`),
  scopeNotDefault: (scope: string) =>
    e(1002012, 'invalid_scope', `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`),
  scopeSeveralResources: (scope: string) =>
    e(700022, 'invalid_scope', `The provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scope} is not valid.`),
  resourceNotFound: (resource: string, tenantName: string) =>
    e(500011, 'invalid_resource', `The resource principal named ${resource} was not found in the tenant named ${tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`),
  userNotFound: (tenantName: string) =>
    e(50034, 'invalid_grant', `The user account {EUII Hidden} does not exist in the ${tenantName} directory. To sign into this application, the account must be added to the directory.`),
  invalidPassword: () =>
    e(50126, 'invalid_grant', `Error validating credentials due to invalid username or password.`),
  unsupportedGrantType: (grantType: string) =>
    e(70003, 'unsupported_grant_type', `The app requested an unsupported grant type '${grantType}'.`),
  unknownInstance: () => e(50049, 'invalid_instance', `Unknown or invalid instance.`),
};

export interface ErrorContext {
  /** ms since epoch, from the stand-in's clock */
  now: number;
  traceId: string;
  correlationId: string;
  /** the stand-in's base URL; `error_uri` is `${baseUrl}/error?code=nnnn` like login.microsoftonline.com's */
  baseUrl: string;
}

export interface EntraErrorBody {
  error: OAuthErrorName;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

/** `2024-05-01 09:14:28Z`, the format of Entra's `timestamp` field. */
export function entraTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

export function entraErrorResponse(err: EntraError, ctx: ErrorContext): { status: number; body: EntraErrorBody } {
  const timestamp = entraTimestamp(ctx.now);
  return {
    status: err.status,
    body: {
      error: err.error,
      error_description: `${err.message}\r\nTrace ID: ${ctx.traceId}\r\nCorrelation ID: ${ctx.correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [err.code],
      timestamp,
      trace_id: ctx.traceId,
      correlation_id: ctx.correlationId,
      error_uri: `${ctx.baseUrl}/error?code=${err.code}`,
    },
  };
}
