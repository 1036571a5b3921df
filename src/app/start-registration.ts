import type { Caller, PayerAccountRecord } from '../domain/payer-account';
import type { FieldError, Result } from '../domain/error-codes';
import { ErrorCode, fail, ok } from '../domain/error-codes';
import type { RegistrationView } from '../domain/registration';
import { RegistrationStep } from '../domain/registration';
import type { Clock } from '../ports/clock';
import type { PayerAccounts } from '../ports/payer-accounts';
import type { RegistrationWorkflow } from '../ports/registration-workflow';
import { hasEnded } from '../ports/registration-workflow';
import type { SecretStore } from '../ports/secret-store';
import { cleanUpRegistration } from './clean-up-registration';

export interface StartRegistrationDeps {
  payerAccounts: PayerAccounts;
  workflow: RegistrationWorkflow;
  /** Where an ended registration's staged secrets are deleted when its claim is taken over. */
  secretStore: SecretStore;
  clock: Clock;
  newRegistrationId(): string;
  expiresAfterHours: number;
  /** A claim whose orchestration never started (the process died in between) may be taken over after this. */
  staleClaimAfterMs: number;
}

/** Step 1: claim the organization's single payer account slot and start its registration. */
export async function startRegistration(
  caller: Caller,
  input: { accountName?: string },
  deps: StartRegistrationDeps,
): Promise<Result<RegistrationView>> {
  const record: PayerAccountRecord = {
    organizationId: caller.organizationId,
    state: 'registering',
    registrationId: deps.newRegistrationId(),
    accountName: input.accountName,
    createdAt: deps.clock.now().toISOString(),
    createdBy: caller.userId,
  };
  if (!(await deps.payerAccounts.claim(record))) {
    const conflict = await conflictOrStaleClaim(record, deps);
    if (conflict) return fail(conflict);
    if (!(await deps.payerAccounts.claim(record))) return fail(inProgress());
  }
  try {
    await deps.workflow.start(record.registrationId, {
      organizationId: record.organizationId,
      accountName: record.accountName,
      expiresAfterHours: deps.expiresAfterHours,
    });
  } catch (error) {
    await deps.payerAccounts.release(record.organizationId, record.registrationId);
    throw error;
  }
  return ok({
    registrationId: record.registrationId,
    accountName: record.accountName,
    step: RegistrationStep.PartnerCenterCredentials,
    status: 'starting',
    createdAt: record.createdAt,
  });
}

/** The conflict to report, or undefined when the existing claim is stale and was released. */
async function conflictOrStaleClaim(
  record: PayerAccountRecord,
  deps: StartRegistrationDeps,
): Promise<FieldError | undefined> {
  const existing = await deps.payerAccounts.find(record.organizationId);
  if (!existing) return undefined;
  if (existing.state !== 'registering') {
    return {
      code: ErrorCode.PayerAccountExists,
      message: 'Your organization already has a registered Azure CSP payer account. Only one is allowed.',
    };
  }
  const state = await deps.workflow.state(existing.registrationId);
  // A workflow that ended without its clean-up (terminated or failed) leaves the claim and the staged secrets behind.
  if (state && hasEnded(state)) {
    await cleanUpRegistration(existing, deps);
    return undefined;
  }
  const age = deps.clock.now().getTime() - Date.parse(existing.createdAt);
  if (state || age < deps.staleClaimAfterMs) return inProgress();
  await deps.payerAccounts.release(existing.organizationId, existing.registrationId);
  return undefined;
}

const inProgress = (): FieldError => ({
  code: ErrorCode.RegistrationInProgress,
  message:
    'A payer account registration is already in progress for your organization. Continue it, or cancel it before starting again.',
});
