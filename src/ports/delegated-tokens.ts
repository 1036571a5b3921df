import type { CredentialError } from '../domain/credential-errors';
import type { Result } from '../domain/error-codes';

export interface DelegatedSession {
  /** Claims of the delegated access token: who consented, from which tenant, how (amr). */
  claims: { tid?: string; amr?: string[]; upn?: string; oid?: string; unique_name?: string };
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
    codeVerifier: string;
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
