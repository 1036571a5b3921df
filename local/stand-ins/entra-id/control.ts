import type { JWTPayload } from 'jose';
import { z } from 'zod';
import type { SigningKeys } from './signing-keys';

/**
 * STAND-IN CONTROL ROUTE — not part of Entra ID. `POST /_control/token` lets tests and developers mint
 * arbitrary tokens (expired, wrong audience, wrong tenant, signed by a foreign key) to exercise the
 * product's token validation. Body: `{claims, expiresInSeconds?, notBefore?, signWithForeignKey?}`;
 * answer: `{token_type: "Bearer", access_token}`. Loopback only, like the whole stand-in.
 */

export interface MintOptions {
  /** exp = now + this (default 3600); negative gives an already-expired token */
  expiresInSeconds?: number;
  /** `nbf`, seconds since epoch (default: now) */
  notBefore?: number;
  /** sign with a throwaway key under the stand-in's kid: verification against the JWKS must fail */
  signWithForeignKey?: boolean;
}

/** Signs `claims` with `iat`/`nbf`/`exp` filled in from the clock unless the claims set them. */
export function mintToken(keys: SigningKeys, now: number, claims: Record<string, unknown>, options: MintOptions = {}): Promise<string> {
  const iat = Math.floor(now / 1000);
  const payload: JWTPayload = {
    iat,
    nbf: options.notBefore ?? iat,
    exp: iat + (options.expiresInSeconds ?? 3600),
    ...claims,
  };
  return keys.sign(payload, { foreign: options.signWithForeignKey === true });
}

export const controlTokenRequest = z.object({
  claims: z.record(z.string(), z.unknown()),
  expiresInSeconds: z.number().int().optional(),
  notBefore: z.number().int().optional(),
  signWithForeignKey: z.boolean().optional(),
});
