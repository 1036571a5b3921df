/** Checks a bearer token's signature, issuer, audience and lifetime. */
export type TokenCheck =
  | { ok: true; claims: Record<string, unknown> }
  /**
   * `unavailable`: the token could not be checked (the issuer's discovery document or signing keys could not be
   * fetched or read), not refused; `reason` then says what failed, for the log (never the token).
   */
  | { ok: false; reason: string; unavailable?: true };

export interface AccessTokenVerifier {
  verify(token: string): Promise<TokenCheck>;
}
