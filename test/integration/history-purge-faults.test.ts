import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { RunningAzurite } from '../../local/azurite';
import { startAzurite } from '../../local/azurite';
import { ManagementUrls } from '../../local/durable-host/client-binding';
import type { HostRequest, HostResponse } from '../../local/durable-host/host-http';
import { json, readRequest, writeResponse } from '../../local/durable-host/host-http';
import { ManagementApi } from '../../local/durable-host/management-api';
import { TableDurableStore } from '../../local/durable-host/table-durable-store';
import { DurableWorkflowRecords } from '../../src/adapters/durable-workflow-records';
import type { PurgeFinishedHistoriesDeps } from '../../src/app/purge-finished-histories';
import { purgeFinishedHistories } from '../../src/app/purge-finished-histories';
import { TransientError } from '../../src/domain/transient-error';
import type { InProcessEngine } from '../support/in-process-engine';
import { inProcessEngine } from '../support/in-process-engine';

const DAY_MS = 24 * 3600_000;
const KEY = 'purge-test-system-key';
const WEBHOOKS = '/runtime/webhooks/durabletask/';

/**
 * The retention purge's failure paths, with real parts over real HTTP: the use case and the Durable adapter, the app's
 * durable client as the SDK builds it from its binding data, the local host's management API and engine (the sample
 * app's orchestrators, whatever their names) over Azure Tables on Azurite (whose continuation tokens, like the Azure
 * Storage provider's, name the next row: purging the rows already listed moves no page), and faults injected on the
 * wire between them.
 */
