import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';

/** The stand-in's token signing key: made fresh at every start, published as a JWKS. */
export interface SigningKeys {
  readonly kid: string;
  /** `{keys: [{kty, use: "sig", kid, alg: "RS256", n, e}]}` as served at the jwks_uri. */
  jwks(): { keys: JWK[] };
  /**
   * RS256 with header `{alg, typ: "JWT", kid}`. With `foreign`, a throwaway key signs under the same
   * kid, so a verifier finds "our" key and the signature check itself must fail.
   */
  sign(claims: JWTPayload, options?: { foreign?: boolean }): Promise<string>;
}

export async function createSigningKeys(): Promise<SigningKeys> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const kid = randomBytes(20).toString('base64url');
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
  let foreignKey: Promise<KeyLike> | undefined;

  return {
    kid,
    jwks: () => ({ keys: [{ ...publicJwk }] }),
    async sign(claims, options = {}) {
      if (options.foreign) foreignKey ??= generateKeyPair('RS256').then((pair) => pair.privateKey);
      const key = options.foreign ? await foreignKey! : privateKey;
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(key);
    },
  };
}
