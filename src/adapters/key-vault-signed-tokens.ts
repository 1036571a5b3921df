import { randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { SignedTokens, VerifiedToken } from '../ports/signed-tokens';
import type { SecretStore } from '../ports/secret-store';

const KEY_NAME = 'consent-signing-key';
const ISSUER = 'urn:octo:payer-registration';
/**
 * Tokens reach anonymous endpoints (the consent link and callback), and the key version comes from the token's
 * own header: an unknown one is looked up in the vault at most this often, so forged `kid`s cannot become vault
 * traffic. Real tokens carry the one key version nearly always, which stays cached.
 */
const UNKNOWN_KEY_LOOKUP_INTERVAL_MS = 5_000;

/**
 * HS256 JWTs whose key lives in the secret store, never in settings: made on first use, looked
 * up by version (`kid`), so a key made concurrently by another instance still verifies.
 */
export class KeyVaultSignedTokens implements SignedTokens {
  private readonly keys = new Map<string, Uint8Array>();
  private current: Promise<{ kid: string; key: Uint8Array }> | undefined;
  private lastLookup = -Infinity;

  /** `now`: the app's clock, which tokens are signed and judged by. */
  constructor(
    private readonly secrets: SecretStore,
    private readonly now: () => number = Date.now,
  ) {}

  async sign(purpose: string, claims: object, expiresAt: Date): Promise<string> {
    const { kid, key } = await this.currentKey();
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', kid })
      .setIssuer(ISSUER)
      .setAudience(purpose)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(key);
  }

  async verify<T>(purpose: string, token: string): Promise<VerifiedToken<T>> {
    try {
      const { payload } = await jwtVerify(token, async (header) => this.keyVersion(String(header.kid ?? '')), {
        issuer: ISSUER,
        audience: purpose,
        algorithms: ['HS256'],
        currentDate: new Date(this.now()),
      });
      return { ok: true, claims: payload as T };
    } catch (error) {
      // jose checks the signature before the claims: an expired token is authentic, but may be for another purpose.
      if (error instanceof errors.JWTExpired && error.payload.aud === purpose && error.payload.iss === ISSUER)
        return { ok: false, reason: 'expired' };
      if (error instanceof errors.JOSEError || error instanceof KeyNotFound) return { ok: false, reason: 'invalid' };
      throw error;
    }
  }

  private currentKey(): Promise<{ kid: string; key: Uint8Array }> {
    this.current ??= (async () => {
      const existing = await this.secrets.getLatest(KEY_NAME);
      const value = existing?.value ?? randomBytes(32).toString('base64');
      const kid =
        existing?.ref.version ?? (await this.secrets.put(KEY_NAME, value, { contentType: 'hmac-sha256-key' })).version;
      const key = Buffer.from(value, 'base64');
      this.keys.set(kid, key);
      return { kid, key };
    })().catch((error) => {
      this.current = undefined;
      throw error;
    });
    return this.current;
  }

  private async keyVersion(kid: string): Promise<Uint8Array> {
    const cached = this.keys.get(kid);
    if (cached) return cached;
    if (!/^[0-9a-zA-Z]{1,64}$/.test(kid) || this.now() - this.lastLookup < UNKNOWN_KEY_LOOKUP_INTERVAL_MS)
      throw new KeyNotFound();
    this.lastLookup = this.now();
    const value = await this.secrets.get({ name: KEY_NAME, version: kid });
    if (value === undefined) throw new KeyNotFound();
    const key = Buffer.from(value, 'base64');
    this.keys.set(kid, key);
    return key;
  }
}

class KeyNotFound extends Error {}
