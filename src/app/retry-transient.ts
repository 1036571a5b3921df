import { TransientError } from '../domain/transient-error';
import type { Clock } from '../ports/clock';
import { SecretStoreError } from '../ports/secret-store';

/** When Entra ID or Key Vault throttles without Retry-After. */
const DEFAULT_THROTTLE_MS = 1000;

/** A fault worth trying again: Microsoft or the vault unavailable, throttling, the network. */
export const isTransient = (error: unknown): boolean =>
  error instanceof TransientError || (error instanceof SecretStoreError && error.transient);

/** How long Entra ID or Key Vault asked to wait when it throttled (429 and its Retry-After); undefined otherwise. */
export function throttledFor(error: unknown): number | undefined {
  const details = error instanceof TransientError || error instanceof SecretStoreError ? error.details : undefined;
  return details?.status === 429 ? (details.retryAfterMs ?? DEFAULT_THROTTLE_MS) : undefined;
}

export interface RetryPolicy {
  attempts: number;
  /** The first pause, doubled after each attempt; a throttled call waits at least its Retry-After. */
  firstDelayMs: number;
  /** Give up at once when throttled, so that the caller slows down as a whole (the keep-alive round does). */
  stopWhenThrottled?: boolean;
}

/**
 * Runs `run`, trying again after transient faults: for work no orchestration retries (a person's request) or that
 * must not be lost to a passing fault (the rotated token cache once Entra ID issued it).
 */
export async function retryTransient<T>(
  run: () => Promise<T>,
  retry: RetryPolicy,
  clock: Pick<Clock, 'sleep'>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const throttled = throttledFor(error);
      if (!isTransient(error) || attempt >= retry.attempts) throw error;
      if (throttled !== undefined && retry.stopWhenThrottled) throw error;
      await clock.sleep(Math.max(retry.firstDelayMs * 2 ** (attempt - 1), throttled ?? 0));
    }
  }
}
