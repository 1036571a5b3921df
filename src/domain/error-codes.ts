/**
 * Every error the API answers has one of these stable codes; frontends branch on the code,
 * people read the message. Messages say what to do, never echo a secret.
 */
export const ErrorCode = {
  AuthenticationRequired: 'authentication_required',
  InvalidToken: 'invalid_token',
  Forbidden: 'forbidden',
  MalformedJson: 'malformed_json',
  BodyTooLarge: 'body_too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  InvalidField: 'invalid_field',
  FieldTooLong: 'field_too_long',
  UnknownField: 'unknown_field',
  PayerAccountExists: 'payer_account_exists',
  RegistrationInProgress: 'registration_in_progress',
  RegistrationNotFound: 'registration_not_found',
  PayerAccountNotFound: 'payer_account_not_found',
  /** Ops: no registration orchestration with that instance ID. */
  InstanceNotFound: 'instance_not_found',
  RegistrationNotAtThisStep: 'registration_not_at_this_step',
  /** The record kept changing while a conditional change was attempted: try again. */
  ConcurrentChange: 'concurrent_change',
  SecretStoreUnavailable: 'secret_store_unavailable',
  ServiceUnavailable: 'service_unavailable',
  InternalError: 'internal_error',
  /** No operation of the API has this path. */
  RouteNotFound: 'route_not_found',
  /** The path is an operation's, the method is not (the answer's Allow header lists those that are). */
  MethodNotAllowed: 'method_not_allowed',
  // Step 2: what Entra ID and Partner Center said about the submitted credentials.
  SecretInvalid: 'secret_invalid',
  SecretExpired: 'secret_expired',
  ApplicationNotFound: 'application_not_found',
  TenantNotFound: 'tenant_not_found',
  ApplicationNotMultiTenant: 'application_not_multi_tenant',
  ApplicationIsPublicClient: 'application_is_public_client',
  ConsentRequired: 'consent_required',
  AccessBlocked: 'access_blocked',
  CredentialsRejected: 'credentials_rejected',
  PartnerCenterAppNotEnabled: 'partner_center_app_not_enabled',
  NotACspPartner: 'not_a_csp_partner',
  PartnerCenterRejected: 'partner_center_rejected',
  PartnerCenterUnavailable: 'partner_center_unavailable',
  IdentityProviderUnavailable: 'identity_provider_unavailable',
  SecretNoLongerAvailable: 'secret_no_longer_available',
  // Step 3: the consent.
  ConfirmationMismatch: 'confirmation_mismatch',
  ConsentDeclined: 'consent_declined',
  ConsentFailed: 'consent_failed',
  /** A consent answer for a link a newer one replaced (or whose registration ended). */
  ConsentLinkReplaced: 'consent_link_replaced',
  ConsentLinkExpired: 'consent_link_expired',
  CodeAlreadyRedeemed: 'code_already_redeemed',
  CodeExpired: 'code_expired',
  PkceMismatch: 'pkce_mismatch',
  RedirectUriNotRegistered: 'redirect_uri_not_registered',
  /** The redirect URI sits under the app registration's Single-page application platform, not under Web. */
  RedirectUriWrongPlatform: 'redirect_uri_wrong_platform',
  AdminFromAnotherTenant: 'admin_from_another_tenant',
  AdminWithoutMfa: 'admin_without_mfa',
  AdminWithoutPartnerRole: 'admin_without_partner_role',
  MpnIdMismatch: 'mpn_id_mismatch',
  PermissionNotConfigured: 'permission_not_configured',
  EmailNotSent: 'email_not_sent',
  /** The admin's e-mail is at neither the caller's domain nor the partner tenant's: the link is to be copied. */
  AdminEmailNotAllowed: 'admin_email_not_allowed',
  /** The organization had the most consent links e-mailed that an hour allows. */
  TooManyConsentEmails: 'too_many_consent_emails',
  /** The organization had the most connection checks an hour allows. */
  TooManyConnectionChecks: 'too_many_connection_checks',
  // Lifecycle of a registered account.
  ReconsentNotFound: 'reconsent_not_found',
  /** The stored delegated token is gone or unusable: only a new consent helps. */
  TokenNoLongerValid: 'token_no_longer_valid',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface FieldError {
  code: ErrorCode;
  message: string;
  /** The input property at fault (dotted path), or `body` for the request body as a whole. */
  field?: string;
  /** The page that fixes it (error-help.ts): set when the error is answered, not where it is decided. */
  help?: string;
}

/** An expected failure of a use case, as a value rather than an exception. */
export type Result<T, E = FieldError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = <E>(error: E): Result<never, E> => ({ ok: false, error });
