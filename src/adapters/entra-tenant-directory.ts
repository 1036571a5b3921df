import { randomUUID } from 'node:crypto';
import type { CredentialError } from '../domain/credential-errors';
import { mapEntraFailure } from '../domain/credential-errors';
import type { Result } from '../domain/error-codes';
import { fail, ok } from '../domain/error-codes';
import { TransientError } from '../domain/transient-error';
import type { ResolvedTenant, TenantDirectory } from '../ports/tenant-directory';

const TENANT_IN_ISSUER = /\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\//i;

/** Resolves a domain to its tenant through Entra ID's public OpenID metadata (no credentials needed). */
export class EntraTenantDirectory implements TenantDirectory {
  constructor(private readonly authorityHost: string) {}

  async resolveTenant(domainOrTenantId: string): Promise<Result<ResolvedTenant, CredentialError>> {
    const url = `${this.authorityHost}/${encodeURIComponent(domainOrTenantId)}/v2.0/.well-known/openid-configuration`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { 'client-request-id': randomUUID() },
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new TransientError(`Entra ID OpenID metadata unreachable: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (response.status >= 500 || response.status === 429) {
      throw new TransientError(`Entra ID OpenID metadata answered ${response.status}`, { status: response.status });
    }
    const body = safeJson(text);
    if (!response.ok) {
      return fail(
        mapEntraFailure(
          {
            error: String(body.error ?? response.status),
            errorCodes: Array.isArray(body.error_codes) ? body.error_codes.map(Number) : [],
            traceId: body.trace_id as string | undefined,
            correlationId: body.correlation_id as string | undefined,
          },
          { domain: domainOrTenantId, secretLooksLikeId: false },
        ),
      );
    }
    const tenantId = TENANT_IN_ISSUER.exec(String(body.issuer ?? '') + '/')?.[1];
    if (!tenantId) throw new TransientError('Entra ID OpenID metadata has no tenant in its issuer');
    return ok({ tenantId: tenantId.toLowerCase(), openIdConfiguration: text });
  }
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
