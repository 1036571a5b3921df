import { PayerAccounts } from '../ports/payer-accounts';

/** Run by the workflow when a registration expires or is cancelled: frees the organization's slot. */
export async function releaseRegistration(
  input: { organizationId: string; registrationId: string }, deps: { payerAccounts: PayerAccounts },
): Promise<{ released: boolean }> {
  return { released: await deps.payerAccounts.release(input.organizationId, input.registrationId) };
}
