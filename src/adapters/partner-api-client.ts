import { randomUUID } from 'node:crypto';
import { consentCheckFailed } from '../domain/consent-errors';
import type { CredentialError } from '../domain/credential-errors';
import type { Result } from '../domain/error-codes';
import { fail, ok } from '../domain/error-codes';
import { TransientError } from '../domain/transient-error';
import type { PartnerApi } from '../ports/partner-api';

const PRICE_SHEET = "/v1.0/sales/pricesheets(Market='US',PricesheetView='azure_consumption')/$value";

/** The Partner API over fetch; 401/403 mean the consenting user may not read pricing. */
export class PartnerApiClient implements PartnerApi {
  constructor(private readonly baseUrl: string) {}

  async readPriceSheet(accessToken: string): Promise<Result<{ bytes: number }, CredentialError>> {
    const correlationId = randomUUID();
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${PRICE_SHEET}`, {
        headers: { authorization: `Bearer ${accessToken}`, 'MS-CorrelationId': correlationId },
        redirect: 'follow',
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new TransientError(`Partner API unreachable: ${(error as Error).message}`);
    }
    if (response.ok) return ok({ bytes: (await response.arrayBuffer()).byteLength });
    await response.body?.cancel();
    if (response.status === 401 || response.status === 403)
      return fail({ ...consentCheckFailed.noPartnerRole(), partnerCenterCode: response.status, correlationId });
    throw new TransientError(`Partner API answered ${response.status}`, { status: response.status, correlationId });
  }
}
