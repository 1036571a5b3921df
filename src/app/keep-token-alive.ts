import { PARTNER_API_SCOPE, RegisteredPayerAccount } from '../domain/consent';
import { CredentialError } from '../domain/credential-errors';
import { ErrorCode } from '../domain/error-codes';
import { PayerAccountRecord } from '../domain/payer-account';
import { AccountHealth, healthyAt, needsReconsent } from '../domain/token-health';
import { TransientError } from '../domain/transient-error';
import { Clock } from '../ports/clock';
import { DelegatedTokens } from '../ports/delegated-tokens';
import { PayerAccounts } from '../ports/payer-accounts';
import { SecretStore, SecretStoreError } from '../ports/secret-store';

export interface KeepTokenAliveDeps {
  payerAccounts: PayerAccounts;
  secretStore: SecretStore;
  delegated: DelegatedTokens;
  clock: Clock;
  sleep(ms: number): Promise<void>;
  /** Attempts for transient faults (Entra ID or Key Vault) and the first pause, doubled each time. */
  retry: { attempts: number; firstDelayMs: number };
}

/** `transient`: Microsoft or the vault kept failing; the account's state was left as it was. */
export type KeepAliveOutcome = 'refreshed' | 'reconsentRequired' | 'failed' | 'transient';

const healthOf = (record: PayerAccountRecord): AccountHealth => record.health ?? { reconsentRequired: false };
const isTransient = (error: unknown) => error instanceof TransientError || (error instanceof SecretStoreError && error.transient);

/**
 * Redeems the account's refresh token once (which rotates it), keeps the new token cache and
 * records the account's health. Re-consent errors flag the account; transient faults are retried
 * and, if they persist, recorded without changing whether re-consent is required.
 */
export async function keepTokenAlive(record: PayerAccountRecord, deps: KeepTokenAliveDeps): Promise<KeepAliveOutcome> {
  const account = record.account as RegisteredPayerAccount;
  let outcome: { cache: string } | { error: CredentialError } | 'transient';
  try {
    outcome = await withRetries(() => refresh(account, deps), deps);
  } catch (error) {
    if (!isTransient(error)) throw error;
    outcome = 'transient';
  }
  const now = deps.clock.now();
  if (outcome === 'transient') {
    const lastError = { code: ErrorCode.IdentityProviderUnavailable, message: 'Entra ID or Key Vault could not be reached; the next round tries again.', transient: true };
    await save(record, deps, (current) => ({ health: { ...healthOf(current), lastAttemptAt: now.toISOString(), lastError } }));
    return 'transient';
  }
  if ('error' in outcome) {
    const { code, message, aadsts, traceId, correlationId } = outcome.error;
    const reconsentRequired = needsReconsent(outcome.error);
    await save(record, deps, (current) => ({
      health: { ...healthOf(current), lastAttemptAt: now.toISOString(), lastError: { code, message, aadsts, traceId, correlationId }, reconsentRequired: healthOf(current).reconsentRequired || reconsentRequired },
    }));
    return reconsentRequired ? 'reconsentRequired' : 'failed';
  }
  const cache = await deps.secretStore.put(account.tokenCache.name, outcome.cache, { contentType: 'msal-token-cache' });
  // The refresh token just rotated: the new cache must be recorded unless a re-consent replaced the token meanwhile.
  await save(record, deps, (current) => current.account?.tokenCache.name === account.tokenCache.name
    ? { account: { ...current.account, tokenCache: cache }, health: healthyAt(now, current.health) }
    : undefined);
  return 'refreshed';
}

async function refresh(account: RegisteredPayerAccount, deps: KeepTokenAliveDeps): Promise<{ cache: string } | { error: CredentialError }> {
  const [clientSecret, cache] = await Promise.all([deps.secretStore.get(account.applicationSecret), deps.secretStore.get(account.tokenCache)]);
  if (clientSecret === undefined) return { error: { code: ErrorCode.SecretNoLongerAvailable, message: 'The application secret is no longer in the vault. Replace it with PUT /api/payer-account/secret.' } };
  if (cache === undefined) return { error: { code: ErrorCode.SecretNoLongerAvailable, message: 'The stored token is no longer in the vault. Ask the admin to consent again (POST /api/payer-account/reconsent).', aadsts: 700082 } };
  const session = await deps.delegated.resume({ tenantId: account.tenantId, clientId: account.applicationId, clientSecret, cache, scope: PARTNER_API_SCOPE });
  return session.ok ? { cache: session.value.serializeCache() } : { error: session.error };
}

async function withRetries<T>(run: () => Promise<T>, deps: KeepTokenAliveDeps): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isTransient(error) || attempt >= deps.retry.attempts) throw error;
      await deps.sleep(deps.retry.firstDelayMs * 2 ** (attempt - 1));
    }
  }
}

type Changes = { account?: RegisteredPayerAccount; health: AccountHealth } | undefined;

/** Conditional merge on the version read; on a concurrent change, read again and re-decide. */
async function save(record: PayerAccountRecord, deps: KeepTokenAliveDeps, decide: (current: PayerAccountRecord) => Changes): Promise<void> {
  let current: PayerAccountRecord | undefined = record;
  for (let attempt = 0; attempt < 3 && current?.state === 'registered'; attempt++) {
    const changes = decide(current);
    if (!changes) return;
    const saved = await deps.payerAccounts.update(current.organizationId, current.version as string, changes);
    if (saved !== 'changed') return;
    current = await deps.payerAccounts.find(current.organizationId);
  }
}
