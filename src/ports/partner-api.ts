import type { CredentialError } from '../domain/credential-errors';
import type { Result } from '../domain/error-codes';

/** The Microsoft Partner API (pricing). A refusal is a result; transient faults throw. */
export interface PartnerApi {
  /** Proves pricing access by reading the Azure consumption price sheet's first bytes. */
  readPriceSheet(accessToken: string): Promise<Result<{ bytes: number }, CredentialError>>;
}
