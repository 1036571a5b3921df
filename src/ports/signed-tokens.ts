/** What checking a signed token found: its claims, or why not (an authentic token past its time is `expired`). */
export type VerifiedToken<T> = { ok: true; claims: T } | { ok: false; reason: 'expired' | 'invalid' };

/** Short signed tokens the product hands out and later checks (consent tickets, OAuth state). */
export interface SignedTokens {
  sign(purpose: string, claims: object, expiresAt: Date): Promise<string>;
  /** `invalid` when the token is forged, altered or for another purpose; `expired` when it is authentic but past its time. */
  verify<T>(purpose: string, token: string): Promise<VerifiedToken<T>>;
}
