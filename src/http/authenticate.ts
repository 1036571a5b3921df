import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { ErrorCode } from '../domain/error-codes';
import type { Caller } from '../domain/payer-account';
import type { AppServices } from '../composition';
import { problem } from './problem';

const ORGANIZATION_ID = /^[0-9A-Za-z-]{1,64}$/;
/** Entra ID's tenant of all personal Microsoft accounts: its users share no organization. */
const PERSONAL_ACCOUNTS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

/** Whether the caller holds the ops role where it counts: in a token of the operator's own tenant. */
export const isOperator = (caller: Caller, config: AppServices['config']) =>
  caller.roles.includes(config.API_OPS_ROLE) && config.API_OPS_TENANTS.includes(caller.tenantId);

/**
 * The caller from a verified bearer token (Entra ID's, or any OpenID Connect issuer's), or the 401/403 to answer. `member`: anyone signed in to an
 * organization; `write`: holding the write role; `ops`: an operator (the ops role in the operator's own tenant).
 */
export async function authenticate(
  request: HttpRequest,
  services: Pick<AppServices, 'config' | 'tokenVerifier'>,
  access: 'member' | 'write' | 'ops',
  log: Pick<InvocationContext, 'warn'>,
): Promise<{ ok: true; caller: Caller } | { ok: false; response: HttpResponseInit }> {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    return deny(
      401,
      ErrorCode.AuthenticationRequired,
      'Sign in: send an access token for this API as "Authorization: Bearer <token>".',
      'Bearer',
    );
  }
  const check = await services.tokenVerifier.verify(match[1]);
  if (!check.ok && check.unavailable) {
    log.warn(`Bearer token not checked: ${check.reason}`);
    return deny(
      503,
      ErrorCode.ServiceUnavailable,
      "Your sign-in could not be checked right now: the sign-in service's configuration or signing keys could not be fetched. Try again in a minute.",
    );
  }
  if (!check.ok) {
    return deny(
      401,
      ErrorCode.InvalidToken,
      'The access token is not valid for this API (signature, issuer, audience or lifetime). Sign in again.',
      'Bearer error="invalid_token"',
    );
  }
  const organizationId = check.claims[services.config.API_ORGANIZATION_CLAIM];
  const userId = check.claims.oid ?? check.claims.sub;
  // Entra ID names the caller's tenant in `tid`; another OpenID Connect issuer is its own tenant.
  const tenantId = check.claims.tid ?? check.claims.iss;
  if (
    typeof organizationId !== 'string' ||
    !ORGANIZATION_ID.test(organizationId) ||
    typeof userId !== 'string' ||
    typeof tenantId !== 'string'
  ) {
    return deny(
      401,
      ErrorCode.InvalidToken,
      'The access token does not identify your organization. Sign in again.',
      'Bearer error="invalid_token"',
    );
  }
  if (tenantId === PERSONAL_ACCOUNTS_TENANT) {
    return deny(
      403,
      ErrorCode.Forbidden,
      "A personal Microsoft account belongs to no organization here: sign in with your organization's work account.",
    );
  }
  const roles = Array.isArray(check.claims.roles)
    ? (check.claims.roles as unknown[]).filter((r): r is string => typeof r === 'string')
    : [];
  const writeRole = services.config.API_WRITE_ROLE;
  if (access === 'write' && !roles.includes(writeRole)) {
    return deny(
      403,
      ErrorCode.Forbidden,
      `This action needs the "${writeRole}" app role. Ask your administrator to assign it to you.`,
    );
  }
  const name = typeof check.claims.name === 'string' ? check.claims.name : undefined;
  const email = [check.claims.email, check.claims.preferred_username, check.claims.upn].find(
    (v): v is string => typeof v === 'string' && v.includes('@'),
  );
  const caller: Caller = {
    organizationId,
    tenantId,
    userId,
    roles,
    ...(name ? { name } : {}),
    ...(email ? { email } : {}),
  };
  if (access === 'ops' && !isOperator(caller, services.config)) {
    return deny(
      403,
      ErrorCode.Forbidden,
      `This action is for the operator's staff: it needs the "${services.config.API_OPS_ROLE}" app role in the operator's own tenant.`,
    );
  }
  return { ok: true, caller };
}

function deny(status: number, code: ErrorCode, message: string, challenge?: string) {
  return {
    ok: false as const,
    response: problem({ code, message }, status, challenge ? { 'www-authenticate': challenge } : {}),
  };
}
