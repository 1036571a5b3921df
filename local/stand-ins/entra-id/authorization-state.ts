import { randomBytes, randomUUID } from 'node:crypto';
import type { StateFile } from '../state-file';
import { ControlRouteError } from './control';
import type { DelegatedGrant } from './delegated-scopes';
import type { Directory } from './directory';
import type { EntraApplication, EntraTenant, EntraUser } from './fixtures';
import { passwordChangeRevokes, type PasswordChange } from './token-revocation';

/**
 * The stand-in's memory of the authorization code flow: sign-in interactions in progress, authorization
 * codes, refresh tokens (and their revocations), and redirect URIs added at run time. In memory, and with a state file
 * also saved on every change and loaded at construction, so what it issued before a restart is still honoured.
 * Every lifetime is judged by the stand-in's (injectable) clock.
 */

/** Entra's authorization codes live about 10 minutes. */
export const AUTHORIZATION_CODE_LIFETIME_MS = 10 * 60_000;
/** Refresh tokens expire after 90 days without use (AADSTS700082), each counted from its own issue. */
export const REFRESH_TOKEN_INACTIVITY_MS = 90 * 24 * 3600_000;
/**
 * Refresh tokens sent to a Single-page application redirect URI live 24 hours, fixed: those they are exchanged for
 * keep the same end (AADSTS700084 after it).
 */
export const SPA_REFRESH_TOKEN_LIFETIME_MS = 24 * 3600_000;
/** A sign-in page left open longer than this must be started again. */
export const INTERACTION_LIFETIME_MS = 60 * 60_000;
/** Redeemed and expired codes are remembered this long (to answer 54005 / 70008), then forgotten. */
const CODE_MEMORY_MS = 24 * 3600_000;

/** One resource's delegated permissions in a consent. */
export interface ConsentedResource {
  /** `resourceKey()`: the resource's app ID, lower-case */
  key: string;
  /** the resource as the app registration (or the request) names it: `https://api.partner.microsoft.com` */
  uri: string;
  displayName: string;
  permissions: string[];
}

/**
 * What a user granted an app on the consent page: the permissions requested plus those the app
 * registration lists (Entra's combined consent), per resource, and the OIDC scopes. Codes and refresh
 * tokens carry the grant; a refresh token serves every resource in it, one resource per token.
 */
export interface ConsentGrant {
  clientId: string;
  user: EntraUser;
  /** where the consent happened: the authorize endpoint's tenant (the user's home tenant on /common) */
  tenantId: string;
  resources: ConsentedResource[];
  /** `openid`, `profile`, `email`, `offline_access`, lower-case, as asked for */
  oidc: string[];
  /** ms: when the user signed in (the "grant was issued on" of AADSTS50173) */
  authTime: number;
}

/** A validated authorize request (see authorize-request.ts). */
export interface AuthorizeRequest {
  /** the `{tenant}` path segment as sent */
  tenantSegment: string;
  /** undefined on /common and /organizations */
  tenant: EntraTenant | undefined;
  app: EntraApplication;
  redirectUri: string;
  /** where the code (or error) goes on the redirect URI: `?…` or `#…` */
  responseMode: 'query' | 'fragment';
  state?: string;
  nonce?: string;
  loginHint?: string;
  prompt?: string;
  /** `client_info=1`: the redirect then carries `client_info` too */
  clientInfo: boolean;
  /** absent when the sign-in address had none (PKCE is optional for confidential clients) */
  codeChallenge?: string;
  /** the resource and permissions asked for (one resource) */
  requested: DelegatedGrant;
  /** what the consent page lists and Accept grants */
  consent: { resources: ConsentedResource[]; oidc: string[] };
}

export interface Interaction {
  id: string;
  request: AuthorizeRequest;
  createdAt: number;
  /** set once the password was right: the consent page is next */
  user?: EntraUser;
}

export interface AuthorizationCodeRecord {
  grant: ConsentGrant;
  redirectUri: string;
  codeChallenge?: string;
  /** the authorize request's resource and permissions: what the code redeems for when the token request names none */
  requested: DelegatedGrant;
  nonce?: string;
  issuedAt: number;
  redeemedAt?: number;
}

export interface RefreshTokenRecord {
  grant: ConsentGrant;
  issuedAt: number;
  /**
   * Set by an admin's revocation of the user's sessions (`POST /_control/revoke`), or by a password change that
   * revokes this client's tokens (`POST /_control/password-change`): refused with AADSTS50173 from then on.
   */
  revokedAt?: number;
  /** set when issued to a Single-page application redirect URI (or exchanged from such a token): its fixed end */
  spaExpiresAt?: number;
  /** the resource it was last used for: the default when a refresh request names no scope */
  lastRequested: DelegatedGrant;
  /** how many times it was redeemed (answered with tokens) */
  redemptions?: number;
}

const opaque = (bytes: number) => `1.A${randomBytes(bytes).toString('base64url')}`;

