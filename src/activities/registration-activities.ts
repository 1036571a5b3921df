/** The activities' bodies: call a use case, log what happened (never a secret), audit. Loaded on first use. */
import type { InvocationContext } from '@azure/functions';
import { AuditAction } from '../domain/audit';
import type {
  PartnerCenterCredentialsSubmission,
  StagedSecret,
  VerificationResult,
} from '../domain/partner-center-credentials';

const services = () => (require('../composition') as typeof import('../composition')).appServices();

/** Records what an activity changed, as the product itself (best effort: see recordAudit). */
async function audit(
  context: InvocationContext,
  entry: Omit<import('../app/record-audit').NewAuditEntry, 'actor'>,
): Promise<void> {
  const { recordAudit } = require('../app/record-audit') as typeof import('../app/record-audit');
  await recordAudit(
    services(),
    { ...entry, actor: { type: 'system', id: context.functionName } },
    (message, properties) => context.error(message, properties),
  );
}

export const verifyPartnerCenterCredentials = async (
  submission: PartnerCenterCredentialsSubmission,
  context: InvocationContext,
): Promise<VerificationResult> => {
  const { verifyPartnerCenterCredentials } =
    require('../app/verify-partner-center-credentials') as typeof import('../app/verify-partner-center-credentials');
  const result = await verifyPartnerCenterCredentials(submission, services().verification);
  context.info('Partner Center credentials verified', {
    submissionId: submission.submissionId,
    ok: result.ok,
    ...(result.ok
      ? { tenantId: result.partner.tenantId }
      : {
          code: result.error.code,
          aadsts: result.error.aadsts,
          partnerCenterCode: result.error.partnerCenterCode,
          correlationId: result.error.correlationId,
          traceId: result.error.traceId,
        }),
  });
  if (submission.organizationId) {
    await audit(context, {
      organizationId: submission.organizationId,
      registrationId: submission.registrationId,
      action: result.ok ? AuditAction.PartnerCenterCredentialsVerified : AuditAction.PartnerCenterCredentialsRefused,
      details: result.ok
        ? {
            submissionId: submission.submissionId,
            tenantId: result.partner.tenantId,
            applicationId: result.partner.applicationId,
          }
        : {
            submissionId: submission.submissionId,
            code: result.error.code,
            aadsts: result.error.aadsts,
            partnerCenterCode: result.error.partnerCenterCode,
            correlationId: result.error.correlationId,
          },
    });
  }
  return result;
};

export const disableStagedSecret = async (secret: StagedSecret, context: InvocationContext) => {
  await services().secretStore.disableVersion(secret);
  context.info('Staged secret version disabled', { name: secret.name, version: secret.version });
  return { disabled: true };
};

export const cleanUpRegistration = async (
  input: { organizationId: string; registrationId: string },
  context: InvocationContext,
) => {
  const { cleanUpRegistration } =
    require('../app/clean-up-registration') as typeof import('../app/clean-up-registration');
  const { payerAccounts, secretStore } = services();
  const result = await cleanUpRegistration(input, { payerAccounts, secretStore });
  context.info('Registration cleaned up', { registrationId: input.registrationId, ...result });
  await audit(context, {
    organizationId: input.organizationId,
    registrationId: input.registrationId,
    action: AuditAction.RegistrationEnded,
    details: { ...result },
  });
  return result;
};

export const sendConsentEmail = async (
  input: import('../app/send-consent-email').ConsentEmailInput,
  context: InvocationContext,
) => {
  const { sendConsentEmail } = require('../app/send-consent-email') as typeof import('../app/send-consent-email');
  const { mailer, signedTokens, config } = services();
  const result = await sendConsentEmail(input, { mailer, tokens: signedTokens, publicBaseUrl: config.PUBLIC_BASE_URL });
  context.info('Consent e-mail sent', { registrationId: input.registrationId, linkId: input.linkId });
  return result;
};

export const redeemConsent = async (
  input: import('../app/redeem-consent').RedeemConsentInput,
  context: InvocationContext,
) => {
  const { redeemConsent } = require('../app/redeem-consent') as typeof import('../app/redeem-consent');
  const result = await redeemConsent(input, services().redemption);
  context.info('Consent redeemed', {
    registrationId: input.registrationId,
    ok: result.ok,
    ...(result.ok
      ? { mpnId: result.account.mpnId, consentedBy: result.account.consentedBy }
      : {
          code: result.error.code,
          aadsts: result.error.aadsts,
          correlationId: result.error.correlationId,
          traceId: result.error.traceId,
        }),
  });
  await audit(context, {
    organizationId: input.organizationId,
    registrationId: input.registrationId,
    action: result.ok
      ? input.reconsent
        ? AuditAction.PayerAccountReconsented
        : AuditAction.PayerAccountRegistered
      : AuditAction.ConsentRefused,
    details: result.ok
      ? { tenantId: result.account.tenantId, mpnId: result.account.mpnId, consentedBy: result.account.consentedBy }
      : { code: result.error.code, aadsts: result.error.aadsts, correlationId: result.error.correlationId },
  });
  return result;
};
