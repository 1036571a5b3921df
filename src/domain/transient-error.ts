/**
 * A fault worth retrying (5xx, throttling, network): thrown, so the orchestration's retry
 * policy handles it. Expected outcomes (a wrong secret) are returned as results instead.
 */
export class TransientError extends Error {
  constructor(
    message: string,
    readonly details: { status?: number; correlationId?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'TransientError';
  }
}