describe('history purge: faults of the durable management API', () => {
  let azurite: RunningAzurite;
  let hubs = 0;
  let ip: InProcessEngine;
  let server: Server;
  let client: df.DurableClient;
  let deps: PurgeFinishedHistoriesDeps;
  let logs: { level: string; message: string; properties: Record<string, unknown> }[];
  /** Answers a request in the management API's place, or undefined to let it through. */
  let intercept: ((req: HostRequest, path: string) => Promise<HostResponse | undefined>) | undefined;
  const requests: string[] = [];
  const log = {
    info: (message: string, properties: Record<string, unknown>) => logs.push({ level: 'info', message, properties }),
    error: (message: string, properties: Record<string, unknown>) => logs.push({ level: 'error', message, properties }),
  };
  const status = async (id: string) => (await ip.engine.getState(id))?.status ?? 'purged';
  const statuses = async (ids: string[]) => Promise.all(ids.map(status));

  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(async () => {
    await azurite?.stop();
  });
  beforeEach(async () => {
    const store = new TableDurableStore(azurite.connectionString, `PurgeTest${++hubs}Durable`);
    await store.init();
    ip = inProcessEngine(store);
    logs = [];
    intercept = undefined;
    requests.length = 0;
    server = createServer((req, res) => {
      void (async () => {
        const request = await readRequest(req, 'http://127.0.0.1');
        if (request === 'tooLarge' || !request.url.pathname.startsWith(WEBHOOKS))
          return writeResponse(res, { status: 404 });
        if (request.url.searchParams.get('code') !== KEY) return writeResponse(res, { status: 401 });
        const path = request.url.pathname.slice(WEBHOOKS.length);
        requests.push(`${request.method} ${path}`);
        writeResponse(res, (await intercept?.(request, path)) ?? (await api.handle(request, path)));
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const urls = new ManagementUrls(origin, origin, 'PurgeTest', KEY);
    const api = new ManagementApi(ip.engine, urls);
    // The app's durable client, built by the SDK from the binding data the host hands a timer function.
    const input = df.input.durableClient();
    const context = new InvocationContext({ functionName: 'HistoryPurge', options: { extraInputs: [input] } });
    context.extraInputs.set(input, urls.clientData());
    process.env.WEBSITE_HOSTNAME = new URL(origin).host;
    client = df.getClient(context);
    deps = {
      records: new DurableWorkflowRecords(client),
      clock: { now: () => new Date(ip.clock.now()), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
      retentionDays: 90,
      pageSize: 2,
      concurrency: 2,
    };
  });
  afterEach(async () => {
    ip.engine.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Instances that end (completed, failed, terminated) and one that keeps running, all 91 days old. */
  async function oldInstances(): Promise<{ ended: string[]; running: string[] }> {
    const ended: string[] = [];
    for (let i = 0; i < 5; i++) ended.push((await ip.run('Sequence', `done-${i}`, ['A'])).instanceId);
    ended.push((await ip.run('ConformanceThrows', 'failed-0')).instanceId);
    await ip.run('EarlyEvent', 'terminated-0');
    await ip.engine.terminate('terminated-0', 'ops ended it');
    await ip.engine.whenIdle();
    ended.push('terminated-0');
    await ip.run('EarlyEvent', 'running-0');
    expect(await statuses(ended)).toEqual([...Array(5).fill('Completed'), 'Failed', 'Terminated']);
    expect(await status('running-0')).toBe('Running');
    ip.clock.advance(91 * DAY_MS);
    return { ended, running: ['running-0'] };
  }

  // https://learn.microsoft.com/en-us/azure/azure-functions/durable/durable-functions-http-api#purge-single-instance-history
  // 200 with instancesDeleted once purged, 404 for an instance that does not exist (or no longer does); an instance not
  // in a terminal state is refused with 412, as the extension answers (test/reference, scenario `purge-running`).
  it("the local host's purge of one instance answers as the HTTP API reference says: 200, then 404; 412 while it runs", async () => {
    const { ended, running } = await oldInstances();
    const purge = async (id: string) => {
      const res = await fetch(client.createHttpManagementPayload(id).purgeHistoryDeleteUri, { method: 'DELETE' });
      return { status: res.status, body: await res.text() };
    };
    expect(await purge(ended[0])).toEqual({ status: 200, body: JSON.stringify({ instancesDeleted: 1 }) });
    expect(await purge(ended[0])).toEqual({ status: 404, body: '' });
    expect((await purge(running[0])).status).toBe(412);
    expect(await status(running[0])).toBe('Running');
    await expect(deps.records.purge(ended[1])).resolves.toBe('purged');
    await expect(deps.records.purge(ended[1])).resolves.toBe('notFound');
    await expect(deps.records.purge(running[0])).resolves.toBe('notEnded');
  });

  it('stops when the management API fails mid-page, keeps what it purged, and the next run carries on', async () => {
    const { ended, running } = await oldInstances();
    let deletes = 0;
    intercept = async (req) => {
      if (req.method === 'DELETE' && ++deletes === 4) return json(503, { Message: 'Service Unavailable' });
      return undefined;
    };

    await expect(purgeFinishedHistories(deps, log)).rejects.toThrow(TransientError);
    const afterFault = await statuses(ended);
    // The page of two in flight when the fourth purge failed: its other purge ends, no new one starts.
    expect(afterFault.filter((s) => s === 'purged')).toHaveLength(3);
    expect(logs).toEqual([
      {
        level: 'error',
        message: 'Orchestration history purge stopped; the next run carries on',
        properties: expect.objectContaining({ purged: 3, alreadyGone: 0, kept: 0, pages: 2, error: 'TransientError' }),
      },
    ]);
    expect(JSON.stringify(logs)).not.toContain(KEY);

    // The list itself unavailable: nothing more is purged.
    intercept = async (req) => (req.method === 'GET' ? json(503, { Message: 'Service Unavailable' }) : undefined);
    await expect(purgeFinishedHistories(deps, log)).rejects.toThrow(TransientError);
    expect(await statuses(ended)).toEqual(afterFault);

    intercept = undefined;
    logs = [];
    const summary = await purgeFinishedHistories(deps, log);
    expect(summary).toMatchObject({ purged: 4, alreadyGone: 0, kept: 0, retentionDays: 90 });
    expect(await statuses(ended)).toEqual(Array(ended.length).fill('purged'));
    expect(await statuses(running)).toEqual(['Running']);
    expect(logs).toEqual([
      { level: 'info', message: 'Orchestration histories purged', properties: expect.objectContaining({ purged: 4 }) },
    ]);
    // Only ended instances were asked for, created before the cut-off; a running one was never sent a purge.
    const lists = requests.filter((r) => r.startsWith('GET'));
    expect(lists.length).toBeGreaterThan(0);
    expect(requests).not.toContain('DELETE instances/running-0');
  });

  it('tolerates an instance purged by someone else between the list and its purge (404), and keeps recent ones', async () => {
    const { ended, running } = await oldInstances();
    // Ended within the retention period, though created before the cut-off: kept.
    await ip.run('EarlyEvent', 'ended-lately');
    ip.clock.advance(91 * DAY_MS);
    await ip.engine.raiseEvent('ended-lately', 'Go', JSON.stringify('now'));
    await ip.engine.whenIdle();
    expect(await status('ended-lately')).toBe('Completed');
    // Created and ended within it: not even listed.
    await ip.run('Sequence', 'recent', ['B']);

    intercept = async (req, path) => {
      if (req.method === 'DELETE' && path === 'instances/failed-0') await ip.engine.purge('failed-0');
      return undefined;
    };
    const summary = await purgeFinishedHistories(deps, log);
    expect(summary).toMatchObject({ purged: ended.length - 1, alreadyGone: 1, kept: 1 });
    expect(await statuses(ended)).toEqual(Array(ended.length).fill('purged'));
    expect(await statuses([...running, 'ended-lately', 'recent'])).toEqual(['Running', 'Completed', 'Completed']);
  });

  it('an instance the engine refuses to purge (not ended, 412) is kept and counted so', async () => {
    await oldInstances();
    // The list said Completed, but by the purge the engine holds it running (an instance ID started again).
    intercept = async (req, path) => {
      if (req.method === 'DELETE' && path === 'instances/done-0')
        return json(412, 'Only orchestrations in a terminal state can be purged');
      return undefined;
    };
    const summary = await purgeFinishedHistories(deps, log);
    expect(summary).toMatchObject({ purged: 6, alreadyGone: 0, kept: 1 });
    expect(await status('done-0')).toBe('Completed');
  });
});
