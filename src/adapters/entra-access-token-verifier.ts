import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { AccessTokenVerifier, TokenCheck } from '../ports/access-token-verifier';
import { failureText, OpenIdConfiguration, OpenIdConfigurationUnavailable } from './openid-configuration';

export interface OidcTokenOptions {
  /**
   * The authority whose `/.well-known/openid-configuration` names the issuer and the key set, e.g.
   * https://login.microsoftonline.com/organizations/v2.0, or any OpenID Connect issuer.
   */
  authority: string;
  /** This API's client ID and/or application ID URI. */
  audiences: string[];
  /** Tenants (`tid`) allowed to call; empty allows any (a multi-tenant API). */
  allowedTenants: string[];
  clockToleranceSeconds: number;
}

/** The placeholder in the issuer of Microsoft's multi-tenant documents (`/common`, `/organizations`). */
const TENANT_TEMPLATE = '{tenantid}';
const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];
const TIMEOUT_MS = 5000;
/** As Microsoft.IdentityModel's ConfigurationManager: the document is read again twice a day. */
const DISCOVERY_REFRESH_MS = 12 * 3600_000;
const DISCOVERY_RETRY_COOLDOWN_MS = 10_000;
/** An unknown `kid` re-reads the key set (a rollover), but at most once a minute however many such tokens come. */
const KEYS_REFRESH_COOLDOWN_MS = 60_000;
/** Keys are re-read hourly anyway, so a key the issuer withdrew stops counting. */
const KEYS_MAX_AGE_MS = 3600_000;

class SigningKeysUnavailable extends Error {}

/**
 * Access tokens of an OpenID Connect issuer found through its discovery document: Microsoft Entra ID v2 tokens
 * for a multi-tenant API (the issuer template's `{tenantid}` filled from the token's own `tid`, as
 * Microsoft.Identity.Web validates it), or any issuer whose `issuer` the token's `iss` must equal.
 */
export class EntraAccessTokenVerifier implements AccessTokenVerifier {
  private readonly configuration: OpenIdConfiguration;
  private keySet?: { uri: string; keys: JWTVerifyGetKey };

  constructor(private readonly options: OidcTokenOptions) {
    this.configuration = new OpenIdConfiguration(options.authority, {
      refreshAfterMs: DISCOVERY_REFRESH_MS,
      failureCooldownMs: DISCOVERY_RETRY_COOLDOWN_MS,
      timeoutMs: TIMEOUT_MS,
    });
  }

  async verify(token: string): Promise<TokenCheck> {
    let issuer: string;
    let keys: JWTVerifyGetKey;
    try {
      const metadata = await this.configuration.get();
      issuer = metadata.issuer;
      keys = this.keysAt(metadata.jwksUri);
    } catch (error) {
      if (error instanceof OpenIdConfigurationUnavailable)
        return { ok: false, reason: error.message, unavailable: true };
      throw error;
    }
    try {
      const { payload } = await jwtVerify(token, keys, {
        audience: this.options.audiences,
        algorithms: ASYMMETRIC_ALGORITHMS,
        clockTolerance: this.options.clockToleranceSeconds,
        requiredClaims: ['exp', 'iss'],
      });
      const tid = typeof payload.tid === 'string' ? payload.tid : undefined;
      const expected = issuer.includes(TENANT_TEMPLATE) ? tid && issuer.replace(TENANT_TEMPLATE, tid) : issuer;
      if (!expected || payload.iss !== expected) return { ok: false, reason: 'unexpected issuer' };
      if (this.options.allowedTenants.length && !(tid && this.options.allowedTenants.includes(tid))) {
        return { ok: false, reason: 'tenant not allowed' };
      }
      return { ok: true, claims: payload as Record<string, unknown> };
    } catch (error) {
      if (error instanceof SigningKeysUnavailable) return { ok: false, reason: error.message, unavailable: true };
      if (error instanceof errors.JOSEError) return { ok: false, reason: error.code };
      throw error;
    }
  }

  /** The key set at the document's jwks_uri; whatever fails but finding the token's key makes it unavailable. */
  private keysAt(uri: URL): JWTVerifyGetKey {
    if (this.keySet?.uri !== uri.href) {
      const remote = createRemoteJWKSet(uri, {
        timeoutDuration: TIMEOUT_MS,
        cooldownDuration: KEYS_REFRESH_COOLDOWN_MS,
        cacheMaxAge: KEYS_MAX_AGE_MS,
      });
      const keys: JWTVerifyGetKey = async (header, token) => {
        try {
          return await remote(header, token);
        } catch (error) {
          if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
            throw error;
          throw new SigningKeysUnavailable(`signing keys at ${uri.href} could not be read: ${failureText(error)}`);
        }
      };
      this.keySet = { uri: uri.href, keys };
    }
    return this.keySet.keys;
  }
}
