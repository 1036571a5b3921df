/**
 * The retention purge on both Durable engines: the use case and the Durable adapter, through the management API the
 * app's durable client addresses, over registrations that ended (cancelled, terminated) and one still running. The
 * extension keeps real time, so the purge is run with a clock 8 days ahead and a 7-day retention rather than by moving
 * the stack's clock. `npm run test:reference`.
 */
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { ManagementUrls } from '../../local/durable-host/client-binding';
import type { Stack } from '../../local/stack';
import { DurableWorkflowRecords } from '../../src/adapters/durable-workflow-records';
import { purgeFinishedHistories } from '../../src/app/purge-finished-histories';
import { apiClient, until } from '../support/registration-driver';
import type { Observation, Scenario } from './conformance/observe';
import { answerOf, Management, Normaliser } from './conformance/observe';
import { conformanceSuite } from './conformance/suite';

const DAY_MS = 24 * 3600_000;
const API_CLIENT_ID = 'aaaaaaaa-0000-4000-8000-000000000001';

interface PurgeContext {
  stack: Stack;
  management: Management;
  organizations: number;
}

/** The durable client the app gets in a timer function, as the SDK builds it from the binding data. */
function durableClient(stack: Stack): df.DurableClient {
  const origin = stack.host.url;
  const urls = new ManagementUrls(
    origin,
    origin,
    stack.settings.DurableTaskHubName,
    stack.settings.LocalHost__MasterKey,
  );
  const input = df.input.durableClient();
  const context = new InvocationContext({ functionName: 'HistoryPurge', options: { extraInputs: [input] } });
  context.extraInputs.set(input, urls.clientData());
  process.env.WEBSITE_HOSTNAME = new URL(origin).host;
  return df.getClient(context);
}

const scenario: Scenario<PurgeContext> = {
  name: 'history-purge',
  title: 'ended registrations purged through the management API, a running one kept; a second run finds nothing',
  expected: {
    runtimeStatus: 'Running',
    output: { first: { purged: 2, alreadyGone: 0, kept: 0 }, second: { purged: 0, alreadyGone: 0, kept: 0 } },
  },
  async run(ctx) {
    const { stack, management } = ctx;
    const n = new Normaliser(stack);
    const call = apiClient(stack).call;
    const start = async (end?: 'cancel' | 'terminate') => {
      const tid = `66666666-6666-4666-8666-${String(++ctx.organizations).padStart(12, '0')}`;
      const token = await stack.entra.mintToken({
        iss: `${stack.entra.url}/${tid}/v2.0`,
        aud: API_CLIENT_ID,
        tid,
        oid: `user-${ctx.organizations}`,
        roles: ['PayerAccount.Manage'],
      });
      const started = await call('POST', '/payer-account/registration', token, {});
      if (started.status !== 201) throw new Error(`step 1 answered ${started.status}: ${started.text}`);
      const id = started.body.registrationId as string;
      n.id(id);
      const status = async () => (await management.status(id)).body?.runtimeStatus;
      if (!(await until(async () => (await status()) === 'Running', 600, 50))) throw new Error(`${id} did not run`);
      if (end === 'cancel') await call('DELETE', '/payer-account/registration', token);
      if (end === 'terminate') await management.terminate(id, 'ops');
      if (end && !(await until(async () => ['Completed', 'Terminated'].includes(await status()), 600, 50)))
        throw new Error(`${id} did not end`);
      return { id, token };
    };
    const cancelled = await start('cancel');
    const terminated = await start('terminate');
    const running = await start();

    const deps = {
      records: new DurableWorkflowRecords(durableClient(stack)),
      clock: { now: () => new Date(Date.now() + 8 * DAY_MS), sleep: async () => undefined },
      retentionDays: 7,
      pageSize: 1,
      concurrency: 2,
    };
    const quiet = { info: () => undefined, error: () => undefined };
    const counts = ({ purged, alreadyGone, kept }: { purged: number; alreadyGone: number; kept: number }) => ({
      purged,
      alreadyGone,
      kept,
    });
    const first = counts(await purgeFinishedHistories(deps, quiet));
    const second = counts(await purgeFinishedHistories(deps, quiet));
    const answers = {
      cancelled: answerOf(await management.status(cancelled.id), n),
      terminated: answerOf(await management.status(terminated.id), n),
      running: answerOf(await management.status(running.id), n),
    };
    const runtimeStatus = String(
      answers.running.body && (answers.running.body as { runtimeStatus?: string }).runtimeStatus,
    );
    await call('DELETE', '/payer-account/registration', running.token);
    const observation: Observation = {
      runtimeStatus,
      output: { first, second },
      customStatuses: [],
      activities: [],
      history: [],
      timeShapes: {},
      management: answers,
    };
    return observation;
  },
};

conformanceSuite<PurgeContext>({
  title: 'conformance of the retention purge on both Durable engines',
  context: (stack) => ({ stack, management: new Management(stack), organizations: 0 }),
  scenarios: [scenario],
});
