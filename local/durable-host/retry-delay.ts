import type { RetryOptions } from './durable-store';

/** Backoff before the next attempt, as the Durable Task extension computes it after failure n (1-based). */
export function retryDelayMs(options: RetryOptions, failures: number): number {
  const delay = options.firstRetryIntervalInMilliseconds * (options.backoffCoefficient ?? 1) ** (failures - 1);
  const cap = options.maxRetryIntervalInMilliseconds;
  return cap && cap > 0 ? Math.min(delay, cap) : delay;
}
