/**
 * The weekly keep-alive round: every registered account's refresh token redeemed once, page by page, a bounded
 * number at a time. What the round carries from page to page and what it reports; no Azure types.
 */

/** How one account's refresh came out in the round. */
export type AccountKeepAliveOutcome =
  /** Redeemed and rotated (or already redeemed since the round began: a retried run finds it done). */
  | 'refreshed'
  /** Only an admin's new consent helps: flagged on the account, and the recorded admin asked. */
  | 'reconsentRequired'
  /** Microsoft refused for another reason (recorded on the account's health). */
  | 'failed'
  /** Entra ID or Key Vault kept failing: the state was left as it was; the next round tries again. */
  | 'transient'
  /** No longer registered when its turn came. */
  | 'skipped';

/** One account's turn: its outcome (`error`: the turn failed after its retries), or that Entra ID or Key Vault asked to slow down (nothing was changed). */
export type AccountTurn =
  | { organizationId: string; outcome: AccountKeepAliveOutcome | 'error' }
  | { organizationId: string; throttled: { retryAfterMs: number } };

export type KeepAliveCounts = Record<AccountKeepAliveOutcome, number> & {
  /** Turns Entra ID or Key Vault throttled (429), each account taken again after Retry-After. */
  throttled: number;
  /** Accounts whose turn failed outright (a fault the activity's retries did not get past). */
  error: number;
};

export interface KeepAliveSettings {
  /** Accounts read per page (one page per generation of the orchestration). */
  pageSize: number;
  /** The most refreshes in flight at once; throttling lowers it for the rest of the round. */
  concurrency: number;
}

/** What the round hands itself from one page to the next (continue-as-new): never a list of all accounts. */
export interface KeepAliveRoundInput {
  /** When the round began: a refresh since then counts as this round's. */
  startedAt: string;
  settings: KeepAliveSettings;
  /** Pages done so far, and where the next one starts (absent on the first). */
  pagesDone: number;
  continuationToken?: string;
  counts: KeepAliveCounts;
  /** Refreshes in flight now: starts at settings.concurrency, halved on throttling, regained slowly. */
  window: number;
}

/** What the round publishes while it runs and answers at the end. */
export interface KeepAliveRoundReport {
  startedAt: string;
  pagesDone: number;
  accounts: number;
  counts: KeepAliveCounts;
  window: number;
  finishedAt?: string;
}

export const noCounts = (): KeepAliveCounts => ({
  refreshed: 0,
  reconsentRequired: 0,
  failed: 0,
  transient: 0,
  skipped: 0,
  throttled: 0,
  error: 0,
});

export const accountsCounted = (counts: KeepAliveCounts): number =>
  counts.refreshed + counts.reconsentRequired + counts.failed + counts.transient + counts.skipped + counts.error;

export function firstPage(startedAt: Date, settings: KeepAliveSettings): KeepAliveRoundInput {
  return {
    startedAt: startedAt.toISOString(),
    settings,
    pagesDone: 0,
    counts: noCounts(),
    window: settings.concurrency,
  };
}

/**
 * Additive increase, multiplicative decrease: a throttled batch halves the refreshes in flight, a clean one adds
 * one back, never above the setting.
 */
export function nextWindow(window: number, concurrency: number, throttled: boolean): number {
  return throttled ? Math.max(1, Math.floor(window / 2)) : Math.min(concurrency, window + 1);
}

/** The instance ID of the round for one schedule occurrence: a second start of the same occurrence finds it. */
export const keepAliveRoundId = (occurrence: Date): string => `keep-alive-${occurrence.toISOString()}`;

export const KEEP_ALIVE_ROUND_PREFIX = 'keep-alive-';
