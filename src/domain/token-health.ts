import type { CredentialError } from './credential-errors';
import { ErrorCode } from './error-codes';

/** Entra ID refresh tokens die after 90 days unused; each use starts the window again. */
export const REFRESH_TOKEN_INACTIVITY_DAYS = 90;
/** Secrets about to expire are flagged (and the admin e-mailed) this many days ahead. */
export const SECRET_EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 24 * 3600_000;

/**
 * AADSTS codes that no retry can fix: the refresh token expired (700082), was revoked (50173: for a
 * confidential client such as this one, an admin revoked the user's sessions or reset the password in the
 * Microsoft Entra admin center — a password the user changed or reset does not revoke it), is otherwise
 * invalid (700003, 70043), or the tenant now asks for MFA (50076) or consent (65001). Only an admin's new
 * consent helps.
 * https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens#token-revocation
 */
export const RECONSENT_AADSTS: readonly number[] = [700082, 50173, 700003, 70043, 50076, 65001];

const WHY: Record<number, string> = {
  700082: 'it was not used for 90 days',
  50173:
    "it was revoked, for example because an administrator revoked the consenting admin's sessions or reset that admin's password in the Microsoft Entra admin center",
  700003: 'its device or session is no longer valid',
  70043: 'a Conditional Access policy shortened its life',
  50076: 'the tenant now requires multi-factor authentication',
  65001: 'the consent was withdrawn',
};

/** What the keep-alive tells the person when only a new consent helps (the step 3 wording does not fit a registered account). */
export function reconsentMessage(error: CredentialError): string {
  const why = error.aadsts !== undefined && WHY[error.aadsts] ? `: ${WHY[error.aadsts]} (AADSTS${error.aadsts})` : '';
  return `Microsoft no longer accepts the admin's consent${why}. Ask an admin with the Admin agent role to consent again.`;
}

export const needsReconsent = (error: CredentialError): boolean =>
  error.code === ErrorCode.TokenNoLongerValid ||
  (error.aadsts !== undefined && RECONSENT_AADSTS.includes(error.aadsts));

/** How the payer account's delegated token and secret fare, as the keep-alive last saw them. Never a secret. */
export interface AccountHealth {
  /** The last successful refresh (which also rotated the refresh token). */
  lastRefreshAt?: string;
  lastAttemptAt?: string;
  /** An estimate: the refresh token's inactivity window from its last use. */
  refreshTokenExpiresAt?: string;
  lastError?: Pick<CredentialError, 'code' | 'message' | 'help' | 'aadsts' | 'traceId' | 'correlationId'> & {
    transient?: boolean;
  };
  /** Only an admin's new consent brings the account back (POST /api/payer-account/reconsent). */
  reconsentRequired: boolean;
  /** The application secret expires within SECRET_EXPIRY_WARNING_DAYS (PUT /api/payer-account/secret). */
  secretExpiresSoon?: boolean;
  /** When the admin was last warned about the secret's expiry: one e-mail per expiry date. */
  secretExpiryWarnedFor?: string;
}

/** An account without findings yet (registered before the keep-alive ran, or before health existed). */
export const healthOf = (record: { health?: AccountHealth }): AccountHealth =>
  record.health ?? { reconsentRequired: false };

export const healthyAt = (now: Date, previous?: AccountHealth): AccountHealth => ({
  ...previous,
  lastRefreshAt: now.toISOString(),
  lastAttemptAt: now.toISOString(),
  refreshTokenExpiresAt: new Date(now.getTime() + REFRESH_TOKEN_INACTIVITY_DAYS * DAY_MS).toISOString(),
  lastError: undefined,
  reconsentRequired: false,
});

export const secretExpiresSoon = (expiresAt: string | undefined, now: Date): boolean =>
  expiresAt !== undefined && Date.parse(expiresAt) - now.getTime() <= SECRET_EXPIRY_WARNING_DAYS * DAY_MS;
