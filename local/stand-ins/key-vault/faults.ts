/** Fault injection for tests: the next N secret operations fail with a status, or by a dropped connection. */

export interface FaultPlan {
  /** How many of the next secret operations fail. */
  failNext: number;
  /** HTTP status to answer with (e.g. 503), with Key Vault's error JSON. */
  status?: number;
  /** Drop the connection instead of answering (a network fault). */
  reset?: boolean;
  /** Adds `Retry-After` (seconds) to the answer. */
  retryAfterSeconds?: number;
}

export type Fault = { kind: 'status'; status: number; retryAfterSeconds?: number } | { kind: 'reset' };

export class FaultInjector {
  private remaining = 0;
  private fault: Fault | undefined;

  /** Replaces any pending plan. Throws on a malformed plan. */
  inject(plan: FaultPlan): void {
    const { failNext, status, reset, retryAfterSeconds } = plan ?? ({} as FaultPlan);
    if (!Number.isInteger(failNext) || failNext < 0) throw new Error('failNext must be a non-negative integer');
    if (reset) {
      this.fault = { kind: 'reset' };
    } else {
      if (!Number.isInteger(status) || (status as number) < 400 || (status as number) > 599) {
        throw new Error('status must be an HTTP error status (400-599), or set reset: true');
      }
      if (retryAfterSeconds !== undefined && (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 0)) {
        throw new Error('retryAfterSeconds must be a non-negative integer');
      }
      this.fault = { kind: 'status', status: status as number, retryAfterSeconds };
    }
    this.remaining = failNext;
  }

  clear(): void {
    this.remaining = 0;
    this.fault = undefined;
  }

  get pending(): number {
    return this.remaining;
  }

  /** The fault for this operation, if one is pending (consumes it). */
  take(): Fault | undefined {
    if (this.remaining <= 0 || !this.fault) return undefined;
    this.remaining -= 1;
    return this.fault;
  }
}
