/** Remembers which OAuth `state` values were already used, so a consent is taken exactly once. */
export interface ConsentStates {
  /** Conditional insert: false when this state was used before (a refresh, a replay). */
  markUsed(registrationId: string, nonce: string, usedAt: Date): Promise<boolean>;
  /** Forgets a use whose answer could not be passed on (the vault or the workflow failed), so it can be tried again. */
  release(registrationId: string, nonce: string): Promise<void>;
}
