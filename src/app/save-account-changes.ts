import type { PayerAccountRecord } from '../domain/payer-account';
import type { PayerAccountChanges, PayerAccounts } from '../ports/payer-accounts';

/**
 * A conditional merge on the version read: on a concurrent change, the row is read again and the changes decided
 * again (at most three times). `decide` answers undefined when the row no longer calls for them. Whether they were
 * saved.
 */
export async function saveAccountChanges(
  payerAccounts: PayerAccounts,
  record: PayerAccountRecord | undefined,
  decide: (current: PayerAccountRecord) => PayerAccountChanges | undefined,
): Promise<boolean> {
  let current = record;
  for (let attempt = 0; attempt < 3 && current; attempt++) {
    const changes = decide(current);
    if (!changes) return false;
    const saved = await payerAccounts.update(current.organizationId, current.version as string, changes);
    if (saved !== 'changed') return saved === 'updated';
    current = await payerAccounts.find(current.organizationId);
  }
  return false;
}
