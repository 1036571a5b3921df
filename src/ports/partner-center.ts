import type { CredentialError } from '../domain/credential-errors';
import type { Result } from '../domain/error-codes';

export interface LegalBusinessProfile {
  companyName: string;
  country: string;
}

/**
 * Partner Center's REST API. Throttling (429, honouring Retry-After) and 5xx are retried inside
 * the adapter, boundedly; what remains is returned as an `unavailable` result, never thrown, so
 * the orchestration does not retry it a second time.
 */
export interface PartnerCenter {
  legalBusinessProfile(accessToken: string): Promise<Result<LegalBusinessProfile, CredentialError>>;
  /** App+User only. */
  mpnId(accessToken: string): Promise<Result<string, CredentialError>>;
  /** Proves the user may read billing data: the newest invoice, or none yet. */
  readInvoices(accessToken: string): Promise<Result<{ invoices: number }, CredentialError>>;
}
