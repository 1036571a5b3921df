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
  /** Fills the tenant in messages that name it (90002, 700016, 500011). */
  tenant?: string;
  /** Overrides the message after `AADSTSnnnn: ` (required for codes the stand-in does not know). */
  message?: string;
  /** Overrides the OAuth `error` (required for codes the stand-in does not know). */
  error?: OAuthErrorName | 'temporarily_unavailable' | 'server_error' | 'interaction_required' | 'access_denied';
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
  70003: () => aadsts.unsupportedGrantType('{grant_type}'),
};

/** A transient Entra failure (what a 5xx fault without a body answers). */
const TRANSIENT_MESSAGE = 'A transient error has occurred. Please try again.';

export function aadstsErrorBody(code: number, options: AadstsErrorBodyOptions = {}): { status: number; body: EntraErrorBody } {
  const known = KNOWN[code]?.(options);
  const error = options.error ?? known?.error;
  const message = options.message ?? known?.message.replace(/^AADSTS\d+: /, '');
  if (error === undefined || message === undefined) {
    throw new Error(`aadstsErrorBody: AADSTS${code} is not known to the stand-in; pass error and message`);
  }
  const err = new EntraError(code, error as OAuthErrorName, message);
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
export function entraFaultBody(status: number, ctx: { now: number; traceId: string; correlationId: string; baseUrl: string }): EntraErrorBody {
  const transient = status === 429 || status >= 500;
  return aadstsErrorBody(transient ? 90033 : 90000, {
    error: transient ? 'temporarily_unavailable' : 'invalid_request',
    message: transient ? TRANSIENT_MESSAGE : `Fault injected by the Entra ID stand-in (HTTP ${status}).`,
    ...ctx,
  }).body;
}
