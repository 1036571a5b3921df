import type { ConsentLinkHandMade } from './consent';
/** A payer-account registration as the product's users see it. No Azure types here. */
import type { CredentialError } from './credential-errors';
import type { VerifiedPartner } from './partner-center-credentials';
import type { StagedSecret } from './partner-center-credentials';

export const RegistrationStep = {
  PartnerCenterCredentials: 'partnerCenterCredentials',
  PartnerApiConsent: 'partnerApiConsent',
} as const;
export type RegistrationStep = (typeof RegistrationStep)[keyof typeof RegistrationStep];

export const RegistrationStatus = {
  AwaitingPartnerCenterCredentials: 'awaitingPartnerCenterCredentials',
  VerifyingPartnerCenterCredentials: 'verifyingPartnerCenterCredentials',
  AwaitingPartnerApiCredentials: 'awaitingPartnerApiCredentials',
  AwaitingConsent: 'awaitingConsent',
  ConsentExpired: 'consentExpired',
  RedeemingConsent: 'redeemingConsent',
  Registered: 'registered',
  Expired: 'expired',
  Cancelled: 'cancelled',
} as const;
export type RegistrationStatus = (typeof RegistrationStatus)[keyof typeof RegistrationStatus];

/** What the orchestration publishes as custom status; plain data, never a secret. */
export interface RegistrationProgress {
  step: RegistrationStep;
  status: RegistrationStatus;
  expiresAt: string;
  /** The Partner Center credentials submission this progress answers. */
  submissionId?: string;
  /** Why the last submission was not accepted; the registration stays at its step. */
  error?: CredentialError;
  verified?: VerifiedPartner;
  /** Step 3: the consent link in force (its ID and expiry, never the link itself) and who it was mailed to. */
  consent?: { linkId: string; expiresAt: string; emailedTo?: string; redirectUri: string };
}

/** The orchestration's input: identifiers and settings only. */
export interface RegistrationInput {
  organizationId: string;
  accountName?: string;
  /** How long the registration may wait for the person, from its start. */
  expiresAfterHours: number;
  /**
   * Re-consent of a registered payer account: step 3 only, over what was verified at registration;
   * on success the account's token is swapped (the old one serves until then).
   */
  reconsent?: { verified: VerifiedPartner; applicationSecret: StagedSecret };
}

export interface RegistrationOutcome {
  outcome: 'expired' | 'cancelled' | 'registered';
}

export interface RegistrationView {
  registrationId: string;
  accountName?: string;
  step: RegistrationStep;
  status: RegistrationStatus | 'starting';
  createdAt: string;
  expiresAt?: string;
  verified?: VerifiedPartner;
  error?: CredentialError;
  consent?: RegistrationProgress['consent'] & { consentLink?: string } & Partial<ConsentLinkHandMade>;
}

export const ACCOUNT_NAME_MAX_LENGTH = 100;
