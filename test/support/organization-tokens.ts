import type { Stack } from '../../local/stack';

const API_CLIENT_ID = 'aaaaaaaa-0000-4000-8000-000000000001';

/**
 * Tokens for organizations of their own: each call a tenant never used before (`<tenantPrefix>-<n, 12 digits>`), a
 * user `<oidPrefix>-<n>` with the write role, minted at the stand-in's current time. `stack` is read at each call
 * (the suites start theirs in beforeAll).
 */
export function newOrganizations(stack: () => Stack, tenantPrefix: string, oidPrefix = 'user'): () => Promise<string> {
  let count = 0;
  return () => {
    const n = ++count;
    const tid = `${tenantPrefix}-${String(n).padStart(12, '0')}`;
    return stack().entra.mintToken({
      iss: `${stack().entra.url}/${tid}/v2.0`,
      aud: API_CLIENT_ID,
      tid,
      oid: `${oidPrefix}-${n}`,
      roles: ['PayerAccount.Manage'],
    });
  };
}
