import type { RegisteredPayerAccount } from '../domain/consent';
import { PARTNER_API_SCOPE } from '../domain/consent';
import type { CredentialError } from '../domain/credential-errors';
import { unavailable } from '../domain/credential-errors';
import type { Result } from '../domain/error-codes';
import { ErrorCode, fail } from '../domain/error-codes';
import type { PayerAccountRecord } from '../domain/payer-account';
import type { StagedSecret } from '../domain/partner-center-credentials';
import { healthOf, healthyAt, needsReconsent, reconsentMessage } from '../domain/token-health';
import type { Clock } from '../ports/clock';
import type { DelegatedSession, DelegatedTokens } from '../ports/delegated-tokens';
import type { PayerAccountChanges, PayerAccounts } from '../ports/payer-accounts';
import type { SecretStore } from '../ports/secret-store';
import type { RetryPolicy } from './retry-transient';
import { isTransient, retryTransient, throttledFor } from './retry-transient';
import { saveAccountChanges } from './save-account-changes';

export interface KeepTokenAliveDeps {
  payerAccounts: PayerAccounts;
  secretStore: SecretStore;
  delegated: DelegatedTokens;
  clock: Clock;
  /** Attempts for transient faults (Entra ID or Key Vault) and the first pause, doubled each time. */
  retry: RetryPolicy;
}

/**
 * `transient`: Microsoft or the vault kept failing, the state was left as it was; `skipped`: no longer registered;
 * `throttled`: Entra ID or Key Vault asked to slow down before anything was redeemed (nothing changed).
 */
export type KeepAliveOutcome = 'refreshed' | 'reconsentRequired' | 'failed' | 'transient' | 'skipped' | 'throttled';

/** A refresh as the keep-alive did it, with what a caller that goes on to use the token needs (in memory only). */
export interface TokenRefresh {
  outcome: KeepAliveOutcome;
  /** Why it did not refresh, as recorded in the account's health. */
  error?: CredentialError;
  /** Once refreshed: the Partner API's access token, and one for each further scope asked for (or why not). */
  tokens?: { partnerApi: string; others: Record<string, Result<string, CredentialError>> };
  /** Throttled: how long Entra ID or Key Vault asked to wait. */
  retryAfterMs?: number;
  /** Refreshed already since the time asked about (a retried keep-alive turn): nothing was redeemed now. */
  alreadyRefreshed?: boolean;
}

type Refreshed = { cache: string; from: StagedSecret; tokens: NonNullable<TokenRefresh['tokens']> };

const sameRef = (a: StagedSecret | undefined, b: StagedSecret) => a?.name === b.name && a.version === b.version;

/**
 * Redeems the account's refresh token once (which rotates it), keeps the new token cache and
 * records the account's health. The vault is the source of truth for the cache: its newest version
 * is used, so a cache stored but not yet recorded is never lost. Re-consent errors flag the account;
 * transient faults are retried and, if they persist, recorded without changing whether re-consent
 * is required. Findings are recorded only while the account still holds the token and secret used.
 * An account refreshed at or after `since` is not redeemed again (a keep-alive turn run twice after a crash).
 */
export async function keepTokenAlive(
  organizationId: string,
  since: Date,
  deps: KeepTokenAliveDeps,
): Promise<TokenRefresh> {
  const record = await deps.payerAccounts.find(organizationId);
  const lastRefreshAt = record?.health?.lastRefreshAt;
  if (record?.state === 'registered' && lastRefreshAt && Date.parse(lastRefreshAt) >= since.getTime())
    return { outcome: 'refreshed', alreadyRefreshed: true };
  return refreshAccountToken(record, deps, [], since);
}

/**
 * keepTokenAlive's work, answering also the access tokens the refresh got: the Partner API's, and one for each scope
 * of `alsoFor` (asked for before the cache is stored, so the kept cache holds the refresh token of the last request).
 * The connection check proves the account's data paths with them. `record` is the account as the caller just read
 * it: its version guards every change, which reads it again when it moved on meanwhile.
 */
