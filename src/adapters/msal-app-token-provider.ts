import { randomUUID } from 'node:crypto';
import { ConfidentialClientApplication, LogLevel, ServerError } from '@azure/msal-node';
import type { CredentialError } from '../domain/credential-errors';
import { mapEntraFailure } from '../domain/credential-errors';
import type { Result } from '../domain/error-codes';
import { fail, ok } from '../domain/error-codes';
import { TransientError } from '../domain/transient-error';
import type { AppTokenProvider, AppTokenRequest } from '../ports/app-token-provider';

/** Display only: decisions are made on error codes, never on the description text. */
const traceIdIn = (description: string | undefined) => /Trace ID: ([0-9a-f-]{36})/i.exec(description ?? '')?.[1];

/** Client-credentials tokens with MSAL against the tenant's own authority (never /common). */
export class MsalAppTokenProvider implements AppTokenProvider {
  constructor(private readonly authorityHost: string) {}

  async acquireAppToken(
    request: AppTokenRequest,
    context: { domain: string; secretLooksLikeId: boolean },
  ): Promise<Result<{ accessToken: string }, CredentialError>> {
    const client = new ConfidentialClientApplication({
      auth: {
        clientId: request.clientId,
        clientSecret: request.clientSecret,
        authority: `${this.authorityHost}/${request.tenant.tenantId}`,
        knownAuthorities: [new URL(this.authorityHost).host],
        // Already fetched to resolve the tenant: saves MSAL a discovery round trip.
        authorityMetadata: request.tenant.openIdConfiguration,
      },
      system: {
        loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
      },
    });
    try {
      const result = await client.acquireTokenByClientCredential({
        scopes: [request.scope],
        skipCache: true,
        correlationId: randomUUID(),
      });
      if (!result?.accessToken) throw new TransientError('Entra ID returned no access token');
      return ok({ accessToken: result.accessToken });
    } catch (error) {
      if (error instanceof ServerError && (error.status === undefined || error.status < 500) && error.errorNo) {
        return fail(
          mapEntraFailure(
            {
              error: error.errorCode,
              errorCodes: [Number(error.errorNo)],
              traceId: traceIdIn(error.errorMessage),
              correlationId: error.correlationId,
            },
            context,
          ),
        );
      }
      if (error instanceof TransientError) throw error;
      throw new TransientError(
        `Entra ID token request failed: ${(error as Error).name}: ${(error as { errorCode?: string }).errorCode ?? (error as Error).message}`,
      );
    }
  }
}
