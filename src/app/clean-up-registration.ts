import { allStagedSecretNames } from '../domain/staged-secrets';
import { PayerAccounts } from '../ports/payer-accounts';
import { SecretStore } from '../ports/secret-store';

/** Run by the workflow when a registration expires or is cancelled: frees the slot and deletes staged secrets. */
export async function cleanUpRegistration(
  input: { organizationId: string; registrationId: string }, deps: { payerAccounts: PayerAccounts; secretStore: SecretStore },
): Promise<{ released: boolean; secretsDeleted: number }> {
  const released = await deps.payerAccounts.release(input.organizationId, input.registrationId);
  const names = allStagedSecretNames(input.registrationId);
  for (const name of names) await deps.secretStore.delete(name);
  return { released, secretsDeleted: names.length };
}
