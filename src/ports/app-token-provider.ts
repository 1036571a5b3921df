import type { CredentialError } from '../domain/credential-errors';
import type { Result } from '../domain/error-codes';
import type { ResolvedTenant } from './tenant-directory';

export interface AppTokenRequest {
  tenant: ResolvedTenant;
  clientId: string;
  clientSecret: string;
  scope: string;
}

/** App-only (client credentials) tokens. Refusals are results; transient faults throw. */
export interface AppTokenProvider {
  acquireAppToken(
    request: AppTokenRequest,
    context: { domain: string; secretLooksLikeId: boolean },
  ): Promise<Result<{ accessToken: string }, CredentialError>>;
}
