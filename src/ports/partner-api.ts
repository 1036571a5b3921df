import type { CredentialError } from '../domain/credential-errors';
import type { Result } from '../domain/error-codes';

/** What was read of the price sheet before it was left: its first rows and how many columns they have. */
export interface PriceSheetProof {
  rows: number;
  columns: number;
}

/** The Microsoft Partner API (pricing). A refusal is a result; transient faults throw. */
export interface PartnerApi {
  /** Proves pricing access by reading the first rows of the market's Azure consumption price sheet. */
  readPriceSheet(accessToken: string, market: string): Promise<Result<PriceSheetProof, CredentialError>>;
}