export async function refreshAccountToken(
  record: PayerAccountRecord | undefined,
  deps: KeepTokenAliveDeps,
  alsoFor: readonly string[] = [],
  since?: Date,
): Promise<TokenRefresh> {
  if (record?.state !== 'registered' || !record.account) return { outcome: 'skipped' };
  const used = record.account;
  const stillUsed = (current: PayerAccountRecord) =>
    current.account?.tokenCache.name === used.tokenCache.name &&
    sameRef(current.account.applicationSecret, used.applicationSecret);
  let outcome: Refreshed | { error: CredentialError } | { stored: StagedSecret } | 'transient';
  try {
    outcome = await retryTransient(
      () => refresh(used, deps, alsoFor, since),
      { ...deps.retry, stopWhenThrottled: true },
      deps.clock,
    );
  } catch (error) {
    if (!isTransient(error)) throw error;
    const retryAfterMs = throttledFor(error);
    if (retryAfterMs !== undefined)
      return {
        outcome: 'throttled',
        retryAfterMs,
        error: unavailable(ErrorCode.IdentityProviderUnavailable, 'Entra ID or Key Vault'),
      };
    outcome = 'transient';
  }
  const now = deps.clock.now();
  if (outcome === 'transient') {
    const lastError = {
      code: ErrorCode.IdentityProviderUnavailable,
      message: 'Entra ID or Key Vault could not be reached; the next round tries again.',
      transient: true,
    };
    await save(record, deps, (current) =>
      stillUsed(current)
        ? { health: { ...healthOf(current), lastAttemptAt: now.toISOString(), lastError } }
        : undefined,
    );
    return { outcome: 'transient', error: { code: lastError.code, message: lastError.message, unavailable: true } };
  }
  if ('error' in outcome) {
    const reconsentRequired = needsReconsent(outcome.error);
    const { aadsts, traceId, correlationId } = outcome.error;
    // Whatever Entra ID's code maps to at consent time, for a registered account it means the token is dead.
    const code = reconsentRequired ? ErrorCode.TokenNoLongerValid : outcome.error.code;
    const message = reconsentRequired ? reconsentMessage(outcome.error) : outcome.error.message;
    await save(record, deps, (current) =>
      stillUsed(current)
        ? {
            health: {
              ...healthOf(current),
              lastAttemptAt: now.toISOString(),
              lastError: { code, message, aadsts, traceId, correlationId },
              reconsentRequired: healthOf(current).reconsentRequired || reconsentRequired,
            },
          }
        : undefined,
    );
    return {
      outcome: reconsentRequired ? 'reconsentRequired' : 'failed',
      error: { ...outcome.error, code, message },
    };
  }
  if ('stored' in outcome) {
    // An earlier run of this turn redeemed the token and stored the cache, then stopped (a crash): record it.
    await recordCache(record, { used: used.tokenCache, from: used.tokenCache, cache: outcome.stored }, now, deps);
    return { outcome: 'refreshed', alreadyRefreshed: true };
  }
  const { cache: fresh, from, tokens } = outcome;
  const cache = await retryTransient(
    () => deps.secretStore.put(used.tokenCache.name, fresh, { contentType: 'msal-token-cache' }),
    deps.retry,
    deps.clock,
  );
  await recordCache(record, { used: used.tokenCache, from, cache }, now, deps);
  return { outcome: 'refreshed', tokens };
}

/**
 * Records the new cache and disables those it supersedes: older caches still hold refresh tokens Entra ID accepts
 * until they expire, so only the token in use stays readable. Another refresh may have recorded its own cache since
 * this one read the account (the keep-alive and a person's connection check at once): then the vault's newer of the
 * two is recorded and the other disabled, never the vault's newest version, which the next refresh reads.
 */
