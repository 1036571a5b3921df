import type { CredentialError } from '../domain/credential-errors';
import type { Result } from '../domain/error-codes';

export interface DelegatedSession {
  /**
   * Who signed in, from the ID token (the client's to read), never from the access token: that one belongs to the
   * API it is for, and its claims differ by version (v2.0 has no `amr` or `upn`). Whether the sign-in used MFA is
   * Partner Center's to judge: it refuses App+User calls without it.
   */
  signedIn: { tenantId: string; username: string; objectId: string };
  accessToken: string;
  /** An access token for another resource of the same consent (one refresh token serves both). */
  tokenFor(scope: string): Promise<Result<string, CredentialError>>;
  /** MSAL's token cache, serialized: holds the refresh token, so it goes to the secret store only. */
  serializeCache(): string;
}

/** Redeems an authorization code with PKCE, or resumes from a stored token cache (MSAL in production). */
export interface DelegatedTokens {
  redeem(request: {
    tenantId: string;
    clientId: string;
    clientSecret: string;
    code: string;
    /** Absent for a code from a sign-in address without PKCE. */
    codeVerifier?: string;
    redirectUri: string;
    scope: string;
  }): Promise<Result<DelegatedSession, CredentialError>>;
  resume(request: {
    tenantId: string;
    clientId: string;
    clientSecret: string;
    cache: string;
    scope: string;
  }): Promise<Result<DelegatedSession, CredentialError>>;
}
