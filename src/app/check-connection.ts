import type { ConnectionCheck, PathCheck } from '../domain/connection-check';
import { ConnectionPath, outcomeOf, pathError, verdictOf } from '../domain/connection-check';
import { nextConnectionCheckAt } from '../domain/connection-check-quota';
import type { CredentialError } from '../domain/credential-errors';
import { unavailable } from '../domain/credential-errors';
import type { FieldError, Result } from '../domain/error-codes';
import { ErrorCode, fail, ok } from '../domain/error-codes';
import type { Caller, PayerAccountRecord } from '../domain/payer-account';
import { TransientError } from '../domain/transient-error';
import type { AuditTrail } from '../ports/audit-trail';
import type { Clock } from '../ports/clock';
import type { PartnerApi } from '../ports/partner-api';
import type { PartnerCenter } from '../ports/partner-center';
import { SecretStoreError } from '../ports/secret-store';
import type { QuotaRefusal } from './check-consent-email-quota';
import type { KeepTokenAliveDeps, TokenRefresh } from './keep-token-alive';
import { refreshAccountToken } from './keep-token-alive';
import { PARTNER_CENTER_DELEGATED_SCOPE } from './redeem-consent';
import { isTransient } from './retry-transient';

export interface CheckConnectionDeps {
  /** The keep-alive's machinery (with a person's request's retries): the refresh rotates and keeps the cache as it does. */
  refresh: KeepTokenAliveDeps;
  partnerCenter: PartnerCenter;
  partnerApi: PartnerApi;
  auditTrail: AuditTrail;
  clock: Clock;
  perHour: number;
}

export interface CheckedConnection {
  registrationId: string;
  check: ConnectionCheck;
}

const notFound = (): FieldError => ({
  code: ErrorCode.PayerAccountNotFound,
  message: 'Your organization has no registered Azure CSP payer account to check. Complete the registration first.',
});

/**
 * Proves every data path of the registered account now: the refresh token (redeemed, rotated and kept exactly as the
 * weekly keep-alive does, which also records the account's health and flags a dead token for re-consent), then with
 * the fresh tokens the price sheet of the account's market, the invoices and the MPN profile. Each path answers ok or
 * Microsoft's refusal with its codes and IDs; the check is kept on the account. At most `perHour` per organization.
 */
export async function checkConnection(
  caller: Caller,
  deps: CheckConnectionDeps,
): Promise<Result<CheckedConnection, FieldError | QuotaRefusal>> {
  const now = deps.clock.now();
  const next = nextConnectionCheckAt(
    await deps.auditTrail.list(caller.organizationId, { limit: 100 }),
    now,
    deps.perHour,
  );
  if (next > now) {
    return fail({
      code: ErrorCode.TooManyConnectionChecks,
      message: `Your organization has checked the connection ${deps.perHour} times within the last hour. Try again after ${next.toISOString()}.`,
      retryAfterSeconds: Math.ceil((next.getTime() - now.getTime()) / 1000),
    });
  }
  const record = await deps.refresh.payerAccounts.find(caller.organizationId);
  if (record?.state !== 'registered' || !record.account) return fail(notFound());

  const refreshed = await refreshOrUnavailable(record, deps);
  if (refreshed.outcome === 'skipped') return fail(notFound());
  const at = () => deps.clock.now().toISOString();
  const paths: PathCheck[] = [refreshPath(refreshed, at())];
  if (refreshed.tokens) {
    const { partnerApi, others } = refreshed.tokens;
    const partnerCenterToken = others[PARTNER_CENTER_DELEGATED_SCOPE];
    const { country } = record.account;
    paths.push(
      ...(await Promise.all([
        prove(ConnectionPath.PriceSheet, at, async () => {
          const sheet = await deps.partnerApi.readPriceSheet(partnerApi, country);
          return sheet.ok
            ? ok(`The ${country} Azure price sheet answered; its first ${sheet.value.rows} rows were read.`)
            : sheet;
        }),
        prove(ConnectionPath.Billing, at, async () => {
          if (!partnerCenterToken.ok) return partnerCenterToken;
          const invoices = await deps.partnerCenter.readInvoices(partnerCenterToken.value);
          return invoices.ok ? ok(`Partner Center listed the invoices (${invoices.value.invoices} read).`) : invoices;
        }),
        prove(ConnectionPath.MpnProfile, at, async () => {
          if (!partnerCenterToken.ok) return partnerCenterToken;
          const mpnId = await deps.partnerCenter.mpnId(partnerCenterToken.value);
          return mpnId.ok ? ok(`Partner Center answered the MPN ID ${mpnId.value}.`) : mpnId;
        }),
      ])),
    );
  } else {
    for (const path of [ConnectionPath.PriceSheet, ConnectionPath.Billing, ConnectionPath.MpnProfile])
      paths.push({ path, outcome: 'notChecked', at: at(), detail: 'Needs a working refresh token.' });
  }
  const check: ConnectionCheck = {
    checkedAt: now.toISOString(),
    verdict: verdictOf(paths),
    reconsentRequired: refreshed.outcome === 'reconsentRequired',
    paths,
  };
  await keep(caller.organizationId, check, deps);
  return ok({ registrationId: record.registrationId, check });
}

