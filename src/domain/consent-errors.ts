import type { CredentialError } from './credential-errors';
import type { FieldError } from './error-codes';
import { ErrorCode } from './error-codes';

/** The app registration's platforms, as the Entra admin center names them. */
const SPA = '"Single-page application"';
const WEB = '"Web"';
const NEW_LINK = 'Ask for a new consent link (PUT …/partner-api-credentials) and try again.';

/** What the admin's answer or the code's redemption means for the person; decided on `error` and AADSTS codes. */
const BY_AADSTS: { codes: number[]; error: FieldError }[] = [
  {
    codes: [54005],
    error: {
      code: ErrorCode.CodeAlreadyRedeemed,
      message: `This consent was already used (the page was submitted twice). ${NEW_LINK}`,
    },
  },
  {
    codes: [70008],
    error: {
      code: ErrorCode.CodeExpired,
      message: `The consent code expired before it could be used (codes live about ten minutes). ${NEW_LINK}`,
    },
  },
  {
    codes: [501481],
    error: {
      code: ErrorCode.PkceMismatch,
      message: `The consent answer does not belong to the sign-in that started it. ${NEW_LINK}`,
    },
  },
  {
    codes: [50011, 70004, 500112, 900971],
    error: {
      code: ErrorCode.RedirectUriNotRegistered,
      field: 'redirectUri',
      message:
        "The application does not list this redirect URI. In Entra ID → App registrations → your app → Authentication, add the product's callback URL (or https://localhost), then ask for a new link.",
    },
  },
  {
    codes: [9002327],
    error: {
      code: ErrorCode.RedirectUriWrongPlatform,
      field: 'redirectUri',
      message: `The redirect URI is registered under ${SPA}, whose codes only a browser may redeem (and whose refresh tokens live 24 hours). In Entra ID → App registrations → your app → Authentication, remove it from ${SPA} and add it under ${WEB}, then ask for a new link.`,
    },
  },
  {
    codes: [9002326],
    error: {
      code: ErrorCode.RedirectUriWrongPlatform,
      field: 'redirectUri',
      message: `Microsoft saw the code redeemed from a browser, which only ${SPA} redirect URIs allow; this product redeems codes on its server. Keep the redirect URI under ${WEB} in Entra ID → App registrations → your app → Authentication (not under ${SPA}) and ask for a new link; if it already is, something between this service and Microsoft adds an Origin header.`,
    },
  },
  {
    codes: [700005],
    error: {
      code: ErrorCode.AdminFromAnotherTenant,
      message: `The consent was given in another tenant than the one verified in step 2. ${NEW_LINK}`,
    },
  },
  {
    codes: [65004],
    error: { code: ErrorCode.ConsentDeclined, message: `The admin declined the consent. ${NEW_LINK}` },
  },
  {
    codes: [650056, 650057],
    error: {
      code: ErrorCode.PermissionNotConfigured,
      field: 'applicationId',
      message:
        'The application does not request the Microsoft Partner (4990cffe-04e8-4e8b-808a-1175604b879f) → user_impersonation permission. Add it under API permissions, grant admin consent, then ask for a new link.',
    },
  },
  {
    codes: [50076, 50079],
    error: {
      code: ErrorCode.AdminWithoutMfa,
      message: `The admin must sign in with multi-factor authentication. Register MFA for the admin, then ${NEW_LINK.toLowerCase()}`,
    },
  },
];

export function mapConsentFailure(
  error: string,
  errorCodes: number[],
  references: Partial<CredentialError> = {},
): CredentialError {
  if (error === 'access_denied')
    return { code: ErrorCode.ConsentDeclined, message: `The admin declined the consent. ${NEW_LINK}`, ...references };
  const rule = BY_AADSTS.find((r) => errorCodes.some((c) => r.codes.includes(c)));
  const aadsts = rule ? errorCodes.find((c) => rule.codes.includes(c)) : errorCodes[0];
  return {
    ...(rule?.error ?? {
      code: ErrorCode.ConsentFailed,
      message: `Microsoft did not complete the consent (${error}${aadsts ? `, AADSTS${aadsts}` : ''}). ${NEW_LINK}`,
    }),
    aadsts,
    ...references,
  };
}

export const consentCheckFailed = {
  otherTenant: (expected: string): CredentialError => ({
    code: ErrorCode.AdminFromAnotherTenant,
    message: `The admin signed in to another tenant than the one verified in step 2 (${expected}). An admin of that tenant must consent. ${NEW_LINK}`,
  }),
  noMfa: (): CredentialError => ({
    code: ErrorCode.AdminWithoutMfa,
    message: `Partner Center refused the admin's sign-in because it was made without multi-factor authentication, which Partner Center requires for every call on a user's behalf. Make sure the admin signs in with MFA (register a method if needed; check that Conditional Access or security defaults require it for this app), then ${NEW_LINK.toLowerCase()}`,
  }),
  noPartnerRole: (): CredentialError => ({
    code: ErrorCode.AdminWithoutPartnerRole,
    message: `The admin who consented lacks the Admin agent role in Partner Center, which registration needs: Octo reads pricing and billing data with this consent. In Partner Center → Account settings → User management, give the admin the Admin agent role (or let an Admin agent consent). ${NEW_LINK}`,
  }),
  /** Billing (invoices, reconciliation) is for Admin agents and Billing admins; a Sales agent reads prices only. */
  noBillingRole: (): CredentialError => ({
    code: ErrorCode.AdminWithoutPartnerRole,
    message: `The admin who consented may not read billing data in Partner Center (invoices need the Admin agent role; a Sales agent can read prices only). In Partner Center → Account settings → User management, give the admin the Admin agent role (or let an Admin agent consent). ${NEW_LINK}`,
  }),
  /** "Get a price sheet" sends partners who get HTTP 400 to the Partner API's authentication documentation. */
  partnerApiRefusedToken: (): CredentialError => ({
    code: ErrorCode.PermissionNotConfigured,
    field: 'applicationId',
    message: `The Partner API refused the consent's token as an authentication problem (HTTP 400). In Entra ID → App registrations → your app → API permissions, add Microsoft Partner (4990cffe-04e8-4e8b-808a-1175604b879f) → user_impersonation as a delegated permission and grant admin consent; then ${NEW_LINK.toLowerCase()}`,
  }),
  mpnMismatch: (confirmed: string, actual: string): CredentialError => ({
    code: ErrorCode.MpnIdMismatch,
    field: 'mpnId',
    message: `Partner Center reports MPN ID ${actual}, not ${confirmed}. Check the MPN ID and ask for a new link.`,
  }),
};
