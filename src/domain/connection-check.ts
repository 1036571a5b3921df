import type { AuditDetails } from './audit';
import type { CredentialError } from './credential-errors';

/** What a connection check proves, in order: every later path needs the refreshed token. */
export const ConnectionPath = {
  RefreshToken: 'refreshToken',
  PriceSheet: 'priceSheet',
  Billing: 'billing',
  MpnProfile: 'mpnProfile',
} as const;
export type ConnectionPath = (typeof ConnectionPath)[keyof typeof ConnectionPath];

/** `unavailable`: Microsoft or the vault did not answer (try later); `notChecked`: no token to check it with. */
export type PathOutcome = 'ok' | 'failed' | 'unavailable' | 'notChecked';

/** An error as a path reports it: Microsoft's codes and IDs, never the input field of a step it came from. */
export type PathError = Omit<CredentialError, 'field'>;

export interface PathCheck {
  path: ConnectionPath;
  outcome: PathOutcome;
  /** When the path's answer came (or, when not checked, when the check gave up on it). */
  at: string;
  /** What was proven, for people: e.g. the rows read, the MPN ID. */
  detail?: string;
  error?: PathError;
}

/** `failed`: Microsoft refused a path (someone must act); `unavailable`: only passing faults. */
export type ConnectionVerdict = 'ok' | 'failed' | 'unavailable';

/** One connection check of a registered payer account, as answered and as kept on the account. Never a secret. */
export interface ConnectionCheck {
  checkedAt: string;
  verdict: ConnectionVerdict;
  /** The refresh token is dead: only an admin's new consent helps (POST /api/payer-account/reconsent). */
  reconsentRequired: boolean;
  paths: PathCheck[];
}

export const pathError = ({ field: _field, help: _help, ...error }: CredentialError): PathError => error;

export const outcomeOf = (error: CredentialError): PathOutcome => (error.unavailable ? 'unavailable' : 'failed');

export function verdictOf(paths: readonly PathCheck[]): ConnectionVerdict {
  if (paths.some((p) => p.outcome === 'failed')) return 'failed';
  return paths.every((p) => p.outcome === 'ok') ? 'ok' : 'unavailable';
}

/** The audit entry's details: each path's outcome, and for a failed one Microsoft's codes and IDs (flat, no payload). */
export function connectionCheckAuditDetails(check: ConnectionCheck): AuditDetails {
  const details: AuditDetails = { verdict: check.verdict, reconsentRequired: check.reconsentRequired };
  for (const { path, outcome, error } of check.paths) {
    details[path] = outcome;
    if (!error) continue;
    details[`${path}.code`] = error.code;
    details[`${path}.aadsts`] = error.aadsts;
    details[`${path}.partnerCenterCode`] = error.partnerCenterCode;
    details[`${path}.correlationId`] = error.correlationId;
    details[`${path}.traceId`] = error.traceId;
  }
  return details;
}
