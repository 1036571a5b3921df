import type { CredentialError } from './credential-errors';
import type { StagedSecret } from './partner-center-credentials';

/** Delegated scopes the admin consents to: the Partner API, plus a refresh token. */
export const PARTNER_API_SCOPE = 'https://api.partner.microsoft.com/user_impersonation';
export const CONSENT_SCOPES = [PARTNER_API_SCOPE, 'offline_access', 'openid', 'profile'];

/**
 * The sign-in address a partner builds by hand for their own redirect URI (the v2 endpoint of their tenant,
 * `redirect_uri`, the consent's scopes, a fresh sign-in): no `state` or PKCE, which only the product's own link
 * carries. Its code is redeemed without PKCE (optional for a confidential client:
 * https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code).
 */
export function handMadeConsentUrl(
  authorityHost: string,
  app: { tenantId: string; applicationId: string; redirectUri: string },
): string {
  const query = new URLSearchParams({
    client_id: app.applicationId,
    response_type: 'code',
    redirect_uri: app.redirectUri,
    response_mode: 'query',
    scope: CONSENT_SCOPES.join(' '),
    prompt: 'login',
  });
  return `${authorityHost}/${app.tenantId}/oauth2/v2.0/authorize?${query}`;
}

export interface ConsentLinkHandMade {
  /** For the partner's own redirect URI: the sign-in address to build by hand instead of opening the link. */
  handMade: { consentUrl: string; redirectUri: string };
}

/** The hand-made sign-in address, only for a redirect URI of the partner's own (not this product's callback). */
export function handMadeLink(
  authority: { host: string; callbackUrl: string },
  app: { tenantId: string; applicationId: string },
  redirectUri: string,
): ConsentLinkHandMade | undefined {
  if (redirectUri === authority.callbackUrl) return undefined;
  return { handMade: { consentUrl: handMadeConsentUrl(authority.host, { ...app, redirectUri }), redirectUri } };
}

/** What a consent link carries (signed): which registration, which link (a newer link replaces it). */
export interface ConsentTicket {
  registrationId: string;
  linkId: string;
}

/** The OAuth `state` of one click on the link (signed, single-use, short-lived). */
export interface ConsentState {
  registrationId: string;
  linkId: string;
  nonce: string;
  /** Where the PKCE verifier of this click is kept. */
  verifier: StagedSecret;
}

/** Step 3's request: the person confirms what step 2 verified, and says who consents. */
export interface PartnerApiCredentialsSubmission {
  linkId: string;
  linkExpiresAt: string;
  mpnId?: string;
  /** A new secret for the Partner API; absent: the one verified in step 2. */
  secret?: StagedSecret;
  secretExpiresAt?: string;
  adminEmail?: string;
  requestedBy: string;
  redirectUri: string;
}

/** The consent came back: the code's reference, or what the admin or Entra ID answered instead. */
export type ConsentCompletion =
  | {
      linkId: string;
      code: StagedSecret;
      /** The PKCE verifier of the click; absent for a code from a sign-in address built by hand. */
      verifier?: StagedSecret;
      redirectUri: string;
      receivedAt: string;
    }
  | { linkId: string; error: string; errorCodes: number[]; receivedAt: string };

/** The registered payer account as recorded: identifiers, who consented, secret names and versions — never values. */
export interface RegisteredPayerAccount {
  tenantId: string;
  applicationId: string;
  mpnId: string;
  companyName: string;
  country: string;
  consentedBy: string;
  consentedAt: string;
  tokenCache: StagedSecret;
  applicationSecret: StagedSecret;
  /** When the application secret expires, if the person said (step 2, step 3 or a secret update). */
  applicationSecretExpiresAt?: string;
  /** Where consent links were e-mailed: the admin to ask again when the token dies. */
  adminEmail?: string;
}

export type ConsentResult = { ok: true; account: RegisteredPayerAccount } | { ok: false; error: CredentialError };

export interface ConsentLinkView extends Partial<ConsentLinkHandMade> {
  consentLink: string;
  expiresAt: string;
  emailedTo?: string;
}
