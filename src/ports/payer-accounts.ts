import type { ConnectionCheck } from '../domain/connection-check';
import type { RegisteredPayerAccount } from '../domain/consent';
import type { PayerAccountRecord, PendingSubmission } from '../domain/payer-account';
import type { AccountHealth } from '../domain/token-health';

/** What a conditional update may change on a registered account; `reconsentId: null` clears it. */
export interface PayerAccountChanges {
  account?: RegisteredPayerAccount;
  health?: AccountHealth;
  reconsentId?: string | null;
  lastConnectionCheck?: ConnectionCheck;
  pendingSubmission?: PendingSubmission;
}

export interface RegisteredPage {
  organizationIds: string[];
  continuationToken?: string;
}

/** The organization's single payer account slot (Table Storage in production). */
export interface PayerAccounts {
  /** Conditional insert: false when the organization already holds a claim. Never check-then-write. */
  claim(record: PayerAccountRecord): Promise<boolean>;
  find(organizationId: string): Promise<PayerAccountRecord | undefined>;
  /** Frees the slot only while that registration still holds it unregistered; true when this call freed it. */
  release(organizationId: string, registrationId: string): Promise<boolean>;
  /** Marks the slot registered with the account's details, only while that registration holds it. */
  register(
    organizationId: string,
    registrationId: string,
    account: RegisteredPayerAccount,
    health?: AccountHealth,
  ): Promise<boolean>;
  /**
   * One page of registered accounts' organization IDs (the keep-alive round's): at most `pageSize`, possibly none
   * while more follow; `continuationToken` (opaque) is absent on the last page.
   */
  listRegisteredPage(pageSize: number, continuationToken?: string): Promise<RegisteredPage>;
  /** Merges changes only while the row is unchanged since it was read (`version` from `find`). */
  update(
    organizationId: string,
    version: string,
    changes: PayerAccountChanges,
  ): Promise<'updated' | 'changed' | 'gone'>;
  /**
   * Deletes the organization's row only while it is unchanged since it was read (`version` from
   * `find`): `changed` means read it again; `gone` that it no longer exists.
   */
  remove(organizationId: string, version: string): Promise<'removed' | 'changed' | 'gone'>;
}
