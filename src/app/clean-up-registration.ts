import { allStagedSecretNames } from '../domain/staged-secrets';
import type { PayerAccounts } from '../ports/payer-accounts';
import type { SecretStore } from '../ports/secret-store';

/**
 * Run by the workflow when a registration (or a re-consent) expires or is cancelled: frees the slot,
 * or forgets the re-consent on the registered account, and deletes the staged secrets.
 */
export async function cleanUpRegistration(
  input: { organizationId: string; registrationId: string },
  deps: { payerAccounts: PayerAccounts; secretStore: SecretStore },
): Promise<{ released: boolean; secretsDeleted: number }> {
  const released = await deps.payerAccounts.release(input.organizationId, input.registrationId);
  if (!released) await endReconsent(input.organizationId, input.registrationId, deps.payerAccounts);
  return { released, secretsDeleted: await deleteStagedSecrets(input, deps) };
}

/**
 * Deletes what a registration (or a re-consent) staged in the secret store once it has ended, however it ended: its
 * names take no new version afterwards (soft delete). Returns how many names it deleted.
 */
export async function deleteStagedSecrets(
  input: { organizationId: string; registrationId: string },
  deps: { payerAccounts: PayerAccounts; secretStore: SecretStore },
): Promise<number> {
  // A re-consent whose swap went through holds the account's secrets under its own names: those stay.
  const account = (await deps.payerAccounts.find(input.organizationId))?.account;
  const inUse = [account?.tokenCache.name, account?.applicationSecret.name];
  const names = allStagedSecretNames(input.registrationId).filter((name) => !inUse.includes(name));
  for (const name of names) await deps.secretStore.delete(name);
  return names.length;
}

async function endReconsent(organizationId: string, reconsentId: string, payerAccounts: PayerAccounts): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const record = await payerAccounts.find(organizationId);
    if (record?.reconsentId !== reconsentId) return;
    if ((await payerAccounts.update(organizationId, record.version as string, { reconsentId: null })) !== 'changed')
      return;
  }
}
