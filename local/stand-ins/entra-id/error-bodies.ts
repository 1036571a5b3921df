import { randomUUID } from 'node:crypto';
import { aadsts, EntraError, entraErrorResponse, type EntraErrorBody, type OAuthErrorName } from './errors';

/**
 * Entra's exact error answers for a given AADSTS code, for fault injection: a test can make the token
 * endpoint answer e.g. AADSTS7000215 for the first N calls (secret replication delay) with
 *
 *   const { status, body } = aadstsErrorBody(7000215, { clientId });
 *   POST {entra.url}/_control/faults {match: '^POST /[^/]+/oauth2/v2\\.0/token$', status, body, count: 1}
 *
 * The body carries fixed trace/correlation IDs and timestamp (those of this call), in Entra's shape.
 */
export interface AadstsErrorBodyOptions {
  /** Fills the `{client_id}` in messages that name the app (7000215, 7000222, 700016). */
  clientId?: string;
  /** Fills the tenant in messages that name it (90002, 700016, 500011, 50034). */
  tenant?: string;
  /** Fills the redirect URI in messages that name it (50011, 500112). */
  redirectUri?: string;
  /** Overrides the message after `AADSTSnnnn: ` (required for codes the stand-in does not know). */
  message?: string;
  /** Overrides the OAuth `error` (required for codes the stand-in does not know). */
  error?: OAuthErrorName | 'temporarily_unavailable' | 'server_error' | 'interaction_required';
  /** Overrides the `suberror` (known codes keep theirs: 65001 `consent_required`, 700082 `bad_token`). */
  suberror?: string;
  /** Overrides the HTTP status (default: 401 for invalid_client, 5xx errors 503, else 400). */
  status?: number;
  /** ms since epoch for `timestamp` (default now). */
  now?: number;
  traceId?: string;
  correlationId?: string;
  /** The stand-in's URL, for `error_uri` (default https://login.microsoftonline.com, as Entra's). */
  baseUrl?: string;
}

type Known = (o: AadstsErrorBodyOptions) => EntraError;

const KNOWN: Record<number, Known> = {
  90002: (o) => aadsts.tenantNotFound(o.tenant ?? '{tenant}'),
  50059: () => aadsts.noTenantIdentifier(),
  700016: (o) => aadsts.appNotInTenant(o.clientId ?? '{client_id}', o.tenant ?? '{tenant}'),
  7000215: (o) => aadsts.invalidClientSecret(o.clientId ?? '{client_id}'),
  7000222: (o) => aadsts.expiredClientSecret(o.clientId ?? '{client_id}'),
  7000218: () => aadsts.missingClientCredential(),
  700025: () => aadsts.publicClientWithSecret(),
  70011: () => aadsts.scopeMissing(),
  700022: () => aadsts.scopeSeveralResources('{scope}'),
  500011: (o) => aadsts.resourceNotFound('{resource}', o.tenant ?? '{tenant}'),
  50126: () => aadsts.invalidPassword(),
  50034: (o) => aadsts.userNotFound(o.tenant ?? '{tenant}'),
  70003: () => aadsts.unsupportedGrantType('{grant_type}'),
  // Authorization code flow and refresh tokens.
  50194: (o) => aadsts.singleTenantAppOnCommon(o.clientId ?? '{client_id}', '{app_name}'),
  900971: () => aadsts.noReplyAddress(),
  50011: (o) => aadsts.replyUrlNotRegistered(o.clientId ?? '{client_id}'),
  500112: (o) => aadsts.replyAddressMismatch(o.redirectUri ?? '{redirect_uri}', '{original_redirect_uri}'),
  700009: () => aadsts.replyAddressMissing(),
  700051: () => aadsts.responseTypeNotEnabled('{response_type}'),
  50149: () => aadsts.invalidCodeChallengeMethod(),
  501491: () => aadsts.invalidCodeChallengeSize(),
  650057: (o) =>
    aadsts.resourceNotInRegistration(o.clientId ?? '{client_id}', '{app_name}', '{resource}', '{resource_app_id}', []),
  650056: (o) => aadsts.permissionNotInRegistration(o.clientId ?? '{client_id}', '{resource}'),
  50058: () => aadsts.loginRequired(),
  65004: () => aadsts.userDeclinedConsent(),
  9002313: () => aadsts.malformedGrant(),
  54005: () => aadsts.codeAlreadyRedeemed(),
  70008: () => aadsts.codeExpired(),
  700005: () => aadsts.codeForOtherTenant(),
  700007: () => aadsts.grantForOtherClient(),
  501481: () => aadsts.pkceMismatch(),
  9002326: () => aadsts.crossOriginRedemptionNotSpa('https://a-browser.example'),
  9002327: () => aadsts.spaCodeRedeemedByServer(),
  65001: (o) => aadsts.consentRequired(o.clientId ?? '{client_id}', '{app_name}'),
  70000: () => aadsts.refreshTokenNotValid(),
  700082: (o) => aadsts.refreshTokenInactive((o.now ?? Date.now()) - 90 * 24 * 3600_000),
  700084: (o) => aadsts.spaRefreshTokenExpired((o.now ?? Date.now()) - 24 * 3600_000),
  50173: (o) => aadsts.grantRevoked((o.now ?? Date.now()) - 24 * 3600_000, o.now ?? Date.now()),
};

/** A transient Entra failure (what a 5xx fault without a body answers). */
const TRANSIENT_MESSAGE = 'A transient error has occurred. Please try again.';

export function aadstsErrorBody(
  code: number,
  options: AadstsErrorBodyOptions = {},
): { status: number; body: EntraErrorBody } {
  const known = KNOWN[code]?.(options);
  const error = options.error ?? known?.error;
  const message = options.message ?? known?.message.replace(/^AADSTS\d+: /, '');
  if (error === undefined || message === undefined) {
    throw new Error(`aadstsErrorBody: AADSTS${code} is not known to the stand-in; pass error and message`);
  }
  const err = new EntraError(code, error as OAuthErrorName, message, options.suberror ?? known?.suberror);
  const { body } = entraErrorResponse(err, {
    now: options.now ?? Date.now(),
    traceId: options.traceId ?? randomUUID(),
    correlationId: options.correlationId ?? randomUUID(),
    baseUrl: options.baseUrl ?? 'https://login.microsoftonline.com',
  });
  const status = options.status ?? (error === 'temporarily_unavailable' || error === 'server_error' ? 503 : err.status);
  return { status, body };
}

/** The body the Entra stand-in answers for an injected status without a body of its own. */
export function entraFaultBody(
  status: number,
  ctx: { now: number; traceId: string; correlationId: string; baseUrl: string },
): EntraErrorBody {
  const transient = status === 429 || status >= 500;
  return aadstsErrorBody(transient ? 90033 : 90000, {
    error: transient ? 'temporarily_unavailable' : 'invalid_request',
    message: transient ? TRANSIENT_MESSAGE : `Fault injected by the Entra ID stand-in (HTTP ${status}).`,
    ...ctx,
  }).body;
}