/** The keep-alive throws only when the vault kept refusing to store the rotated cache: the refresh path is unavailable. */
async function refreshOrUnavailable(record: PayerAccountRecord, deps: CheckConnectionDeps): Promise<TokenRefresh> {
  try {
    return await refreshAccountToken(record, deps.refresh, [PARTNER_CENTER_DELEGATED_SCOPE]);
  } catch (error) {
    if (!isTransient(error)) throw error;
    return { outcome: 'transient', error: passingFault(error, ErrorCode.IdentityProviderUnavailable, 'Entra ID') };
  }
}

function refreshPath(refreshed: TokenRefresh, at: string): PathCheck {
  const path = ConnectionPath.RefreshToken;
  if (refreshed.outcome === 'refreshed')
    return { path, outcome: 'ok', at, detail: 'Entra ID redeemed the refresh token; the new one is kept.' };
  const error = refreshed.error as CredentialError;
  return { path, outcome: outcomeOf(error), at, error: pathError(error) };
}

/** One data path: ok with what was proven, Microsoft's refusal, or unavailable when it kept failing for now. */
async function prove(
  path: ConnectionPath,
  at: () => string,
  run: () => Promise<Result<string, CredentialError>>,
): Promise<PathCheck> {
  let result: Result<string, CredentialError>;
  try {
    result = await run();
  } catch (error) {
    if (!isTransient(error)) throw error;
    // Partner Center's client answers its passing faults as results; the Partner API's throws them.
    result = fail(passingFault(error, ErrorCode.PartnerCenterUnavailable, 'The Microsoft Partner API'));
  }
  if (result.ok) return { path, outcome: 'ok', at: at(), detail: result.value };
  return { path, outcome: outcomeOf(result.error), at: at(), error: pathError(result.error) };
}

function passingFault(error: unknown, code: ErrorCode, service: string): CredentialError {
  if (error instanceof SecretStoreError)
    return unavailable(ErrorCode.SecretStoreUnavailable, 'Key Vault', { correlationId: error.details.requestId });
  const { status, correlationId } = error instanceof TransientError ? error.details : {};
  return unavailable(code, service, {
    ...(status !== undefined ? { partnerCenterCode: status } : {}),
    ...(correlationId ? { correlationId } : {}),
  });
}

/** Kept on the account with a conditional merge, read again on a concurrent change (the keep-alive writes the same row). */
async function keep(organizationId: string, check: ConnectionCheck, deps: CheckConnectionDeps): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await deps.refresh.payerAccounts.find(organizationId);
    if (current?.state !== 'registered') return;
    const saved = await deps.refresh.payerAccounts.update(organizationId, current.version as string, {
      lastConnectionCheck: check,
    });
    if (saved !== 'changed') return;
  }
}
