/**
 * Fault injection for tests: the next N secret operations fail with a status, or by a dropped connection; and a
 * latency for every request (benches: a vault's own round trip).
 */

export interface FaultPlan {
  /** How many of the next secret operations fail. */
  failNext: number;
  /** HTTP status to answer with (e.g. 503), with Key Vault's error JSON. */
  status?: number;
  /** Drop the connection instead of answering (a network fault). */
  reset?: boolean;
  /** Adds `Retry-After` (seconds) to the answer. */
  retryAfterSeconds?: number;
  /** Only operations with this HTTP method fail and count, e.g. `PATCH` (updates, such as disabling a version). */
  method?: 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST';
}

const METHODS = ['GET', 'PUT', 'PATCH', 'DELETE', 'POST'];

export type Fault = { kind: 'status'; status: number; retryAfterSeconds?: number } | { kind: 'reset' };

export class FaultInjector {
  /** Secret operations and challenges served (control routes excluded). */
  served = 0;
  private remaining = 0;
  private fault: Fault | undefined;
  private method: string | undefined;
  private latency: { minMs: number; maxMs: number } | undefined;

  /** Replaces any pending plan. Throws on a malformed plan. */
  inject(plan: FaultPlan): void {
    const { failNext, status, reset, retryAfterSeconds, method } = plan ?? ({} as FaultPlan);
    if (!Number.isInteger(failNext) || failNext < 0) throw new Error('failNext must be a non-negative integer');
    if (method !== undefined && !METHODS.includes(method))
      throw new Error(`method must be one of ${METHODS.join(', ')}`);
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
    this.method = method;
  }

  /** Clears the pending plan and the latency. */
  clear(): void {
    this.remaining = 0;
    this.fault = undefined;
    this.latency = undefined;
  }

  /** Delays every request by a uniformly random time in `minMs..maxMs` (default `minMs`) until cleared. */
  setLatency(minMs: number, maxMs = minMs): void {
    if (!Number.isInteger(minMs) || !Number.isInteger(maxMs) || minMs < 0 || maxMs < minMs)
      throw new Error('latency must be integers with 0 <= minMs <= maxMs');
    this.latency = { minMs, maxMs };
  }

  /** The delay for the next request, ms (0: none). */
  nextDelayMs(): number {
    if (!this.latency) return 0;
    const { minMs, maxMs } = this.latency;
    return Math.round(minMs + Math.random() * (maxMs - minMs));
  }

  get pending(): number {
    return this.remaining;
  }

  /** The fault for this operation, if one is pending for its method (consumes it). */
  take(method: string): Fault | undefined {
    if (this.remaining <= 0 || !this.fault || (this.method !== undefined && this.method !== method)) return undefined;
    this.remaining -= 1;
    return this.fault;
  }
}
