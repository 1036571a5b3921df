/**
 * The keep-alive round on both Durable engines: a fan-out over pages of accounts (continue-as-new per page), a
 * bounded window of activities at once (Task.all), a durable timer after Entra ID throttles, an activity that takes
 * the durable client (it may start a re-consent). Run through the timer as the product runs it. `npm run
 * test:reference`.
 */
import { hostOf, keepAliveRounds, roundEnded } from '../../local/keep-alive-rounds';
import { seedRegisteredAccounts } from '../../local/seed-registered-accounts';
import type { Stack } from '../../local/stack';
import { CONTOSO } from '../support/registration-driver';
import type { Observation, Scenario } from './conformance/observe';
import { conformanceSuite } from './conformance/suite';

const ACCOUNTS = 30;
const PARTNER_TOKEN_PATH = `^POST /${CONTOSO}/oauth2/v2\\.0/token$`;

const scenario: Scenario<Stack> = {
  name: 'keep-alive-round',
  title: '30 accounts in pages of 10, 4 at a time, one throttled by Entra ID (429, Retry-After): each refreshed once',
  expected: {
    runtimeStatus: 'Completed',
    output: {
      accounts: ACCOUNTS,
      pagesDone: 3,
      counts: {
        refreshed: ACCOUNTS,
        reconsentRequired: 0,
        failed: 0,
        transient: 0,
        skipped: 0,
        throttled: 1,
        error: 0,
      },
      redemptions: Array.from({ length: ACCOUNTS }, () => 1),
    },
  },
  async run(stack) {
    const seeded = await seedRegisteredAccounts(stack, ACCOUNTS);
    const host = hostOf(stack);
    const known = new Set((await keepAliveRounds(host)).map((r) => r.instanceId));
    // https://learn.microsoft.com/en-us/entra/msal/dotnet/advanced/client-and-server-throttling
    // The partner's tenant's token endpoint: the product's own sign-in to Key Vault is another tenant's.
    stack.entra.faults.inject({ match: PARTNER_TOKEN_PATH, status: 429, retryAfterSeconds: 1, count: 1 });
    await stack.runFunction('TokenKeepAlive');
    const round = await roundEnded(host, known, { timeoutMs: 120_000, pollMs: 200 });
    stack.entra.faults.clear();
    const { accounts, pagesDone, counts } = round.output ?? {};
    const observation: Observation = {
      runtimeStatus: round.runtimeStatus,
      output: {
        accounts,
        pagesDone,
        counts,
        redemptions: seeded.map((a) => stack.entra.refreshTokenRedemptions(a.refreshToken)),
      },
      customStatuses: [],
      activities: [],
      history: [],
      timeShapes: {},
      management: {},
    };
    return observation;
  },
};

conformanceSuite<Stack>({
  title: 'conformance of the keep-alive round on both Durable engines',
  stackOptions: { settings: { KEEP_ALIVE_CONCURRENCY: '4', KEEP_ALIVE_PAGE_SIZE: '10' } },
  context: (stack) => stack,
  scenarios: [scenario],
});
