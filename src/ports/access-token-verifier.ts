/** Checks a bearer token's signature, issuer, audience and lifetime. */
export type TokenCheck = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

export interface AccessTokenVerifier {
  verify(token: string): Promise<TokenCheck>;
}
