/** The activities' bodies: call a use case, log what happened (never a secret), audit. Loaded on first use. */
import type { InvocationContext } from '@azure/functions';
import { cleanUpRegistration as cleanUp, deleteStagedSecrets as deleteStaged } from '../app/clean-up-registration';
import type { NewAuditEntry } from '../app/record-audit';
import { recordAudit } from '../app/record-audit';
import type { RedeemConsentInput } from '../app/redeem-consent';
import { redeemConsent as redeem } from '../app/redeem-consent';
import type { ConsentEmailInput } from '../app/send-consent-email';
import { sendConsentEmail as send } from '../app/send-consent-email';
import { refusalOf, verdictAuditEntry } from '../app/verdict-audit-entry';
import { verifyPartnerCenterCredentials as verify } from '../app/verify-partner-center-credentials';
import type { AppServices } from '../composition';
import { AuditAction } from '../domain/audit';
import type {
  PartnerCenterCredentialsSubmission,
  StagedSecret,
  VerificationResult,
} from '../domain/partner-center-credentials';

/** Records what an activity changed, as the product itself (best effort: see recordAudit). */
async function audit(
  services: AppServices,
  context: InvocationContext,
  entry: Omit<NewAuditEntry, 'actor'>,
): Promise<void> {
  await recordAudit(
    services,
    { ...entry, actor: { type: 'system', id: context.functionName } },
    (message, properties) => context.error(message, properties),
  );
}

/** Step 2 when the person's request could not decide: the staged secret verified, with retries by the orchestrator. */
export async function verifyPartnerCenterCredentials(
  submission: PartnerCenterCredentialsSubmission,
  context: InvocationContext,
  services: AppServices,
): Promise<VerificationResult> {
  const result = await verify(submission, services.verification);
  context.info('Partner Center credentials verified', {
    submissionId: submission.submissionId,
    ok: result.ok,
    ...(result.ok ? { tenantId: result.partner.tenantId } : { ...refusalOf(result), traceId: result.error.traceId }),
  });
  const { organizationId } = submission;
  if (organizationId) {
    await recordAudit(services, verdictAuditEntry({ ...submission, organizationId }, result), (message, properties) =>
      context.error(message, properties),
    );
  }
  return result;
}

export async function disableStagedSecret(secret: StagedSecret, context: InvocationContext, services: AppServices) {
  await services.secretStore.disableVersion(secret);
  context.info('Staged secret version disabled', { name: secret.name, version: secret.version });
  return { disabled: true };
}

export async function cleanUpRegistration(
  input: { organizationId: string; registrationId: string },
  context: InvocationContext,
  services: AppServices,
) {
  const result = await cleanUp(input, { payerAccounts: services.payerAccounts, secretStore: services.secretStore });
  context.info('Registration cleaned up', { registrationId: input.registrationId, ...result });
  await audit(services, context, {
    organizationId: input.organizationId,
    registrationId: input.registrationId,
    action: AuditAction.RegistrationEnded,
    details: { ...result },
  });
  return result;
}

export async function deleteStagedSecrets(
  input: { organizationId: string; registrationId: string },
  context: InvocationContext,
  services: AppServices,
) {
  const secretsDeleted = await deleteStaged(input, {
    payerAccounts: services.payerAccounts,
    secretStore: services.secretStore,
  });
  context.info('Staged secrets deleted', { registrationId: input.registrationId, secretsDeleted });
  return { secretsDeleted };
}

export async function sendConsentEmail(input: ConsentEmailInput, context: InvocationContext, services: AppServices) {
  const { mailer, signedTokens, config } = services;
  const result = await send(input, { mailer, tokens: signedTokens, publicBaseUrl: config.PUBLIC_BASE_URL });
  context.info('Consent e-mail sent', { registrationId: input.registrationId, linkId: input.linkId });
  return result;
}

export async function redeemConsent(input: RedeemConsentInput, context: InvocationContext, services: AppServices) {
  const result = await redeem(input, services.redemption);
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
  const registered = input.reconsent ? AuditAction.PayerAccountReconsented : AuditAction.PayerAccountRegistered;
  await audit(services, context, {
    organizationId: input.organizationId,
    registrationId: input.registrationId,
    action: result.ok ? registered : AuditAction.ConsentRefused,
    details: result.ok
      ? { tenantId: result.account.tenantId, mpnId: result.account.mpnId, consentedBy: result.account.consentedBy }
      : { code: result.error.code, aadsts: result.error.aadsts, correlationId: result.error.correlationId },
  });
  return result;
}
