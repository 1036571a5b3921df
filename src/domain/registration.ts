/** A payer-account registration as the product's users see it. No Azure types here. */

export const RegistrationStep = {
  PartnerCenterCredentials: 'partnerCenterCredentials',
  PartnerApiConsent: 'partnerApiConsent',
} as const;
export type RegistrationStep = (typeof RegistrationStep)[keyof typeof RegistrationStep];

export const RegistrationStatus = {
  AwaitingPartnerCenterCredentials: 'awaitingPartnerCenterCredentials',
  Expired: 'expired',
  Cancelled: 'cancelled',
} as const;
export type RegistrationStatus = (typeof RegistrationStatus)[keyof typeof RegistrationStatus];

/** What the orchestration publishes as custom status; plain data, never a secret. */
export interface RegistrationProgress {
  step: RegistrationStep;
  status: RegistrationStatus;
  expiresAt: string;
}

/** The orchestration's input: identifiers and settings only. */
export interface RegistrationInput {
  organizationId: string;
  accountName?: string;
  /** How long the registration may wait for the person, from its start. */
  expiresAfterHours: number;
}

export interface RegistrationOutcome {
  outcome: 'expired' | 'cancelled';
}

export interface RegistrationView {
  registrationId: string;
  accountName?: string;
  step: RegistrationStep;
  status: RegistrationStatus | 'starting';
  createdAt: string;
  expiresAt?: string;
}

export const ACCOUNT_NAME_MAX_LENGTH = 100;
