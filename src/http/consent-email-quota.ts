import type { HttpResponseInit } from '@azure/functions';
import { checkConsentEmailQuota } from '../app/check-consent-email-quota';
import type { AppServices } from '../composition';
import type { Caller } from '../domain/payer-account';
import { problem } from './problem';

/** 429 with Retry-After when the organization had the consent e-mails an hour allows; undefined when this one may go. */
export async function consentEmailRefusal(
  caller: Caller,
  services: AppServices,
): Promise<HttpResponseInit | undefined> {
  const quota = await checkConsentEmailQuota(caller, services);
  if (quota.ok) return undefined;
  const { retryAfterSeconds, ...error } = quota.error;
  return problem(error, undefined, { 'retry-after': String(retryAfterSeconds) });
}
