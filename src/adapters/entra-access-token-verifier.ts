import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { AccessTokenVerifier, TokenCheck } from '../ports/access-token-verifier';

export interface EntraTokenOptions {
  /** e.g. https://login.microsoftonline.com */
  authorityHost: string;
  /** This API's client ID and/or application ID URI. */
  audiences: string[];
  /** Tenants allowed to call; empty allows any (a multi-tenant API). */
  allowedTenants: string[];
  clockToleranceSeconds: number;
}

/**
 * Microsoft Entra ID v2 access tokens for a multi-tenant API: keys from the common JWKS,
 * the issuer built from the token's own `tid` (as Microsoft.Identity.Web validates it).
 */
export class EntraAccessTokenVerifier implements AccessTokenVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly options: EntraTokenOptions) {
    this.keys = createRemoteJWKSet(new URL(`${options.authorityHost}/common/discovery/v2.0/keys`));
  }

  async verify(token: string): Promise<TokenCheck> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        audience: this.options.audiences,
        algorithms: ['RS256'],
        clockTolerance: this.options.clockToleranceSeconds,
        requiredClaims: ['exp', 'iss', 'tid'],
      });
      const tid = String(payload.tid);
      if (payload.iss !== `${this.options.authorityHost}/${tid}/v2.0`)
        return { ok: false, reason: 'unexpected issuer' };
      if (this.options.allowedTenants.length && !this.options.allowedTenants.includes(tid)) {
        return { ok: false, reason: 'tenant not allowed' };
      }
      return { ok: true, claims: payload as Record<string, unknown> };
    } catch (error) {
      if (signingKeysUnavailable(error)) return { ok: false, reason: 'signing keys unavailable', unavailable: true };
      if (error instanceof errors.JOSEError) return { ok: false, reason: error.code };
      throw error;
    }
  }
}

/** The key set could not be fetched: a timeout, an answer other than 200, or a network fault (Node's E… codes). */
function signingKeysUnavailable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout) return true;
  if (error instanceof errors.JOSEError) return /JSON Web Key Set HTTP response/.test(error.message);
  return /^E[A-Z]+$/.test(String((error as { code?: unknown })?.code ?? ''));
}
