import type { RegisteredPayerAccount } from '../domain/consent';
import { PARTNER_API_SCOPE } from '../domain/consent';
import type { CredentialError } from '../domain/credential-errors';
import { ErrorCode } from '../domain/error-codes';
import type { PayerAccountRecord } from '../domain/payer-account';
import type { StagedSecret } from '../domain/partner-center-credentials';
import type { AccountHealth } from '../domain/token-health';
import { healthOf, healthyAt, needsReconsent, reconsentMessage } from '../domain/token-health';
import type { Clock } from '../ports/clock';
import type { DelegatedTokens } from '../ports/delegated-tokens';
import type { PayerAccounts } from '../ports/payer-accounts';
import type { SecretStore } from '../ports/secret-store';
import { isTransient, retryTransient } from './retry-transient';

export interface KeepTokenAliveDeps {
  payerAccounts: PayerAccounts;
  secretStore: SecretStore;
  delegated: DelegatedTokens;
  clock: Clock;
  /** Attempts for transient faults (Entra ID or Key Vault) and the first pause, doubled each time. */
  retry: { attempts: number; firstDelayMs: number };
}

/** `transient`: Microsoft or the vault kept failing, the state was left as it was; `skipped`: no longer registered. */
export type KeepAliveOutcome = 'refreshed' | 'reconsentRequired' | 'failed' | 'transient' | 'skipped';

const sameRef = (a: StagedSecret | undefined, b: StagedSecret) => a?.name === b.name && a.version === b.version;

/**
 * Redeems the account's refresh token once (which rotates it), keeps the new token cache and
 * records the account's health. The vault is the source of truth for the cache: its newest version
 * is used, so a cache stored but not yet recorded is never lost. Re-consent errors flag the account;
 * transient faults are retried and, if they persist, recorded without changing whether re-consent
 * is required. Findings are recorded only while the account still holds the token and secret used.
 */
export async function keepTokenAlive(listed: PayerAccountRecord, deps: KeepTokenAliveDeps): Promise<KeepAliveOutcome> {
  const record = await deps.payerAccounts.find(listed.organizationId);
  if (record?.state !== 'registered' || !record.account) return 'skipped';
  const used = record.account;
  const stillUsed = (current: PayerAccountRecord) =>
    current.account?.tokenCache.name === used.tokenCache.name &&
    sameRef(current.account.applicationSecret, used.applicationSecret);
  let outcome: { cache: string; from: StagedSecret } | { error: CredentialError } | 'transient';
  try {
    outcome = await retryTransient(() => refresh(used, deps), deps.retry, deps.clock);
  } catch (error) {
    if (!isTransient(error)) throw error;
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
    return 'transient';
  }
  if ('error' in outcome) {
    const reconsentRequired = needsReconsent(outcome.error);
    const { code, aadsts, traceId, correlationId } = outcome.error;
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
    return reconsentRequired ? 'reconsentRequired' : 'failed';
  }
  const { cache: fresh, from } = outcome;
  const cache = await retryTransient(
    () => deps.secretStore.put(used.tokenCache.name, fresh, { contentType: 'msal-token-cache' }),
    deps.retry,
    deps.clock,
  );
  const recorded = await save(record, deps, (current) =>
    current.account?.tokenCache.name === used.tokenCache.name
      ? { account: { ...current.account, tokenCache: cache }, health: healthyAt(now, current.health) }
      : undefined,
  );
  if (recorded)
    await retire(
      [from, used.tokenCache].filter((ref) => ref.version !== cache.version),
      deps,
    );
  return 'refreshed';
}

/**
 * Older caches still hold refresh tokens Entra ID may accept until they expire, so once the new
 * cache is recorded they are disabled: only the token in use stays readable. Best effort: if the
 * vault is unavailable they stay enabled, and the round still counts as refreshed.
 */
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
): Promise<{ cache: string; from: StagedSecret } | { error: CredentialError }> {
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
  const session = await deps.delegated.resume({
    tenantId: account.tenantId,
    clientId: account.applicationId,
    clientSecret,
    cache: cache.value,
    scope: PARTNER_API_SCOPE,
  });
  return session.ok ? { cache: session.value.serializeCache(), from: cache.ref } : { error: session.error };
}

type Changes = { account?: RegisteredPayerAccount; health: AccountHealth } | undefined;

/** Conditional merge on the version read; on a concurrent change, read again and re-decide. Whether the changes were saved. */
async function save(
  record: PayerAccountRecord,
  deps: KeepTokenAliveDeps,
  decide: (current: PayerAccountRecord) => Changes,
): Promise<boolean> {
  let current: PayerAccountRecord | undefined = record;
  for (let attempt = 0; attempt < 3 && current?.state === 'registered'; attempt++) {
    const changes = decide(current);
    if (!changes) return false;
    const saved = await deps.payerAccounts.update(current.organizationId, current.version as string, changes);
    if (saved !== 'changed') return saved === 'updated';
    current = await deps.payerAccounts.find(current.organizationId);
  }
  return false;
}