async function recordCache(
  record: PayerAccountRecord,
  refs: { used: StagedSecret; from: StagedSecret; cache: StagedSecret },
  now: Date,
  deps: KeepTokenAliveDeps,
): Promise<void> {
  let current: PayerAccountRecord | undefined = record;
  for (let attempt = 0; attempt < 3 && current?.state === 'registered' && current.account; attempt++) {
    const recorded = current.account.tokenCache;
    // A re-consent swapped the account's token meanwhile: it deletes this name with the old token.
    if (recorded.name !== refs.cache.name) return;
    const superseded = [refs.from, refs.used];
    if (!sameRef(recorded, refs.used)) {
      const newest = await newestVersion(refs.cache.name, deps);
      // A newer cache is in the vault: the refresh that stored it records it.
      if (newest !== undefined && newest !== refs.cache.version) return retire([refs.cache], deps);
      if (newest !== undefined) superseded.push(recorded);
    }
    const saved = await deps.payerAccounts.update(current.organizationId, current.version as string, {
      account: { ...current.account, tokenCache: refs.cache },
      health: healthyAt(now, current.health),
    });
    if (saved === 'updated')
      return retire(
        superseded.filter((ref) => ref.version !== refs.cache.version),
        deps,
      );
    if (saved === 'gone') return;
    current = await deps.payerAccounts.find(current.organizationId);
  }
}

/** The vault's newest version of the cache; undefined when the vault cannot tell now. */
async function newestVersion(name: string, deps: KeepTokenAliveDeps): Promise<string | undefined> {
  try {
    return (await deps.secretStore.getLatest(name))?.ref.version;
  } catch (error) {
    if (!isTransient(error)) throw error;
    return undefined;
  }
}

/** Best effort: if the vault is unavailable the versions stay enabled, and the refresh still counts. */
async function retire(refs: StagedSecret[], deps: KeepTokenAliveDeps): Promise<void> {
  const distinct = refs.filter((ref, i) => refs.findIndex((other) => sameRef(other, ref)) === i);
  await Promise.all(
    distinct.map((ref) =>
      deps.secretStore.disableVersion(ref).catch((error: unknown) => {
        if (!isTransient(error)) throw error;
      }),
    ),
  );
}

async function refresh(
  account: RegisteredPayerAccount,
  deps: KeepTokenAliveDeps,
  alsoFor: readonly string[],
  since: Date | undefined,
): Promise<Refreshed | { error: CredentialError } | { stored: StagedSecret }> {
  const [clientSecret, cache] = await Promise.all([
    deps.secretStore.get(account.applicationSecret),
    deps.secretStore.getLatest(account.tokenCache.name),
  ]);
  if (clientSecret === undefined)
    return {
      error: {
        code: ErrorCode.SecretNoLongerAvailable,
        message: 'The application secret is no longer in the vault: a new client secret must be given to Octo.',
      },
    };
  if (cache === undefined)
    return {
      error: {
        code: ErrorCode.TokenNoLongerValid,
        message: 'The stored consent is no longer in the vault: an admin must consent again.',
      },
    };
  const storedSince = since && cache.createdAt && cache.createdAt.getTime() >= since.getTime();
  if (storedSince && cache.ref.version !== account.tokenCache.version) return { stored: cache.ref };
  const session = await deps.delegated.resume({
    tenantId: account.tenantId,
    clientId: account.applicationId,
    clientSecret,
    cache: cache.value,
    scope: PARTNER_API_SCOPE,
  });
  if (!session.ok) return { error: session.error };
  const others: Record<string, Result<string, CredentialError>> = {};
  for (const scope of alsoFor) others[scope] = await tokenFor(session.value, scope);
  return {
    cache: session.value.serializeCache(),
    from: cache.ref,
    tokens: { partnerApi: session.value.accessToken, others },
  };
}

/** A passing fault here is the further scope's alone: the refresh itself went through and its cache must be kept. */
async function tokenFor(session: DelegatedSession, scope: string): Promise<Result<string, CredentialError>> {
  try {
    return await session.tokenFor(scope);
  } catch (error) {
    if (!isTransient(error)) throw error;
    return fail(unavailable(ErrorCode.IdentityProviderUnavailable, 'Entra ID'));
  }
}

/** Changes to a registered account only (see saveAccountChanges). */
function save(
  record: PayerAccountRecord,
  deps: KeepTokenAliveDeps,
  decide: (current: PayerAccountRecord) => PayerAccountChanges | undefined,
): Promise<boolean> {
  return saveAccountChanges(deps.payerAccounts, record, (current) =>
    current.state === 'registered' ? decide(current) : undefined,
  );
}
