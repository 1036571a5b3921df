import { randomUUID } from 'node:crypto';
import type { AccountInfo, AuthenticationResult, ServerError } from '@azure/msal-node';
import { ConfidentialClientApplication, InteractionRequiredAuthError, LogLevel } from '@azure/msal-node';
import { mapConsentFailure } from '../domain/consent-errors';
import type { CredentialError } from '../domain/credential-errors';
import type { Result } from '../domain/error-codes';
import { ErrorCode, fail, ok } from '../domain/error-codes';
import { TransientError } from '../domain/transient-error';
import { EntraAuthorityMetadata } from './entra-authority-metadata';
import { ThrottleAwareNetwork } from './msal-throttle-aware-network';
import type { DelegatedSession, DelegatedTokens } from '../ports/delegated-tokens';

const tokenNoLongerValid = (why: string): CredentialError => ({
  code: ErrorCode.TokenNoLongerValid,
  message: `The stored delegated token can no longer be used (${why}): the admin must consent again.`,
});
const TRANSIENT_ERRORS = ['temporarily_unavailable', 'service_unavailable'];
const traceIdIn = (description: string | undefined) => /Trace ID: ([0-9a-f-]{36})/i.exec(description ?? '')?.[1];

/** Delegated tokens with MSAL: code redemption with PKCE, refresh through the (serialized) token cache. */
export class MsalDelegatedTokens implements DelegatedTokens {
  private readonly metadata: EntraAuthorityMetadata;

  constructor(private readonly authorityHost: string) {
    this.metadata = new EntraAuthorityMetadata(authorityHost);
  }

  async redeem(request: {
    tenantId: string;
    clientId: string;
    clientSecret: string;
    code: string;
    codeVerifier?: string;
    redirectUri: string;
    scope: string;
  }): Promise<Result<DelegatedSession, CredentialError>> {
    const [client, network] = await this.client(request.tenantId, request.clientId, request.clientSecret);
    return this.attempt(client, network, () =>
      client.acquireTokenByCode({
        code: request.code,
        codeVerifier: request.codeVerifier,
        redirectUri: request.redirectUri,
        scopes: [request.scope],
        correlationId: randomUUID(),
      }),
    );
  }

  async resume(request: {
    tenantId: string;
    clientId: string;
    clientSecret: string;
    cache: string;
    scope: string;
  }): Promise<Result<DelegatedSession, CredentialError>> {
    const [client, network] = await this.client(request.tenantId, request.clientId, request.clientSecret);
    client.getTokenCache().deserialize(request.cache);
    const [account] = await client.getTokenCache().getAllAccounts();
    if (!account) return fail(tokenNoLongerValid('the stored token cache holds no account'));
    return this.attempt(client, network, () =>
      client.acquireTokenSilent({ account, scopes: [request.scope], forceRefresh: true, correlationId: randomUUID() }),
    );
  }

  private async attempt(
    client: ConfidentialClientApplication,
    network: ThrottleAwareNetwork,
    acquire: () => Promise<AuthenticationResult | null>,
  ): Promise<Result<DelegatedSession, CredentialError>> {
    const result = await this.call(network, acquire);
    if (!result.ok) return result;
    const account = result.value.account as AccountInfo;
    return ok({
      signedIn: { tenantId: account.tenantId, username: account.username, objectId: account.localAccountId },
      accessToken: result.value.accessToken,
      tokenFor: async (scope) => {
        const other = await this.call(network, () =>
          client.acquireTokenSilent({ account, scopes: [scope], correlationId: randomUUID() }),
        );
        return other.ok ? ok(other.value.accessToken) : other;
      },
      serializeCache: () => client.getTokenCache().serialize(),
    });
  }

  private async call(
    network: ThrottleAwareNetwork,
    acquire: () => Promise<AuthenticationResult | null>,
  ): Promise<Result<AuthenticationResult, CredentialError>> {
    network.throttledForMs = undefined;
    try {
      const result = await acquire();
      if (!result?.accessToken || !result.account) throw new TransientError('Entra ID returned no delegated token');
      return ok(result);
    } catch (error) {
      const throttled = network.throttling();
      if (throttled) throw throttled;
      const e = error as ServerError;
      // MSAL leaves `status` unset on some refresh-token paths: Entra's own word for a passing fault decides too.
      if (e?.errorNo && (e.status === undefined || e.status < 500) && !TRANSIENT_ERRORS.includes(e.errorCode)) {
        return fail(
          mapConsentFailure(e.errorCode, [Number(e.errorNo)], {
            traceId: traceIdIn(e.errorMessage),
            correlationId: e.correlationId,
          }),
        );
      }
      // No AADSTS number: MSAL itself found nothing to refresh with (e.g. no_tokens_found).
      if (error instanceof InteractionRequiredAuthError) return fail(tokenNoLongerValid(error.errorCode));
      if (error instanceof TransientError) throw error;
      throw new TransientError(`Entra ID delegated token request failed: ${e?.errorCode ?? (error as Error).message}`);
    }
  }

  private async client(
    tenantId: string,
    clientId: string,
    clientSecret: string,
  ): Promise<[ConfidentialClientApplication, ThrottleAwareNetwork]> {
    const network = new ThrottleAwareNetwork();
    const client = new ConfidentialClientApplication({
      auth: {
        clientId,
        clientSecret,
        authority: `${this.authorityHost}/${tenantId}`,
        knownAuthorities: [new URL(this.authorityHost).host],
        authorityMetadata: await this.metadata.forTenant(tenantId),
      },
      system: {
        networkClient: network,
        loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
      },
    });
    return [client, network];
  }
}
