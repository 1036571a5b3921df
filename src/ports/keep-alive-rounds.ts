import type { KeepAliveRoundInput } from '../domain/keep-alive-round';

/** The keep-alive rounds as the workflow engine runs them (Durable Functions in production). */
export interface KeepAliveRounds {
  /** Starts the round under this ID unless an instance with it already exists, whatever its state: whether it started. */
  startOnce(roundId: string, input: KeepAliveRoundInput): Promise<boolean>;
}