/** `https` anywhere, `http` only on loopback, absolute, no fragment: what Entra accepts as a redirect URI. */
function checkRedirectUri(uri: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new ControlRouteError(400, 'invalid_request', `Not an absolute URI: '${uri}'.`);
  }
  if (url.hash || uri.includes('#'))
    throw new ControlRouteError(400, 'invalid_request', 'A redirect URI cannot contain a fragment.');
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ControlRouteError(
      400,
      'invalid_request',
      'A redirect URI must use https, or http on localhost / 127.0.0.1.',
    );
  }
}

/** Entra's platforms of an app registration, as far as redirect URIs go: Web (and Mobile/desktop), or Single-page application. */
export type RedirectPlatform = 'web' | 'spa';

/** What a persisted stand-in keeps of its authorization state. */
export interface AuthorizationSnapshot {
  addedRedirectUris: [string, { uri: string; platform: RedirectPlatform }[]][];
  interactions: [string, Interaction][];
  codes: [string, AuthorizationCodeRecord][];
  refreshTokens: [string, RefreshTokenRecord][];
  /** written by earlier versions (a user's TokensValidFrom), ignored */
  tokensValidFrom?: [string, number][];
}

export interface RevocationAnswer {
  username: string;
  revokedRefreshTokens: number;
  /** the instant before which the revoked tokens were issued */
  revokedAt: string;
}

export class AuthorizationState {
  /** client ID (lower-case) → redirect URIs added at run time */
  private readonly addedRedirectUris = new Map<string, { uri: string; platform: RedirectPlatform }[]>();
  private readonly interactions = new Map<string, Interaction>();
  private readonly codes = new Map<string, AuthorizationCodeRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();

  constructor(
    private readonly directory: Directory,
    private readonly clock: () => number,
    private readonly file?: StateFile<AuthorizationSnapshot>,
  ) {
    const saved = file?.load();
    if (!saved) return;
    for (const [key, value] of saved.addedRedirectUris) this.addedRedirectUris.set(key, value);
    for (const [key, value] of saved.interactions) this.interactions.set(key, value);
    for (const [key, value] of saved.codes) this.codes.set(key, value);
    for (const [key, value] of saved.refreshTokens) this.refreshTokens.set(key, value);
  }

  /** The app's redirect URIs on every platform: the fixture's, then those added at run time. Matching is exact (case, trailing slash, port). */
  redirectUris(app: EntraApplication): string[] {
    const added = this.addedRedirectUris.get(app.clientId.toLowerCase()) ?? [];
    return [...(app.redirectUris ?? []), ...(app.spaRedirectUris ?? []), ...added.map((a) => a.uri)];
  }

  /** Only the Single-page application platform's. */
  spaRedirectUris(app: EntraApplication): string[] {
    const added = this.addedRedirectUris.get(app.clientId.toLowerCase()) ?? [];
    return [...(app.spaRedirectUris ?? []), ...added.filter((a) => a.platform === 'spa').map((a) => a.uri)];
  }

  /** The origins of every app's SPA redirect URIs: the browsers the token endpoint answers (CORS). */
  spaOrigins(): Set<string> {
    return new Set(
      this.directory.fixtures.applications.flatMap((app) =>
        this.spaRedirectUris(app).map((uri) => new URL(uri).origin),
      ),
    );
  }

  /**
   * Registers a redirect URI on an app under a platform (idempotent); answers the app's redirect URIs. A URI added
   * at run time and added again under the other platform moves there, as when it is moved in the app registration.
   */
  addRedirectUri(clientId: string, uri: string, platform: RedirectPlatform = 'web'): string[] {
    const app = this.directory.appByClientId(clientId);
    if (!app)
      throw new ControlRouteError(404, 'not_found', `No application with client ID '${clientId}' in the fixtures.`);
    checkRedirectUri(uri);
    const fixed = [...(app.redirectUris ?? []), ...(app.spaRedirectUris ?? [])];
    if (!fixed.includes(uri)) {
      const key = app.clientId.toLowerCase();
      const others = (this.addedRedirectUris.get(key) ?? []).filter((a) => a.uri !== uri);
      this.addedRedirectUris.set(key, [...others, { uri, platform }]);
      this.save();
    }
    return this.redirectUris(app);
  }

  // --- sign-in interactions (the HTML pages) ---

  startInteraction(request: AuthorizeRequest): Interaction {
    this.prune();
    const interaction: Interaction = { id: randomBytes(24).toString('base64url'), request, createdAt: this.clock() };
    this.interactions.set(interaction.id, interaction);
    this.save();
    return interaction;
  }

  /** A live interaction, or undefined (unknown, finished, or older than an hour). */
  interaction(id: string): Interaction | undefined {
    const found = this.interactions.get(id);
    if (!found) return undefined;
    if (this.clock() - found.createdAt >= INTERACTION_LIFETIME_MS) {
      this.endInteraction(id);
      return undefined;
    }
    return found;
  }

  /** The password was right: the consent page is next. */
  signedIn(interaction: Interaction, user: EntraUser): EntraUser {
    interaction.user = user;
    this.save();
    return user;
  }

  endInteraction(id: string): void {
    if (this.interactions.delete(id)) this.save();
  }

  // --- authorization codes ---

