import type { CredentialError } from './credential-errors';

/** Where a staged secret lives in the secret store; the only form a secret takes outside it. */
export interface StagedSecret {
  name: string;
  version: string;
}

/** Step 2's event payload: identifiers and the secret's reference, never the secret. */
export interface PartnerCenterCredentialsSubmission {
  submissionId: string;
  /** Whose registration (for the audit trail); absent in submissions made before it was recorded. */
  organizationId?: string;
  registrationId?: string;
  applicationId: string;
  /** A domain name or a tenant GUID, as the person typed it. */
  domain: string;
  secret: StagedSecret;
  /** The value had the shape of a GUID: probably the secret's ID rather than its value. */
  secretLooksLikeId: boolean;
  submittedAt: string;
  /** When the secret expires, if the person said. */
  secretExpiresAt?: string;
  /**
   * The verification's result, when the request that received the secret could verify it at once (the person
   * waits for it). Absent when it could not decide (a transient fault, or no answer in time): the registration's
   * activity verifies then, with retries.
   */
  verdict?: VerificationResult;
}

export interface VerifiedPartner {
  tenantId: string;
  applicationId: string;
  domain: string;
  companyName: string;
  country: string;
}

export type VerificationResult = { ok: true; partner: VerifiedPartner } | { ok: false; error: CredentialError };
