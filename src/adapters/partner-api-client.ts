import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse';
import { consentCheckFailed } from '../domain/consent-errors';
import type { CredentialError } from '../domain/credential-errors';
import type { Result } from '../domain/error-codes';
import { fail, ok } from '../domain/error-codes';
import { TransientError } from '../domain/transient-error';
import type { PartnerApi, PriceSheetProof } from '../ports/partner-api';

const priceSheetPath = (market: string) =>
  `/v1.0/sales/pricesheets(Market='${encodeURIComponent(market)}',PricesheetView='azure_consumption')/$value`;
/** Rows read before the sheet counts as proven: the file is the whole price list, tens of MB, never needed here. */
const ROWS_TO_PROVE = 3;
/** For the answer's headers and its first rows only, so a large file cannot run into it. */
const TIMEOUT_MS = 30_000;

/**
 * The Partner API over fetch ("Get a price sheet":
 * https://learn.microsoft.com/en-us/partner-center/developer/get-a-price-sheet). The price sheet is streamed and
 * left after its first rows. 400 is an authentication problem there, 401/403 a user who may not read pricing.
 */
export class PartnerApiClient implements PartnerApi {
  constructor(private readonly baseUrl: string) {}

  async readPriceSheet(accessToken: string, market: string): Promise<Result<PriceSheetProof, CredentialError>> {
    const correlationId = randomUUID();
    const abort = AbortSignal.timeout(TIMEOUT_MS);
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${priceSheetPath(market)}`, {
        headers: {
          authorization: `Bearer ${accessToken}`,
          'MS-CorrelationId': correlationId,
          // fetch asks for gzip/deflate by default, and `deflate` here means a zipped file instead of the CSV.
          'accept-encoding': 'identity',
        },
        redirect: 'follow',
        signal: abort,
      });
    } catch (error) {
      throw new TransientError(`Partner API unreachable: ${(error as Error).message}`);
    }
    if (response.ok) return ok(await firstRows(response, correlationId));
    const body = (await response.json().catch(() => ({}))) as { code?: unknown };
    const details = { partnerCenterCode: response.status, correlationId };
    if (response.status === 400) return fail({ ...consentCheckFailed.partnerApiRefusedToken(), ...details });
    if (response.status === 401 && String(body.code) === '900421')
      return fail({ ...consentCheckFailed.noMfa(), ...details });
    if (response.status === 401 || response.status === 403)
      return fail({ ...consentCheckFailed.noPartnerRole(), ...details });
    throw new TransientError(`Partner API answered ${response.status}`, { status: response.status, correlationId });
  }
}

/** Parses the CSV as it arrives and leaves once a few rows fit its header; anything else is a passing fault. */
async function firstRows(response: Response, correlationId: string): Promise<PriceSheetProof> {
  let columns = 0;
  let rows = 0;
  let failure: Error | undefined;
  // on_record runs while a chunk is written, so the loop below sees the count at once.
  const parser = parse({
    columns: true,
    bom: true,
    skip_empty_lines: true,
    on_record: (record: Record<string, string>) => {
      columns = Object.keys(record).length;
      rows++;
      return record;
    },
  })
    .on('error', (error: Error) => (failure = error))
    .resume();
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  try {
    while (rows < ROWS_TO_PROVE && !failure) {
      const chunk = await reader.read();
      if (chunk.done) {
        await new Promise((resolve) => parser.once('close', resolve).end());
        break;
      }
      parser.write(chunk.value);
    }
  } catch (error) {
    failure = error as Error;
  } finally {
    parser.destroy();
    await reader.cancel().catch(() => undefined);
  }
  if (failure) throw new TransientError(`Partner API price sheet unreadable: ${failure.message}`, { correlationId });
  if (rows === 0 || columns < 2)
    throw new TransientError('Partner API answered a price sheet without rows', { correlationId });
  return { rows, columns };
}
