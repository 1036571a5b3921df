import type { ConsentLinkHandMade } from './consent';
import type { RegisteredPayerAccount } from './consent';
import type { ConnectionCheck } from './connection-check';
import type { CredentialError } from './credential-errors';
import type { RegistrationProgress, RegistrationStatus } from './registration';
import type { AccountHealth } from './token-health';

/**
 * The one payer account an organization may have, from the moment a registration claims it.
 * Stored in Table Storage; holds identifiers and metadata only.
 */
export interface PendingSubmission {
  registrationId: string;
  submissionId: string;
  submittedAt: string;
}

/**
 * Whether the registration has still to take a submission that was answered "still verifying": it publishes the
 * submission's ID once it does.
 */
export function submissionNotYetTaken(
  record: Pick<PayerAccountRecord, 'registrationId' | 'pendingSubmission'>,
  takenSubmissionId: string | undefined,
  now: Date,
): boolean {
  const pending = record.pendingSubmission;
  return (
    pending !== undefined &&
    pending.registrationId === record.registrationId &&
    pending.submissionId !== takenSubmissionId &&
    now.getTime() - Date.parse(pending.submittedAt) < PENDING_SUBMISSION_TTL_MS
  );
}

/** A submission not taken this long after it was made never will be (the registration ended or moved on). */
export const PENDING_SUBMISSION_TTL_MS = 10 * 60_000;

export interface PayerAccountRecord {
  organizationId: string;
  state: 'registering' | 'registered';
  /** The registration (orchestration instance) that holds the claim. */
  registrationId: string;
  accountName?: string;
  createdAt: string;
  createdBy: string;
  /** Once registered: identifiers, who consented, secret names and versions (never values). */
  account?: RegisteredPayerAccount;
  /** Once registered: the token keep-alive's last findings. */
  health?: AccountHealth;
  /** A re-consent (orchestration instance) in progress for the registered account. */
  reconsentId?: string;
  /** Once registered: the last connection check a person ran (POST /api/payer-account/connection-check). */
  lastConnectionCheck?: ConnectionCheck;
  /**
   * While registering: step 2's last submission answered "still verifying" (202), which the registration may not
   * have taken yet (the engine delivers events through its queues): until it does, the registration reads as verifying.
   */
  pendingSubmission?: PendingSubmission;
  /** The stored row's version (its ETag) when read: conditional changes pass it back. */
  version?: string;
}

/** The registered payer account as its organization sees it: metadata and secret names and versions, never values. */
export type PayerAccountView = Omit<RegisteredPayerAccount, 'tokenCache' | 'applicationSecret'> & {
  accountName?: string;
  registrationId: string;
  registeredAt: string;
  secrets: Pick<RegisteredPayerAccount, 'tokenCache' | 'applicationSecret'>;
  health: AccountHealth & { secretExpiresSoon: boolean };
  lastConnectionCheck?: ConnectionCheck;
  /** A re-consent waiting for the admin, or being redeemed. */
  reconsent?: {
    reconsentId: string;
    status: RegistrationStatus;
    expiresAt: string;
    error?: CredentialError;
    consent?: NonNullable<RegistrationProgress['consent']> & { consentLink?: string } & Partial<ConsentLinkHandMade>;
  };
};

export interface Caller {
  organizationId: string;
  /** The token's `tid`: the tenant the caller signed in to. */
  tenantId: string;
  userId: string;
  roles: readonly string[];
  /** From the token's `name`, and `email` or a user name that is an address, where present. */
  name?: string;
  email?: string;
}

/** What GET /api/me tells a frontend about the caller: the actions to offer, and the role to ask for. */
export interface CallerView {
  organizationId: string;
  canManage: boolean;
  canOperate: boolean;
  manageRole: string;
}
