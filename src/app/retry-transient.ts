import { TransientError } from '../domain/transient-error';
import type { Clock } from '../ports/clock';
import { SecretStoreError } from '../ports/secret-store';

/** A fault worth trying again: Microsoft or the vault unavailable, throttling, the network. */
export const isTransient = (error: unknown): boolean =>
  error instanceof TransientError || (error instanceof SecretStoreError && error.transient);

/**
 * Runs `run`, trying again after transient faults: for work no orchestration retries (a timer's
 * round) or that must not be lost to a passing fault. The pause doubles after each attempt.
 */
export async function retryTransient<T>(
  run: () => Promise<T>,
  retry: { attempts: number; firstDelayMs: number },
  clock: Pick<Clock, 'sleep'>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isTransient(error) || attempt >= retry.attempts) throw error;
      await clock.sleep(retry.firstDelayMs * 2 ** (attempt - 1));
    }
  }
}
