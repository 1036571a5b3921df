import type { AuditEntry } from './audit';
import type { CredentialError } from './credential-errors';

/** One error Microsoft (or the product about Microsoft) answered, with what Microsoft's support asks for. */
export interface SeenError {
  at?: string;
  /** Where it was seen: `registration`, `reconsent`, `tokenRefresh`, `connectionCheck.<path>`, or an audit action. */
  source: string;
  code: string;
  message?: string;
  aadsts?: number;
  partnerCenterCode?: string | number;
  correlationId?: string;
  traceId?: string;
  /** The page that fixes it. */
  help?: string;
}

/** The same error seen twice (e.g. in the timeline and in the audit trail) within this long counts once, without IDs. */
const SAME_TIME_MS = 2 * 60_000;

const agree = <T>(a: T | undefined, b: T | undefined) => a === undefined || b === undefined || String(a) === String(b);

function same(a: SeenError, b: SeenError): boolean {
  if (a.code !== b.code || !agree(a.aadsts, b.aadsts) || !agree(a.partnerCenterCode, b.partnerCenterCode)) return false;
  if (a.correlationId && b.correlationId) return a.correlationId === b.correlationId;
  if (a.traceId && b.traceId) return a.traceId === b.traceId;
  return Math.abs(Date.parse(a.at ?? '') - Date.parse(b.at ?? '')) <= SAME_TIME_MS;
}

/** Each error once (what one sighting lacks, another fills in), newest first. */
export function mergeSeenErrors(seen: readonly SeenError[]): SeenError[] {
  const merged: SeenError[] = [];
  for (const error of seen) {
    const index = merged.findIndex((m) => same(m, error));
    if (index < 0) merged.push({ ...error });
    else merged[index] = { ...dropUndefined(error), ...dropUndefined(merged[index]) };
  }
  return merged.sort((a, b) => (Date.parse(b.at ?? '') || 0) - (Date.parse(a.at ?? '') || 0));
}

export const seenError = (source: string, at: string | undefined, error: Partial<CredentialError>): SeenError =>
  dropUndefined({
    at,
    source,
    code: String(error.code),
    message: error.message,
    aadsts: error.aadsts,
    partnerCenterCode: error.partnerCenterCode,
    correlationId: error.correlationId,
    traceId: error.traceId,
  });

/**
 * The errors an audit entry records: `code` with its `aadsts`, `correlationId`… and, for entries with several,
 * `<part>.code` with `<part>.aadsts`… (a connection check's paths).
 */
export function auditedErrors(entry: AuditEntry): SeenError[] {
  const details = entry.details ?? {};
  const parts = Object.keys(details)
    .filter((key) => key === 'code' || key.endsWith('.code'))
    .map((key) => key.slice(0, -'code'.length));
  return parts
    .filter((part) => typeof details[`${part}code`] === 'string')
    .map((part) => {
      const value = (name: string) => details[`${part}${name}`];
      const text = (name: string) => (typeof value(name) === 'string' ? (value(name) as string) : undefined);
      return seenError(`${entry.action}${part ? `.${part.slice(0, -1)}` : ''}`, entry.at, {
        code: text('code') as CredentialError['code'],
        aadsts: typeof value('aadsts') === 'number' ? (value('aadsts') as number) : undefined,
        partnerCenterCode: value('partnerCenterCode') as string | number | undefined,
        correlationId: text('correlationId'),
        traceId: text('traceId'),
      });
    });
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
