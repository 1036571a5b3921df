import type { Caller } from '../domain/payer-account';
import type { Result } from '../domain/error-codes';
import { fail, ok } from '../domain/error-codes';
import type { PayerAccounts } from '../ports/payer-accounts';
import type { RegistrationWorkflow } from '../ports/registration-workflow';
import { hasEnded } from '../ports/registration-workflow';
import type { SecretStore } from '../ports/secret-store';
import { deleteStagedSecrets } from './clean-up-registration';
import { registrationNotFound } from './get-registration';

/**
 * Cancels the organization's registration in progress: the slot is freed at once (so the
 * organization may start again), and the workflow is told to clean up and end; one that already
 * ended without its clean-up (terminated or failed) is cleaned up here.
 */
export async function cancelRegistration(
  caller: Caller,
  deps: { payerAccounts: PayerAccounts; workflow: RegistrationWorkflow; secretStore: SecretStore },
): Promise<Result<{ registrationId: string }>> {
  const record = await deps.payerAccounts.find(caller.organizationId);
  if (!record || record.state !== 'registering') return fail(registrationNotFound());
  if (!(await deps.payerAccounts.release(record.organizationId, record.registrationId)))
    return fail(registrationNotFound());
  const state = await deps.workflow.state(record.registrationId);
  if (state && hasEnded(state)) await deleteStagedSecrets(record, deps);
  else if (state) await deps.workflow.cancel(record.registrationId);
  return ok({ registrationId: record.registrationId });
}