  issueCode(record: Omit<AuthorizationCodeRecord, 'issuedAt' | 'redeemedAt'>): string {
    this.prune();
    const code = opaque(96);
    this.codes.set(code, { ...record, issuedAt: this.clock() });
    this.save();
    return code;
  }

  code(code: string): AuthorizationCodeRecord | undefined {
    return this.codes.get(code);
  }

  codeExpired(record: AuthorizationCodeRecord): boolean {
    return this.clock() - record.issuedAt >= AUTHORIZATION_CODE_LIFETIME_MS;
  }

  markRedeemed(record: AuthorizationCodeRecord): void {
    record.redeemedAt = this.clock();
    this.save();
  }

  // --- refresh tokens ---

  /** `spaExpiresAt`: 'new' for a code redeemed for a Single-page application redirect URI, or the end it carries over. */
  issueRefreshToken(grant: ConsentGrant, lastRequested: DelegatedGrant, spaExpiresAt?: number | 'new'): string {
    const token = opaque(192);
    const issuedAt = this.clock();
    this.refreshTokens.set(token, {
      grant,
      issuedAt,
      lastRequested,
      ...(spaExpiresAt === undefined
        ? {}
        : { spaExpiresAt: spaExpiresAt === 'new' ? issuedAt + SPA_REFRESH_TOKEN_LIFETIME_MS : spaExpiresAt }),
    });
    this.save();
    return token;
  }

  refreshToken(token: string): RefreshTokenRecord | undefined {
    return this.refreshTokens.get(token);
  }

  /** Counts a redemption that was answered with tokens. */
  markRefreshTokenRedeemed(record: RefreshTokenRecord): void {
    record.redemptions = (record.redemptions ?? 0) + 1;
    this.save();
  }

  /** A new refresh token of the same grant as `token` (a consent given once, seeded for many accounts). */
  issueRefreshTokenLike(token: string): string {
    const record = this.refreshTokens.get(token);
    if (!record) throw new Error('No such refresh token');
    return this.issueRefreshToken(record.grant, record.lastRequested, record.spaExpiresAt);
  }

  refreshTokenInactive(record: RefreshTokenRecord): boolean {
    return this.clock() - record.issuedAt >= REFRESH_TOKEN_INACTIVITY_MS;
  }

  spaRefreshTokenExpired(record: RefreshTokenRecord): boolean {
    return record.spaExpiresAt !== undefined && this.clock() >= record.spaExpiresAt;
  }

  /**
   * An admin revokes the user's sessions (Graph `revokeSignInSessions`, "Revoke sessions" in the admin center): every
   * refresh token of the user issued so far, whatever the client, is refused from now on (AADSTS50173). Sign-ins
   * after this get fresh, valid tokens.
   */
  revokeSignInSessions(username: string): RevocationAnswer {
    return this.revoke(username, () => true);
  }

  /**
   * The user's password changes (`how`: a row of the "Token revocation" table). Public clients' (password-based)
   * refresh tokens issued so far are refused from now on (AADSTS50173); confidential clients' stay valid, unless
   * an admin reset the password in the Microsoft Entra admin center.
   */
  changePassword(username: string, how: PasswordChange): RevocationAnswer & { how: PasswordChange } {
    const publicClient = (record: RefreshTokenRecord) =>
      this.directory.appByClientId(record.grant.clientId)?.publicClient === true;
    return { ...this.revoke(username, (record) => passwordChangeRevokes(how, publicClient(record))), how };
  }

  private revoke(username: string, affects: (record: RefreshTokenRecord) => boolean): RevocationAnswer {
    const user = this.directory.user(username);
    if (!user) throw new ControlRouteError(404, 'not_found', `No user '${username}' in the fixtures.`);
    const now = this.clock();
    let revoked = 0;
    for (const record of this.refreshTokens.values()) {
      if (record.grant.user.objectId === user.objectId && record.revokedAt === undefined && affects(record)) {
        record.revokedAt = now;
        revoked += 1;
      }
    }
    this.save();
    return { username: user.userPrincipalName, revokedRefreshTokens: revoked, revokedAt: new Date(now).toISOString() };
  }

  /** Forgets what can no longer matter: old codes, finished interactions, long-dead refresh tokens. */
  private prune(): void {
    const now = this.clock();
    for (const [id, i] of this.interactions)
      if (now - i.createdAt >= INTERACTION_LIFETIME_MS) this.interactions.delete(id);
    for (const [code, c] of this.codes) if (now - c.issuedAt >= CODE_MEMORY_MS) this.codes.delete(code);
    for (const [token, r] of this.refreshTokens) {
      if (now - r.issuedAt >= 2 * REFRESH_TOKEN_INACTIVITY_MS) this.refreshTokens.delete(token);
    }
  }

  private save(): void {
    this.file?.save({
      addedRedirectUris: [...this.addedRedirectUris],
      interactions: [...this.interactions],
      codes: [...this.codes],
      refreshTokens: [...this.refreshTokens],
    });
  }

  /** For the session_state of a sign-in. */
  static sessionState(): string {
    return randomUUID();
  }
}
