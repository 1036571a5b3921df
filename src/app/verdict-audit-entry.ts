import { AuditAction } from '../domain/audit';
import { Activity } from '../domain/durable-names';
import type { PartnerCenterCredentialsSubmission, VerificationResult } from '../domain/partner-center-credentials';
import type { NewAuditEntry } from './record-audit';

/**
 * The audit entry of a verification's verdict, by the product's verification wherever it ran: in the person's
 * request, or in the registration's activity when the request could not decide.
 */
export function verdictAuditEntry(
  submission: Pick<PartnerCenterCredentialsSubmission, 'registrationId' | 'submissionId'> & { organizationId: string },
  result: VerificationResult,
): NewAuditEntry {
  return {
    organizationId: submission.organizationId,
    registrationId: submission.registrationId,
    actor: { type: 'system', id: Activity.VerifyPartnerCenterCredentials },
    action: result.ok ? AuditAction.PartnerCenterCredentialsVerified : AuditAction.PartnerCenterCredentialsRefused,
    details: result.ok
      ? {
          submissionId: submission.submissionId,
          tenantId: result.partner.tenantId,
          applicationId: result.partner.applicationId,
        }
      : { submissionId: submission.submissionId, ...refusalOf(result) },
  };
}

/** What a refusal says, without its trace ID (logged, not audited). */
export function refusalOf(result: Extract<VerificationResult, { ok: false }>) {
  const { code, aadsts, partnerCenterCode, correlationId } = result.error;
  return { code, aadsts, partnerCenterCode, correlationId };
}
