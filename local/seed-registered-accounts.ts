/**
 * Seeds registered payer accounts straight into the local world, as if each organization had registered: one real
 * consent at the Entra ID stand-in (MSAL redeems its code), then per account a refresh token of that consent, a token
 * cache holding it in the Key Vault stand-in, and the registered row in Table Storage (through the product's adapter).
 * For benches and tests that need thousands of accounts without a sign-in each.
 */
import { randomUUID } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { TablePayerAccounts } from '../src/adapters/table-payer-accounts';
import { PARTNER_API_SCOPE } from '../src/domain/consent';
import type { RegisteredPayerAccount } from '../src/domain/consent';
import { runBounded } from '../src/app/run-bounded';
import type { Stack } from './stack';

const CONTOSO_TENANT = '22222222-2222-4222-8222-222222222222';
const CONTOSO_APP = 'bbbbbbbb-0000-4000-8000-000000000001';
const CONTOSO_SECRET = 'contoso-pc-secret-value~valid';
const ADMIN = 'alice@contoso.example';
const REDIRECT_URI = 'https://localhost';

export interface SeededAccount {
  organizationId: string;
  /** The refresh token its cache holds (to count Entra ID's redemptions of it). */
  refreshToken: string;
}

type MsalCache = { RefreshToken: Record<string, { secret: string }> } & Record<string, unknown>;

/** A token cache of one consent by Contoso's admin, and its refresh token. */
async function consentedCache(stack: Stack): Promise<{ cache: MsalCache; refreshToken: string }> {
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId: CONTOSO_APP,
      clientSecret: CONTOSO_SECRET,
      authority: `${stack.entra.url}/${CONTOSO_TENANT}`,
      knownAuthorities: [new URL(stack.entra.url).host],
    },
  });
  const authorizeUrl = await msal.getAuthCodeUrl({ scopes: [PARTNER_API_SCOPE], redirectUri: REDIRECT_URI });
  const { location } = await stack.entra.authorize({ authorizeUrl, username: ADMIN, decision: 'accept' });
  const code = new URL(location).searchParams.get('code');
  if (!code) throw new Error(`The consent was not given: ${location}`);
  await msal.acquireTokenByCode({ code, scopes: [PARTNER_API_SCOPE], redirectUri: REDIRECT_URI });
  const cache = JSON.parse(msal.getTokenCache().serialize()) as MsalCache;
  const [entry] = Object.values(cache.RefreshToken);
  if (!entry) throw new Error('MSAL kept no refresh token');
  return { cache, refreshToken: entry.secret };
}

/** `count` registered accounts of new organizations; at most `concurrency` table writes in flight. */
export async function seedRegisteredAccounts(stack: Stack, count: number, concurrency = 32): Promise<SeededAccount[]> {
  const template = await consentedCache(stack);
  const vault = stack.keyVault.state;
  const appSecret = vault.set(`seed-app-secret-${randomUUID()}`, { value: CONTOSO_SECRET });
  const table = new TablePayerAccounts(
    TableClient.fromConnectionString(
      stack.azurite.connectionString,
      stack.settings.PAYER_ACCOUNTS_TABLE ?? 'PayerAccounts',
      {
        allowInsecureConnection: true,
      },
    ),
  );
  const now = new Date().toISOString();
  return runBounded(count, concurrency, async () => {
    const organizationId = randomUUID();
    const registrationId = randomUUID();
    const refreshToken = stack.entra.issueRefreshTokenLike(template.refreshToken);
    const cache: MsalCache = {
      ...template.cache,
      RefreshToken: Object.fromEntries(
        Object.entries(template.cache.RefreshToken).map(([key, entry]) => [key, { ...entry, secret: refreshToken }]),
      ),
    };
    const tokenCache = vault.set(`seed-token-cache-${organizationId}`, {
      value: JSON.stringify(cache),
      contentType: 'msal-token-cache',
    });
    const account: RegisteredPayerAccount = {
      tenantId: CONTOSO_TENANT,
      applicationId: CONTOSO_APP,
      mpnId: '1234567',
      companyName: `Seeded ${organizationId.slice(0, 8)}`,
      country: 'US',
      consentedBy: ADMIN,
      consentedAt: now,
      tokenCache: { name: tokenCache.name, version: tokenCache.v.version },
      applicationSecret: { name: appSecret.name, version: appSecret.v.version },
      adminEmail: ADMIN,
    };
    await table.claim({ organizationId, state: 'registering', registrationId, createdAt: now, createdBy: 'seed' });
    if (!(await table.register(organizationId, registrationId, account, { reconsentRequired: false })))
      throw new Error(`Seeding ${organizationId} failed: the claim was not held`);
    return { organizationId, refreshToken };
  });
}
