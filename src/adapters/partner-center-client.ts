import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { consentCheckFailed } from '../domain/consent-errors';
import type { CredentialError } from '../domain/credential-errors';
import { mapPartnerCenterRefusal, unavailable } from '../domain/credential-errors';
import { ErrorCode } from '../domain/error-codes';
import type { Result } from '../domain/error-codes';
import { fail, ok } from '../domain/error-codes';
import type { LegalBusinessProfile, PartnerCenter } from '../ports/partner-center';
import { retryAfterMs } from '../domain/retry-after';

export interface PartnerCenterClientOptions {
  baseUrl: string;
  maxAttempts: number;
  /** Longest Retry-After we wait for inside one verification; longer means unavailable now. */
  maxRetryAfterMs: number;
  firstBackoffMs: number;
}

/** Partner Center REST over fetch: bounded retries for 429 (Retry-After) and 5xx, correlation IDs on every call. */
export class PartnerCenterClient implements PartnerCenter {
  constructor(private readonly options: PartnerCenterClientOptions) {}

  async legalBusinessProfile(accessToken: string): Promise<Result<LegalBusinessProfile, CredentialError>> {
    const response = await this.get('/v1/profiles/legalbusiness', accessToken);
    if ('error' in response) return fail(response.error);
    // https://learn.microsoft.com/en-us/partner-center/developer/get-legal-business-profile: the country is the address's.
    const body = response.body as { companyName?: string; address?: { country?: string } };
    return ok({ companyName: String(body.companyName ?? ''), country: String(body.address?.country ?? '') });
  }

  async mpnId(accessToken: string): Promise<Result<string, CredentialError>> {
    const response = await this.get('/v1/profiles/mpn', accessToken);
    if ('error' in response) return fail(onBehalfOfUser(response.error, consentCheckFailed.noPartnerRole()));
    return ok(String((response.body as { mpnId?: string }).mpnId ?? ''));
  }

  /** "Get a collection of invoices": https://learn.microsoft.com/en-us/partner-center/developer/get-a-collection-of-invoices */
  async readInvoices(accessToken: string): Promise<Result<{ invoices: number }, CredentialError>> {
    const response = await this.get('/v1/invoices?size=1', accessToken);
    if ('error' in response) return fail(onBehalfOfUser(response.error, consentCheckFailed.noBillingRole()));
    return ok({ invoices: Number((response.body as { totalCount?: number }).totalCount ?? 0) });
  }

  private async get(path: string, accessToken: string): Promise<{ body: unknown } | { error: CredentialError }> {
    const correlationId = randomUUID();
    let lastStatus: number | undefined;
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      let response: Response | undefined;
      try {
        response = await fetch(`${this.options.baseUrl}${path}`, {
          headers: {
            authorization: `Bearer ${accessToken}`,
            accept: 'application/json',
            'MS-CorrelationId': correlationId,
            'MS-RequestId': randomUUID(),
          },
          signal: AbortSignal.timeout(15_000),
        });
      } catch {
        response = undefined;
      }
      lastStatus = response?.status;
      if (response && response.status !== 429 && response.status < 500) {
        const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
        if (response.ok) return { body };
        return {
          error: mapPartnerCenterRefusal(
            response.status,
            body.code as string | number | undefined,
            response.headers.get('ms-correlationid') ?? correlationId,
          ),
        };
      }
      const wait = this.waitBeforeRetry(response, attempt);
      if (wait === undefined || attempt === this.options.maxAttempts) break;
      await response?.body?.cancel();
      await sleep(wait);
    }
    return {
      error: unavailable(ErrorCode.PartnerCenterUnavailable, 'Partner Center', {
        partnerCenterCode: lastStatus,
        correlationId,
      }),
    };
  }

  /** Honours Retry-After (seconds or an HTTP date); otherwise exponential backoff. */
  private waitBeforeRetry(response: Response | undefined, attempt: number): number | undefined {
    const ms = retryAfterMs(response?.headers.get('retry-after'), Date.now());
    if (ms !== undefined) return ms <= this.options.maxRetryAfterMs ? ms : undefined;
    return this.options.firstBackoffMs * 2 ** (attempt - 1);
  }
}

/**
 * What a refusal of an App+User call means: 900150, that the user's Partner Center role lacks the right (`roleMissing`,
 * not that the tenant is no partner); 900421, that the sign-in had no MFA, which Partner Center requires of App+User calls since
 * 1 April 2026 (https://learn.microsoft.com/en-us/partner-center/developer/partner-center-authentication).
 */
function onBehalfOfUser(error: CredentialError, roleMissing: CredentialError): CredentialError {
  const { partnerCenterCode: code, correlationId } = error;
  if (String(code) === '900150') return { ...roleMissing, partnerCenterCode: 900150, correlationId };
  if (String(code) === '900421') return { ...consentCheckFailed.noMfa(), partnerCenterCode: 900421, correlationId };
  return error;
}
