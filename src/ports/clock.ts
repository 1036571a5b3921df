/** Time, for use cases: what time it is, and waiting (polls, back-offs). Never Date.now() or setTimeout directly. */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}
