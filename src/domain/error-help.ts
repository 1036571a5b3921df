import { ErrorCode } from './error-codes';

const LEARN = 'https://learn.microsoft.com/en-us';
const ENTRA = `${LEARN}/entra/identity-platform`;
const PARTNER_CENTER = `${LEARN}/partner-center`;
/** The API's own reference: for mistakes in a request, which no Microsoft setting fixes. */
const API_REFERENCE = '/api/openapi.json';

/** Each confirmed to exist on learn.microsoft.com (anchors included) on 2026-12-05. */
const page = {
  accessTokens: `${ENTRA}/access-tokens`,
  appRoles: `${ENTRA}/howto-add-app-roles-in-apps#assign-users-and-groups-to-microsoft-entra-roles`,
  clientSecret: `${ENTRA}/how-to-add-credentials?tabs=client-secret`,
  publicClient: `${ENTRA}/reference-app-manifest#allowpublicclient-attribute`,
  redirectUri: `${ENTRA}/how-to-add-redirect-uri`,
  spaRedirectUri: `${ENTRA}/v2-oauth2-auth-code-flow#redirect-uris-for-single-page-apps-spas`,
  adminConsent: `${ENTRA}/v2-admin-consent`,
  apiPermissions: `${ENTRA}/quickstart-configure-app-access-web-apis`,
  authCodeFlow: `${ENTRA}/v2-oauth2-auth-code-flow`,
  refreshTokens: `${ENTRA}/refresh-tokens`,
  conditionalAccess: `${LEARN}/entra/identity/conditional-access/troubleshoot-conditional-access`,
  mfa: `${PARTNER_CENTER}/security/partner-security-requirements-mandating-mfa`,
  partnerCenterAuth: `${PARTNER_CENTER}/developer/partner-center-authentication`,
  partnerCenterApiAccess: `${PARTNER_CENTER}/developer/set-up-api-access-in-partner-center`,
  partnerCenterRoles: `${PARTNER_CENTER}/account-settings/permissions-overview`,
  cspProgram: `${PARTNER_CENTER}/enroll/csp-overview`,
  mpnId: `${PARTNER_CENTER}/account-settings/partner-center-account-setup`,
  priceSheet: `${PARTNER_CENTER}/developer/get-a-price-sheet`,
  serviceHealth: 'https://azure.status.microsoft/status',
  keyVault: `${LEARN}/azure/key-vault/general/overview-throttling`,
  email: `${LEARN}/azure/communication-services/concepts/email/email-overview`,
  applicationIds: `${ENTRA}/howto-create-service-principal-portal#sign-in-to-the-application`,
  tenant: `${LEARN}/entra/fundamentals/how-to-find-tenant`,
} as const;

/**
 * The one page that fixes each error: Microsoft's, where a setting in Entra ID or Partner Center fixes it; the
 * API's reference for a malformed request; the product's wizard (its own address) for a step out of order. Every
 * code has one (the type requires it), so every error a partner can see carries `help`.
 */
export const ERROR_HELP: { readonly [C in ErrorCode]: string } = {
  [ErrorCode.AuthenticationRequired]: page.accessTokens,
  [ErrorCode.InvalidToken]: page.accessTokens,
  [ErrorCode.Forbidden]: page.appRoles,
  [ErrorCode.MalformedJson]: API_REFERENCE,
  [ErrorCode.BodyTooLarge]: API_REFERENCE,
  [ErrorCode.UnsupportedMediaType]: API_REFERENCE,
  [ErrorCode.InvalidField]: API_REFERENCE,
  [ErrorCode.FieldTooLong]: API_REFERENCE,
  [ErrorCode.UnknownField]: API_REFERENCE,
  [ErrorCode.PayerAccountExists]: '/',
  [ErrorCode.RegistrationInProgress]: '/',
  [ErrorCode.RegistrationNotFound]: '/',
  [ErrorCode.PayerAccountNotFound]: '/',
  [ErrorCode.InstanceNotFound]: API_REFERENCE,
  [ErrorCode.RegistrationNotAtThisStep]: '/',
  [ErrorCode.ConcurrentChange]: '/',
  [ErrorCode.SecretStoreUnavailable]: page.keyVault,
  [ErrorCode.ServiceUnavailable]: page.serviceHealth,
  [ErrorCode.InternalError]: page.serviceHealth,
  [ErrorCode.RouteNotFound]: API_REFERENCE,
  [ErrorCode.MethodNotAllowed]: API_REFERENCE,
  [ErrorCode.SecretInvalid]: page.clientSecret,
  [ErrorCode.SecretExpired]: page.clientSecret,
  [ErrorCode.ApplicationNotFound]: page.applicationIds,
  [ErrorCode.TenantNotFound]: page.tenant,
  // AADSTS50194: a single-tenant app asked outside its own tenant; single-tenant apps are fine in their own tenant.
  [ErrorCode.ApplicationNotMultiTenant]: page.tenant,
  [ErrorCode.ApplicationIsPublicClient]: page.publicClient,
  [ErrorCode.ConsentRequired]: page.adminConsent,
  [ErrorCode.AccessBlocked]: page.conditionalAccess,
  [ErrorCode.CredentialsRejected]: page.partnerCenterApiAccess,
  [ErrorCode.PartnerCenterAppNotEnabled]: page.partnerCenterApiAccess,
  [ErrorCode.NotACspPartner]: page.cspProgram,
  [ErrorCode.PartnerCenterRejected]: page.partnerCenterAuth,
  [ErrorCode.PartnerCenterUnavailable]: page.serviceHealth,
  [ErrorCode.IdentityProviderUnavailable]: page.serviceHealth,
  [ErrorCode.SecretNoLongerAvailable]: '/',
  [ErrorCode.ConfirmationMismatch]: '/',
  [ErrorCode.ConsentDeclined]: page.adminConsent,
  [ErrorCode.ConsentFailed]: page.authCodeFlow,
  [ErrorCode.ConsentLinkReplaced]: '/',
  [ErrorCode.ConsentLinkExpired]: '/',
  [ErrorCode.CodeAlreadyRedeemed]: page.authCodeFlow,
  [ErrorCode.CodeExpired]: page.authCodeFlow,
  [ErrorCode.PkceMismatch]: page.authCodeFlow,
  [ErrorCode.RedirectUriNotRegistered]: page.redirectUri,
  [ErrorCode.RedirectUriWrongPlatform]: page.spaRedirectUri,
  [ErrorCode.AdminFromAnotherTenant]: page.adminConsent,
  [ErrorCode.AdminWithoutMfa]: page.mfa,
  [ErrorCode.AdminWithoutPartnerRole]: page.partnerCenterRoles,
  [ErrorCode.MpnIdMismatch]: page.mpnId,
  [ErrorCode.PermissionNotConfigured]: page.apiPermissions,
  [ErrorCode.EmailNotSent]: page.email,
  [ErrorCode.AdminEmailNotAllowed]: '/',
  [ErrorCode.TooManyConsentEmails]: '/',
  [ErrorCode.TooManyConnectionChecks]: '/',
  [ErrorCode.ReconsentNotFound]: '/',
  [ErrorCode.TokenNoLongerValid]: page.refreshTokens,
};
