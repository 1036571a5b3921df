/**
 * The Partner API's error answers (`https://api.partner.microsoft.com`, the host of the price sheet and
 * foreign-exchange-rate downloads — not Partner Center's `api.partnercenter.microsoft.com`).
 *
 * What was found about the real service, and what the stand-in does with it:
 *
 * - The Partner API's front door answers a token it does not accept (wrong audience, e.g. a token for
 *   `https://api.partnercenter.microsoft.com`; missing or bad `Authorization` header) with 401 and the JSON
 *   body `{"statusCode": 401, "message": "Unauthorized: Invalid Authorization header"}` — quoted in
 *   learn.microsoft.com/answers/questions/… "API to get foreign exchange rates from partner center" (same host,
 *   `/v1.0/sales/fxrates(Month='201909')/$value`; the accepted answer: the token was for
 *   api.partnercenter.microsoft.com instead of api.partner.microsoft.com), and as
 *   "401, Unauthorized: Invalid Authorization header" for `/v1.0/sales/pricesheets(…)/$value` in
 *   microsoft/Partner-Center-PowerShell#405 and #414. `{statusCode, message}` is Azure API Management's own
 *   error shape (its `validate-jwt` / rate-limit policies), i.e. NOT Partner Center's
 *   `{code, description, data, source}` and NOT the ARM-style `{error: {code, message}}`.
 * - The refusals after the token is accepted are not published: the "Get a price sheet" page only says
 *   App+User only ("Application-only isn't yet supported"), the user must be Admin agent or Sales agent, and
 *   "partners that experience http error:400 should consult the Partner API authentication documentation".
 *   The stand-in answers them 403 in the same `{statusCode, message}` shape, with a message naming the cause.
 *   Clients must branch on the HTTP status only (401: get another token; 403: the consenting user, the tenant
 *   or the kind of token is wrong), never on the message.
 * - 429 carries `Retry-After` (seconds); API Management's own rate-limit body is
 *   `{"statusCode": 429, "message": "Rate limit is exceeded. Try again in N seconds."}`; an injected 429 without a
 *   body of its own answers `{"statusCode": 429, "message": "Rate limit is exceeded. Try again later."}`.
 *
 * | Refusal | Status | message (stand-in) |
 * |---|---|---|
 * | no / malformed bearer, bad signature, expired, wrong audience or issuer | 401 | `Unauthorized: Invalid Authorization header` (as published) |
 * | app-only token (`idtyp: app`, or no `scp`) | 400 | `Bad request: application-only tokens are not supported…` (the page: app-only "isn't yet supported"; a 400 means "consult the Partner API authentication documentation") |
 * | delegated token without `user_impersonation` in `scp` | 403 | `Forbidden: the token's scopes (scp) do not include user_impersonation.` |
 * | tenant is not a CSP partner | 403 | `Forbidden: tenant … is not a Cloud Solution Provider partner…` |
 * | user without the Admin agent / Sales agent role | 403 | `Forbidden: the signed-in user … must have the Admin agent or Sales agent role…` |
 * | bad Market, PricesheetView, timeline or month | 400 | `Bad request: …` |
 */

export interface PartnerApiErrorBody {
  statusCode: number;
  message: string;
}

/** Thrown by the token check and the route; the server turns it into the wire shape. */
export class PartnerApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'PartnerApiError';
  }

  toBody(): PartnerApiErrorBody {
    return { statusCode: this.status, message: this.message };
  }
}

/** The published 401 message: the same for every token the front door refuses. */
export const INVALID_AUTHORIZATION_HEADER = 'Unauthorized: Invalid Authorization header';

export const partnerApiErrors = {
  /** Every token refusal: the real front door does not say why; `reason` is for the stand-in's log only. */
  unauthorized: () => new PartnerApiError(401, INVALID_AUTHORIZATION_HEADER),
  /** "Application-only isn't yet supported. Partners that experience http error:400 should consult the Partner API authentication documentation." (get-a-price-sheet) */
  appOnlyNotSupported: () =>
    new PartnerApiError(
      400,
      'Bad request: application-only tokens are not supported by this API; use App+User (delegated) authentication.',
    ),
  scopeMissing: () =>
    new PartnerApiError(403, "Forbidden: the token's scopes (scp) do not include user_impersonation."),
  notAPartner: (tenantId: string) =>
    new PartnerApiError(
      403,
      `Forbidden: tenant ${tenantId} is not a Cloud Solution Provider partner (no active CSP partner account).`,
    ),
  roleNotAllowed: (user: string) =>
    new PartnerApiError(
      403,
      `Forbidden: the signed-in user ${user} must have the Admin agent or Sales agent role in Partner Center.`,
    ),
  badRequest: (what: string) => new PartnerApiError(400, `Bad request: ${what}`),
  notFound: (path: string) => new PartnerApiError(404, `Resource not found: ${path}`),
  methodNotAllowed: (method: string) =>
    new PartnerApiError(405, `Method not allowed: ${method}`, { Allow: 'GET, HEAD' }),
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request',
  401: INVALID_AUTHORIZATION_HEADER,
  403: 'Forbidden',
  404: 'Resource not found',
  408: 'Request timeout',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
};

/** The body of an injected status without a body of its own (fault injection). */
export function partnerApiFaultBody(status: number): PartnerApiErrorBody {
  if (status === 429) return { statusCode: 429, message: 'Rate limit is exceeded. Try again later.' };
  return { statusCode: status, message: STATUS_TEXT[status] ?? `HTTP ${status}` };
}
