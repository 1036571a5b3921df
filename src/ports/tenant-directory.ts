import type { CredentialError } from '../domain/credential-errors';
import type { Result } from '../domain/error-codes';

export interface ResolvedTenant {
  tenantId: string;
  /** The tenant's OpenID configuration document, as JSON text (lets token clients skip discovery). */
  openIdConfiguration: string;
}

/** Entra ID's directory: which tenant a domain name (or tenant ID) belongs to. Transient faults throw. */
export interface TenantDirectory {
  resolveTenant(domainOrTenantId: string): Promise<Result<ResolvedTenant, CredentialError>>;
}
