/**
 * Partner Center's error answers. Every 4xx/5xx carries JSON `{code, description, data, source}`
 * ("Partner Center REST error codes", learn.microsoft.com/partner-center/developer/error-codes: `code` always
 * returned, `description` always returned and at most 1024 characters, `data` a list, `source` always
 * returned). The front door's errors say `"source": "PartnerFD"`. `code` is documented as a string but is
 * sent as a number in most published examples (`3000`, `20002`, `2200`) and as a string in others
 * (`"900420"`): clients must compare `String(code)`, and branch on status + code, never on the description.
 *
 * What the real service answers for each refusal the stand-in makes, and what that rests on:
 *
 * | Refusal | Status | code | Source |
 * |---|---|---|---|
 * | no / malformed bearer token | 401 | 800001 "Partner Token missing in request context" | error-codes table |
 * | token not valid (signature, expiry, issuer, audience — e.g. a token for https://api.partner.microsoft.com) | 401 | "900420" (a string), an "Invalid Token" description naming the reason | microsoft/Partner-Center-DotNet-Samples#140: `"code": "900420"`, 401, "The audience '…' in the token is invalid and is no longer supported in Partner Center API." |
 * | tenant is not a CSP partner | 403 | 900149 "{0} program status is not active." with {0} = CSP | error-codes table (Forbidden, 900149). The exact answer to a non-partner tenant is not published; the stand-in adds a sentence naming the tenant. |
 * | app-only token from an app not registered in App management | 401 | 400 "Access denied" | error-codes table (Unauthorized, 401, 400, "Access denied"); public reports of app-only calls from unregistered apps show a bare 401 (microsoft/Partner-Center-DotNet-Samples#84, Azure/azure-sdk-for-python#3079). The stand-in adds a sentence naming the app and where to register it. A client can only tell this apart from a bad token because its app-only token was freshly issued by Entra: 401 + code 400 after a good token means "app not enabled". |
 * | app-only token on an App+User-only API (/v1/profiles/mpn) | 403 | 403, "This resource can't be accessed by application credentials." | PartnerCenterSamples/Reseller-Web-Application#13 (a Partner Center engineer: app-only callers get 403; the user quotes this sentence); public Partner Center PowerShell modules match this exact sentence, and a JSON `code` of 403. The real body may be that sentence alone. |
 * | App+User token without MFA (no `mfa` in the v1.0 token's `amr`) | 401 | 900421, a description saying MFA is required | "Partner Center authentication" (learn.microsoft.com/partner-center/developer/partner-center-authentication): from 1 April 2026 every App+User call must carry MFA; Microsoft's "CSP technical changes FY26 Q4" (partner.microsoft.com/blog/article/csp-technical-changes-fy26-q4): "a 401 response with error code 900421". The description's wording is not published. |
 * | App+User token of a user without a Partner Center role | 403 | 900150 "The supplied role does not have the rights to perform the requested operation" | error-codes table (Forbidden, 900150); the same sentence in many SDK reports |
 * | 429 throttling | 429 + `Retry-After` (seconds) | from fault injection | REFERENCE.md; "API throttling guidance" |
 *
 * Responses carry `MS-CorrelationId` (the request's, else a new one) and `MS-RequestId` (the request's, else a
 * new one), as in the documented request/response examples.
 */

export const PARTNER_CENTER_SOURCE = 'PartnerFD';

export interface PartnerCenterErrorBody {
  code: number | string;
  description: string;
  data: unknown[];
  source: string;
}

/** Thrown by the token check and the routes; the server turns it into the wire shape. */
export class PartnerCenterError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | string,
    readonly description: string,
    readonly data: unknown[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${code}: ${description}`);
    this.name = 'PartnerCenterError';
  }

  toBody(): PartnerCenterErrorBody {
    return {
      code: this.code,
      description: this.description.slice(0, 1024),
      data: this.data,
      source: PARTNER_CENTER_SOURCE,
    };
  }
}

const e = (status: number, code: number | string, description: string) =>
  new PartnerCenterError(status, code, description);

/** The refusals the stand-in makes (see the table above). */
export const pcErrors = {
  tokenMissing: () => e(401, 800001, 'Partner Token missing in request context'),
  invalidToken: (reason: string) => e(401, '900420', `Invalid Token. ${reason}`),
  notAPartner: (tenantId: string) =>
    e(
      403,
      900149,
      `CSP program status is not active. The tenant ${tenantId} is not enrolled in the Cloud Solution Provider program: it has no Partner Center partner account.`,
    ),
  appNotEnabled: (appId: string) =>
    e(
      401,
      400,
      `Access denied. The application ${appId} is not registered for Partner Center API access in this partner's account (Partner Center > Account settings > App management).`,
    ),
  appOnlyNotSupported: () => e(403, 403, "This resource can't be accessed by application credentials."),
  mfaRequired: () =>
    e(
      401,
      900421,
      'Multi-factor authentication is required. App+User calls to Partner Center APIs must use a token from a sign-in with MFA.',
    ),
  roleNotAllowed: () => e(403, 900150, 'The supplied role does not have the rights to perform the requested operation'),
  invalidInput: (description: string) => e(400, 400056, `Invalid input. ${description}`),
  notFound: (what: string) => e(404, 1000, `Not found: ${what}`),
  partnerNotFoundByMpnId: (mpnId: string) =>
    e(404, 3000, `Partner Organization with partner_id ${mpnId} could not be found`),
  methodNotAllowed: (method: string, path: string, allow: string[]) =>
    new PartnerCenterError(405, 405, `The requested resource does not support http method '${method}' (${path}).`, [], {
      Allow: allow.join(', '),
    }),
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  408: 'Request timeout',
  409: 'Conflict',
  429: 'Too many requests',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
};

/** The body of an injected status without a body of its own: Partner Center's shape, `code` = the status. */
export function partnerCenterFaultBody(status: number): PartnerCenterErrorBody {
  return {
    code: status,
    description: STATUS_TEXT[status] ?? `HTTP ${status}`,
    data: [],
    source: PARTNER_CENTER_SOURCE,
  };
}
