import { TableClient } from '@azure/data-tables';
import { hostOf, keepAliveRounds, roundEnded } from '../../local/keep-alive-rounds';
import { seedRegisteredAccounts } from '../../local/seed-registered-accounts';
import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';
import { AuditAction } from '../../src/domain/audit';
import { TOKEN_PATH, until } from '../support/registration-driver';

const ACCOUNTS = 60;
const WINDOW = 4;

/**
 * The keep-alive round survives a crash of the host: killed (SIGKILL) in the middle of a round and started again over
 * the same storage, the round resumes where it stopped and ends with every account refreshed exactly once, as the
 * Entra ID stand-in counts its redemptions of each account's refresh token. Entra ID rotates refresh tokens and keeps
 * the used one valid (https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens#token-lifetime), so a
 * second redemption would not fail: only the count shows it.
 */
describe('the keep-alive round, its host killed mid-round', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ settings: { KEEP_ALIVE_CONCURRENCY: String(WINDOW), KEEP_ALIVE_PAGE_SIZE: '25' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('resumes after a restart and refreshes every account exactly once', async () => {
    const seeded = await seedRegisteredAccounts(stack, ACCOUNTS);
    const host = hostOf(stack);
    const known = new Set((await keepAliveRounds(host)).map((r) => r.instanceId));
    // The kill comes while the refreshes in flight wait at Entra ID, not yet redeemed: those requests are held, then
    // refused, so a redemption that no one is left to store cannot happen (a token Entra ID answered but the dead host
    // never stored is redeemed again after the restart: Entra ID's rotation is not idempotent, see the README).
    await stack.runFunction('TokenKeepAlive');
    expect(
      await until(
        async () =>
          ((await keepAliveRounds(host)).find((r) => !known.has(r.instanceId))?.customStatus?.accounts ?? 0) >= 20,
        600,
        50,
      ),
    ).toBe(true);
    stack.entra.faults.inject({ match: TOKEN_PATH, latencyMs: 10_000, status: 503, count: WINDOW });
    // Held: the token requests that arrived since; the batch's other refreshes end meanwhile (the round waits for the
    // whole batch before the next), so once the count stays put, every refresh still in flight is held at Entra ID.
    const held = () => stack.entra.faults.rules().at(-1)?.hits ?? 0;
    let seen = -1;
    expect(
      await until(
        async () => {
          const now = held();
          const settled = now > 0 && now === seen;
          seen = now;
          return settled;
        },
        100,
        500,
      ),
    ).toBe(true);
    stack.entra.faults.clear(); // the held requests stay held; no new one is sent before the kill
    await stack.restartHost();

    const round = await roundEnded(host, known, { timeoutMs: 120_000 });
    expect(round.runtimeStatus).toBe('Completed');
    expect(round.output).toMatchObject({
      accounts: ACCOUNTS,
      pagesDone: Math.ceil(ACCOUNTS / 25),
      counts: { refreshed: ACCOUNTS, transient: 0, failed: 0, error: 0 },
    });
    // Each account's refresh token was redeemed once; the one stored instead of it never.
    expect(seeded.map((a) => stack.entra.refreshTokenRedemptions(a.refreshToken))).toEqual(seeded.map(() => 1));
    for (const { organizationId } of seeded) {
      const versions = stack.keyVault.state.listVersions(`seed-token-cache-${organizationId}`);
      expect(versions).toHaveLength(2); // the seeded cache and the one rotated in the round
      expect(versions.filter(({ v }) => v.enabled)).toHaveLength(1);
    }
    // And the audit trail says so once per account.
    const audit = TableClient.fromConnectionString(stack.azurite.connectionString, 'AuditTrail', {
      allowInsecureConnection: true,
    });
    const refreshed = new Map<string, number>();
    for await (const row of audit.listEntities<{ action: string }>()) {
      if (row.action === AuditAction.TokenRefreshed)
        refreshed.set(row.partitionKey as string, (refreshed.get(row.partitionKey as string) ?? 0) + 1);
    }
    expect(seeded.map((a) => refreshed.get(a.organizationId))).toEqual(seeded.map(() => 1));
  }, 240_000);
});
