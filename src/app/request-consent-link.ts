import type { ConsentLinkView, PartnerApiCredentialsSubmission } from '../domain/consent';
import { handMadeLink } from '../domain/consent';
import { consentEmailRefused, requesterOf } from '../domain/consent-email-recipient';
import type { FieldError, Result } from '../domain/error-codes';
import { ErrorCode, fail, ok } from '../domain/error-codes';
import type { Caller } from '../domain/payer-account';
import { RegistrationStatus, RegistrationStep } from '../domain/registration';
import { stagedSecretNames } from '../domain/staged-secrets';
import type { Clock } from '../ports/clock';
import type { PayerAccounts } from '../ports/payer-accounts';
import type { RegistrationWorkflow } from '../ports/registration-workflow';
import type { SecretStore } from '../ports/secret-store';
import type { SignedTokens } from '../ports/signed-tokens';
import { registrationNotFound } from './get-registration';
import { stageSecret } from './stage-secret';

export const CONSENT_TICKET = 'consent-ticket';

export interface RequestConsentLinkInput {
  tenantId: string;
  applicationId: string;
  mpnId?: string;
  secret?: string;
  secretExpiresAt?: string;
  adminEmail?: string;
  /** Where Microsoft sends the admin back: the product's callback, or https://localhost (pasted by the person). */
  redirectUri?: string;
}

export interface RequestConsentLinkDeps {
  payerAccounts: PayerAccounts;
  workflow: RegistrationWorkflow;
  secretStore: SecretStore;
  tokens: SignedTokens;
  clock: Clock;
  newLinkId(): string;
  linkTtlHours: number;
  publicBaseUrl: string;
  callbackUrl: string;
  /** Entra ID's sign-in host, for the hand-made sign-in address. */
  authorityHost: string;
  /** How long to wait for the workflow to take the new link, so the link answered works at once. */
  publish: { waitMs: number; pollMs: number };
}

/** The link in the e-mail and in responses: a signed ticket for one registration's current link. */
export async function signedConsentLink(
  deps: { signedTokens: SignedTokens; config: { PUBLIC_BASE_URL: string } },
  registrationId: string,
  linkId: string,
  expiresAt: string,
): Promise<string> {
  const ticket = await deps.signedTokens.sign(CONSENT_TICKET, { registrationId, linkId }, new Date(expiresAt));
  return `${deps.config.PUBLIC_BASE_URL}/api/consent/start?ticket=${encodeURIComponent(ticket)}`;
}

export const STEP_3_STATUSES: string[] = [
  RegistrationStatus.AwaitingPartnerApiCredentials,
  RegistrationStatus.AwaitingConsent,
  RegistrationStatus.ConsentExpired,
];

/**
 * Step 3 from the person's side: confirm what step 2 verified, optionally give the secret and the
 * admin's e-mail, and get a signed consent link. A new request replaces (invalidates) the old link.
 */
export async function requestConsentLink(
  caller: Caller,
  input: RequestConsentLinkInput,
  deps: RequestConsentLinkDeps,
): Promise<Result<ConsentLinkView & { registrationId: string }, FieldError>> {
  const record = await deps.payerAccounts.find(caller.organizationId);
  if (!record || record.state !== 'registering') return fail(registrationNotFound());
  const registrationId = record.registrationId;
  const progress = (await deps.workflow.state(registrationId))?.progress;
  if (
    progress?.step !== RegistrationStep.PartnerApiConsent ||
    !progress.verified ||
    !STEP_3_STATUSES.includes(progress.status)
  ) {
    return fail({
      code: ErrorCode.RegistrationNotAtThisStep,
      message:
        'The registration is not at step 3: verify the Partner Center credentials first (step 2), or wait for the consent being redeemed.',
    });
  }
  const mismatch = (field: string, expected: string): FieldError => ({
    code: ErrorCode.ConfirmationMismatch,
    field,
    message: `This is not the ${field === 'tenantId' ? 'Directory (tenant) ID' : 'Application (client) ID'} verified in step 2 (${expected}). Confirm the value shown, or go back to step 2 to change it.`,
  });
  if (input.tenantId !== progress.verified.tenantId) return fail(mismatch('tenantId', progress.verified.tenantId));
  if (input.applicationId !== progress.verified.applicationId)
    return fail(mismatch('applicationId', progress.verified.applicationId));

  const refused = input.adminEmail && consentEmailRefused(input.adminEmail, [caller.email, progress.verified.domain]);
  if (refused) return fail(refused);
  return issueConsentLink(registrationId, progress.verified, input, requesterOf(caller), deps);
}

/**
 * Stages the optional new secret, tells the workflow about a new link (replacing the old one) and
 * signs the link. Shared by the registration's step 3 and a registered account's re-consent.
 */
export async function issueConsentLink(
  instanceId: string,
  app: { tenantId: string; applicationId: string },
  input: Omit<RequestConsentLinkInput, 'tenantId' | 'applicationId'>,
  requestedBy: string,
  deps: RequestConsentLinkDeps,
): Promise<Result<ConsentLinkView & { registrationId: string }, FieldError>> {
  let secret = undefined;
  if (input.secret !== undefined) {
    const staged = await stageSecret(deps.secretStore, stagedSecretNames(instanceId).partnerApiSecret, input.secret, {
      contentType: 'client-secret',
    });
    if (!staged.ok) return staged;
    secret = staged.value;
  }
  const redirectUri = input.redirectUri ?? deps.callbackUrl;
  const linkId = deps.newLinkId();
  const expiresAt = new Date(deps.clock.now().getTime() + deps.linkTtlHours * 3600_000);
  const submission: PartnerApiCredentialsSubmission = {
    linkId,
    linkExpiresAt: expiresAt.toISOString(),
    mpnId: input.mpnId,
    adminEmail: input.adminEmail,
    requestedBy,
    redirectUri,
    secret,
    ...(secret && input.secretExpiresAt ? { secretExpiresAt: input.secretExpiresAt } : {}),
  };
  await deps.workflow.submitPartnerApiCredentials(instanceId, submission);
  await untilPublished(instanceId, linkId, deps);
  return ok({
    registrationId: instanceId,
    consentLink: await signedConsentLink(
      { signedTokens: deps.tokens, config: { PUBLIC_BASE_URL: deps.publicBaseUrl } },
      instanceId,
      linkId,
      expiresAt.toISOString(),
    ),
    expiresAt: expiresAt.toISOString(),
    ...(input.adminEmail ? { emailedTo: input.adminEmail } : {}),
    ...handMadeLink({ host: deps.authorityHost, callbackUrl: deps.callbackUrl }, app, redirectUri),
  });
}

/**
 * The link answered is opened at once more often than not; until the workflow has taken it, the
 * consent start would call it replaced. Waits a moment for that (no longer: it works soon anyway).
 */
async function untilPublished(instanceId: string, linkId: string, deps: RequestConsentLinkDeps): Promise<void> {
  for (let waited = 0; waited < deps.publish.waitMs; waited += deps.publish.pollMs) {
    if ((await deps.workflow.state(instanceId))?.progress?.consent?.linkId === linkId) return;
    await deps.clock.sleep(deps.publish.pollMs);
  }
}
