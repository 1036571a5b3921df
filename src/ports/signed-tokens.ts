/** Short signed tokens the product hands out and later checks (consent tickets, OAuth state). */
export interface SignedTokens {
  sign(purpose: string, claims: object, expiresAt: Date): Promise<string>;
  /** The claims, or undefined when the token is forged, altered, expired or for another purpose. */
  verify<T>(purpose: string, token: string): Promise<T | undefined>;
}
