import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';
import type { StateFile } from '../state-file';

/** The stand-in's token signing key: made at the first start, published as a JWKS. */
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

/** The private key as a JWK with its kid: what a persisted stand-in keeps. */
export interface SavedSigningKey {
  kid: string;
  privateJwk: JWK;
}

/**
 * A fresh key, or with `file` the one saved there (made and saved on the first start): Entra ID's signing keys are
 * long-lived, so tokens, and the JWKS a verifier cached, stay valid across a restart of a persisted stack.
 */
export async function createSigningKeys(file?: StateFile<SavedSigningKey>): Promise<SigningKeys> {
  let saved = file?.load();
  if (!saved) {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    saved = { kid: randomBytes(20).toString('base64url'), privateJwk: await exportJWK(privateKey) };
    file?.save(saved);
  }
  const { kid, privateJwk } = saved;
  const privateKey = (await importJWK(privateJwk, 'RS256')) as KeyLike;
  const publicJwk: JWK = { kty: privateJwk.kty, n: privateJwk.n, e: privateJwk.e, kid, use: 'sig', alg: 'RS256' };
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
