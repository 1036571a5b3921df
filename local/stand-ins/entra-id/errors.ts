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
  | 'invalid_instance'
  // authorize endpoint (redirected to the app, never a token endpoint answer)
  | 'access_denied'
  | 'unsupported_response_type'
  | 'login_required';

/** Thrown by handlers; turned into the wire shape by `entraErrorResponse`. */
export class EntraError extends Error {
  constructor(
    readonly code: number,
    readonly error: OAuthErrorName,
    message: string,
    /** Entra's `suberror` (`consent_required`, `bad_token`…): MSAL turns these into InteractionRequiredAuthError. */
    readonly suberror?: string,
  ) {
    super(`AADSTS${code}: ${message}`);
    this.name = 'EntraError';
  }

  get status(): number {
    return this.error === 'invalid_client' ? 401 : 400;
  }
}

const e = (code: number, error: OAuthErrorName, message: string, suberror?: string) =>
  new EntraError(code, error, message, suberror);

/** `2024-05-01T09:14:28.0000000Z`: how Entra writes instants inside messages (seven fractional digits). */
export function entraInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '0000Z');
}

/** The AADSTS errors the stand-in produces, with Entra's wording. */
export const aadsts = {
  tenantNotFound: (tenant: string) =>
    e(
      90002,
      'invalid_request',
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  noTenantIdentifier: () =>
    e(
      50059,
      'invalid_request',
      `No tenant-identifying information found in either the request or implied by any provided credentials.`,
    ),
  missingParameter: (name: string) =>
    e(900144, 'invalid_request', `The request body must contain the following parameter: '${name}'.`),
  appNotInTenant: (clientId: string, tenantName: string) =>
    e(
      700016,
      'unauthorized_client',
      `Application with identifier '${clientId}' was not found in the directory '${tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  invalidClientSecret: (clientId: string) =>
    e(
      7000215,
      'invalid_client',
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  expiredClientSecret: (clientId: string) =>
    e(
      7000222,
      'invalid_client',
      `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
    ),
  missingClientCredential: () =>
    e(
      7000218,
      'invalid_client',
      `The request body must contain the following parameter: 'client_assertion' or 'client_secret'.`,
    ),
  publicClientWithSecret: () =>
    e(
      700025,
      'invalid_client',
      `Client is public so neither 'client_assertion' nor 'client_secret' should be presented.`,
    ),
  scopeMissing: () => e(70011, 'invalid_scope', `The provided request must include a 'scope' input parameter.`),
  scopeInvalid: (scope: string) =>
    e(
      70011,
      'invalid_scope',
      `The provided value for the input parameter 'scope' is not valid. The scope '${scope}' is not valid.`,
    ),
  scopeNotDefault: (scope: string) =>
    e(
      1002012,
      'invalid_scope',
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  scopeSeveralResources: (scope: string) =>
    e(
      700022,
      'invalid_scope',
      `The provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scope} is not valid.`,
    ),
  resourceNotFound: (resource: string, tenantName: string) =>
    e(
      500011,
      'invalid_resource',
      `The resource principal named ${resource} was not found in the tenant named ${tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
  userNotFound: (tenantName: string) =>
    e(
      50034,
      'invalid_grant',
      `The user account {EUII Hidden} does not exist in the ${tenantName} directory. To sign into this application, the account must be added to the directory.`,
    ),
  invalidPassword: () => e(50126, 'invalid_grant', `Error validating credentials due to invalid username or password.`),
  unsupportedGrantType: (grantType: string) =>
    e(70003, 'unsupported_grant_type', `The app requested an unsupported grant type '${grantType}'.`),
  unknownInstance: () => e(50049, 'invalid_instance', `Unknown or invalid instance.`),

  // --- Authorization code flow: the authorize endpoint ---
  singleTenantAppOnCommon: (clientId: string, appName: string) =>
    e(
      50194,
      'invalid_request',
      `Application '${clientId}'(${appName}) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
    ),
  noReplyAddress: () => e(900971, 'invalid_request', `No reply address provided.`),
  /** On the authorize endpoint: shown on Entra's error page, never redirected (the address is not trusted). */
  redirectUriNotRegistered: (redirectUri: string, clientId: string) =>
    e(
      50011,
      'invalid_request',
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    ),
  missingAuthorizeParameter: (name: string) =>
    e(900144, 'invalid_request', `The request body must contain the following parameter: '${name}'.`),
  responseTypeNotEnabled: (responseType: string) =>
    e(700051, 'unsupported_response_type', `response_type '${responseType}' is not enabled for the application.`),
  invalidCodeChallengeMethod: () => e(50149, 'invalid_request', `Invalid Code_Challenge_method parameter.`),
  invalidCodeChallengeSize: () => e(501491, 'invalid_request', `Invalid size of Code_Challenge parameter.`),
  resourceNotInRegistration: (
    clientId: string,
    appName: string,
    resource: string,
    resourceAppId: string,
    valid: readonly string[],
  ) =>
    e(
      650057,
      'invalid_client',
      `Invalid resource. The client has requested access to a resource which is not listed in the requested permissions in the client's application registration. Client app ID: ${clientId}(${appName}). Resource value from request: ${resource}. Resource app ID: ${resourceAppId}. List of valid resources from app registration: ${valid.join(', ')}.`,
    ),
  permissionNotInRegistration: (clientId: string, resource: string) =>
    e(
      650056,
      'invalid_client',
      `Misconfigured application. This could be due to one of the following: the client has not listed any permissions for '${resource}' in the requested permissions in the client's application registration. Or, the admin has not consented in the tenant. Or, check the application identifier in the request to ensure it matches the configured client application identifier. Or, check the certificate in the request to ensure it's valid. Please contact your admin to fix the configuration or consent on behalf of the tenant. Client app ID: ${clientId}.`,
    ),
  loginRequired: () =>
    e(
      50058,
      'login_required',
      `A silent sign-in request was sent but no user is signed in. The cookies used to represent the user's session were not sent in the request to Azure AD. This can happen if the user is using Internet Explorer or Edge, and the web app sending the silent sign-in request is in different IE security zone than the Azure AD endpoint (login.microsoftonline.com).`,
    ),
  userDeclinedConsent: () => e(65004, 'access_denied', `User declined to consent to access the app.`),
  /** A stand-in limitation (not an Entra rule): the message says what the stand-in supports. */
  standInLimitation: (message: string) => e(90000, 'invalid_request', `${message} (Entra ID stand-in limitation.)`),

  // --- Authorization code flow: code redemption (token endpoint) ---
  malformedGrant: () => e(9002313, 'invalid_grant', `Invalid request. Request is malformed or invalid.`),
  codeAlreadyRedeemed: () =>
    e(
      54005,
      'invalid_grant',
      `OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.`,
    ),
  codeExpired: () =>
    e(
      70008,
      'invalid_grant',
      `The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.`,
    ),
  codeForOtherTenant: () =>
    e(700005, 'invalid_grant', `Provided Authorization Code is intended to use against other tenant, thus rejected.`),
  grantForOtherClient: () => e(700007, 'invalid_grant', `The grant was issued for a different client id.`),
  replyAddressMissing: () =>
    e(
      700009,
      'invalid_grant',
      `Reply address must be provided when presenting an authorization code requested with an explicit reply address.`,
    ),
  /** On the token endpoint: the redirect_uri is not registered on the app at all. */
  replyUrlNotRegistered: (clientId: string) =>
    e(
      50011,
      'invalid_client',
      `The reply URL specified in the request does not match the reply URLs configured for the application: '${clientId}'.`,
    ),
  /** On the token endpoint: a registered redirect_uri, but not the one the code was requested with. */
  replyAddressMismatch: (given: string, original: string) =>
    e(
      500112,
      'invalid_client',
      `The reply address '${given}' does not match the reply address '${original}' provided when requesting Authorization code.`,
    ),
  crossOriginRedemptionNotSpa: (origin: string) =>
    e(
      9002326,
      'invalid_request',
      `Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type. Request origin: '${origin}'.`,
    ),
  pkceRequiredCrossOrigin: () =>
    e(
      9002325,
      'invalid_request',
      `Proof Key for Code Exchange is required for cross-origin authorization code redemption.`,
    ),
  spaCodeRedeemedByServer: () =>
    e(
      9002327,
      'invalid_request',
      `Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.`,
    ),
  pkceMismatch: () =>
    e(
      501481,
      'invalid_grant',
      `The Code_Verifier does not match the code_challenge supplied in the authorization request.`,
    ),
  consentRequired: (clientId: string, appName: string) =>
    e(
      65001,
      'invalid_grant',
      `The user or administrator has not consented to use the application with ID '${clientId}' named '${appName}'. Send an interactive authorization request for this user and resource.`,
      'consent_required',
    ),

  // --- Refresh tokens ---
  refreshTokenNotValid: () =>
    e(
      70000,
      'invalid_grant',
      `The provided value for the input parameter 'refresh_token' or 'assertion' is not valid.`,
    ),
  refreshTokenInactive: (issuedAt: number) =>
    e(
      700082,
      'invalid_grant',
      `The refresh token has expired due to inactivity. The token was issued on ${entraInstant(issuedAt)} and was inactive for 90.00:00:00.`,
      'bad_token',
    ),
  /** https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes (AADSTS700084), with 1 day as {time}. */
  spaRefreshTokenExpired: (issuedAt: number) =>
    e(
      700084,
      'invalid_grant',
      `The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime of 1.00:00:00, which can't be extended. It is now expired and a new sign in request must be sent by the SPA to the sign in page. The token was issued on ${entraInstant(issuedAt)}.`,
    ),
  grantRevoked: (grantIssuedAt: number, tokensValidFrom: number) =>
    e(
      50173,
      'invalid_grant',
      `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${entraInstant(grantIssuedAt)}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${entraInstant(tokensValidFrom)}'.`,
    ),
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
  /** only on errors that have one (65001 `consent_required`, 700082 `bad_token`) */
  suberror?: string;
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

/** `2024-05-01 09:14:28Z`, the format of Entra's `timestamp` field. */
export function entraTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

export function entraErrorResponse(err: EntraError, ctx: ErrorContext): { status: number; body: EntraErrorBody } {
  const timestamp = entraTimestamp(ctx.now);
  return {
    status: err.status,
    body: {
      error: err.error,
      error_description: `${err.message}\r\nTrace ID: ${ctx.traceId}\r\nCorrelation ID: ${ctx.correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [err.code],
      ...(err.suberror ? { suberror: err.suberror } : {}),
      timestamp,
      trace_id: ctx.traceId,
      correlation_id: ctx.correlationId,
      error_uri: `${ctx.baseUrl}/error?code=${err.code}`,
    },
  };
}
