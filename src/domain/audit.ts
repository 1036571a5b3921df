/** The audit trail: who did what and when to an organization's registration or payer account. Never a secret. */
export const AuditAction = {
  RegistrationStarted: 'registration.started',
  PartnerCenterCredentialsSubmitted: 'registration.partnerCenterCredentials.submitted',
  PartnerCenterCredentialsVerified: 'registration.partnerCenterCredentials.verified',
  PartnerCenterCredentialsRefused: 'registration.partnerCenterCredentials.refused',
  ConsentLinkRequested: 'registration.consentLink.requested',
  PreflightRun: 'registration.preflight.run',
  AuthorizationCodePasted: 'registration.authorizationCode.pasted',
  ConsentRefused: 'registration.consent.refused',
  PayerAccountRegistered: 'payerAccount.registered',
  RegistrationCancelled: 'registration.cancelled',
  RegistrationEnded: 'registration.ended',
  PayerAccountDeregistered: 'payerAccount.deregistered',
  ReconsentRequested: 'payerAccount.reconsent.requested',
  PayerAccountReconsented: 'payerAccount.reconsented',
  TokenRefreshed: 'payerAccount.token.refreshed',
  TokenRefreshFailed: 'payerAccount.token.refreshFailed',
  ReconsentRequired: 'payerAccount.reconsentRequired',
  SecretUpdated: 'payerAccount.secret.updated',
  SecretUpdateRefused: 'payerAccount.secret.refused',
  SecretExpiryWarned: 'payerAccount.secret.expiryWarned',
  ConnectionChecked: 'payerAccount.connectionChecked',
  SupportBundleRead: 'payerAccount.supportBundle.read',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

/** A person signed in to the API (their object ID), or a background activity of the product (its name). */
export interface AuditActor {
  type: 'user' | 'system';
  id: string;
}

/** Identifiers, codes, counts and flags only: the type admits no nested payloads. */
export type AuditDetails = Record<string, string | number | boolean | undefined>;

export interface AuditEntry {
  organizationId: string;
  at: string;
  actor: AuditActor;
  action: AuditAction;
  registrationId?: string;
  details?: AuditDetails;
}
