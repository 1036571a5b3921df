import type { ConsentLinkView } from '../domain/consent';
import { consentEmailRefused, requesterOf } from '../domain/consent-email-recipient';
import type { FieldError, Result } from '../domain/error-codes';
import { ErrorCode, fail } from '../domain/error-codes';
import type { Caller, PayerAccountRecord } from '../domain/payer-account';
import { RegistrationStatus } from '../domain/registration';
import { hasEnded } from '../ports/registration-workflow';
import { deleteStagedSecrets } from './clean-up-registration';
import { payerAccountNotFound } from './deregister-payer-account';
import type { RequestConsentLinkDeps, RequestConsentLinkInput } from './request-consent-link';
import { issueConsentLink, STEP_3_STATUSES } from './request-consent-link';

export interface StartReconsentDeps extends RequestConsentLinkDeps {
  newReconsentId(): string;
  expiresAfterHours: number;
}

export type ReconsentRequest = Omit<RequestConsentLinkInput, 'tenantId' | 'applicationId'>;

const RUNNING = ['Pending', 'Running'];

/**
 * Step 3 again for a registered account: a re-consent workflow over what the registration verified,
 * and a consent link. While one is waiting for consent, asking again issues a new link for it.
 * The account keeps its current token until the new consent is redeemed.
 */
export async function startReconsent(
  organizationId: string,
  /** A person (whose e-mail recipient must be theirs or the partner's), or the system actor mailing the recorded admin. */
  requestedBy: Caller | string,
  input: ReconsentRequest,
  deps: StartReconsentDeps,
): Promise<Result<ConsentLinkView & { reconsentId: string }, FieldError>> {
  const record = await deps.payerAccounts.find(organizationId);
  if (record?.state !== 'registered' || !record.account) return fail(payerAccountNotFound());
  if (typeof requestedBy !== 'string' && input.adminEmail) {
    const { consentedBy, adminEmail } = record.account;
    const refused = consentEmailRefused(input.adminEmail, [requestedBy.email, consentedBy, adminEmail]);
    if (refused) return fail(refused);
  }
  let reconsentId = record.reconsentId;
  const state = reconsentId ? await deps.workflow.state(reconsentId) : undefined;
  if (reconsentId && state && RUNNING.includes(state.runtimeStatus)) {
    if (state.progress?.status === RegistrationStatus.RedeemingConsent) {
      return fail({
        code: ErrorCode.RegistrationNotAtThisStep,
        message: "The admin's new consent is being redeemed right now. Look at the payer account again in a moment.",
      });
    }
    if (!state.progress || !STEP_3_STATUSES.includes(state.progress.status)) {
      // Not waiting for a link (yet or any more): a fresh re-consent replaces it, so it must not linger.
      await deps.workflow.cancel(reconsentId);
      reconsentId = undefined;
    }
  } else {
    // One that ended without its clean-up (terminated or failed) left its staged secrets: nothing else deletes them.
    if (reconsentId && state && hasEnded(state))
      await deleteStagedSecrets({ organizationId, registrationId: reconsentId }, deps);
    reconsentId = undefined;
  }
  if (!reconsentId) {
    const started = await startWorkflow(record, deps);
    if (!started.ok) return started;
    reconsentId = started.value;
  }
  const requester = typeof requestedBy === 'string' ? requestedBy : requesterOf(requestedBy);
  const link = await issueConsentLink(reconsentId, record.account, input, requester, deps);
  if (!link.ok) return link;
  const { registrationId, ...view } = link.value;
  return { ok: true, value: { reconsentId: registrationId, ...view } };
}

async function startWorkflow(
  record: PayerAccountRecord,
  deps: StartReconsentDeps,
): Promise<Result<string, FieldError>> {
  const account = record.account as NonNullable<PayerAccountRecord['account']>;
  const reconsentId = deps.newReconsentId();
  const claimed = await deps.payerAccounts.update(record.organizationId, record.version as string, { reconsentId });
  if (claimed === 'gone') return fail(payerAccountNotFound());
  if (claimed === 'changed')
    return fail({
      code: ErrorCode.ConcurrentChange,
      message: 'The payer account changed while the re-consent was being started. Try again.',
    });
  await deps.workflow.start(reconsentId, {
    organizationId: record.organizationId,
    accountName: record.accountName,
    expiresAfterHours: deps.expiresAfterHours,
    reconsent: {
      verified: {
        tenantId: account.tenantId,
        applicationId: account.applicationId,
        domain: account.tenantId,
        companyName: account.companyName,
        country: account.country,
      },
      applicationSecret: account.applicationSecret,
    },
  });
  return { ok: true, value: reconsentId };
}
