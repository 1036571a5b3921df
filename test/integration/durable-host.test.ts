import { SAMPLE_APP } from '../support/in-process-engine';
import type { RunningAzurite } from '../../local/azurite';
import { startAzurite } from '../../local/azurite';
import type { HostProcess } from '../../local/host-process';
import { spawnHost } from '../../local/host-process';

const KEYS = { LocalHost__MasterKey: 'test-master-key', LocalHost__FunctionKey: 'test-function-key' };

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('local Functions host as a process, over Azurite', () => {
  let azurite: RunningAzurite;
  let host: HostProcess;
  const env = () => ({
    ...KEYS,
    SampleHub: 'SampleHub',
    AzureWebJobsStorage: azurite.connectionString,
    LocalHost__Port: '0',
    LocalHost__ClockControl: 'true',
  });
  const api = (path: string, init?: RequestInit) => fetch(`${host.url}/api/${path}`, init);
  const start = async (name: string, id: string, input?: unknown) => {
    const res = await api(`orchestrators/${name}/${id}`, {
      method: 'POST',
      body: input === undefined ? '' : JSON.stringify(input),
    });
    expect(res.status).toBe(202);
    return (await res.json()) as Record<string, string>;
  };
  const status = async (links: Record<string, string>) =>
    (await fetch(links.statusQueryGetUri)).json() as Promise<Record<string, any>>;

  beforeAll(async () => {
    azurite = await startAzurite();
    host = await spawnHost({ appRoot: SAMPLE_APP, env: env() });
  });
  afterAll(async () => {
    await host?.stop();
    await azurite?.stop();
  });

  it('serves HTTP triggers with route templates, methods and constraints', async () => {
    const res = await api('echo/42?q=hi', { method: 'PUT', body: 'payload' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: '42', method: 'PUT', q: 'hi', body: 'payload' });
    expect((await api('echo/not-a-number')).status).toBe(404);
    expect((await api('echo/42', { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(`${host.url}/echo/42`)).status).toBe(404);
  });

  it('enforces function and admin keys', async () => {
    const links = await start('Sequence', 'keys-1', ['k']);
    expect((await api(`instances/keys-1`)).status).toBe(401);
    expect((await api(`instances/keys-1?code=wrong`)).status).toBe(401);
    expect(
      (await api(`instances/keys-1`, { headers: { 'x-functions-key': KEYS.LocalHost__FunctionKey } })).status,
    ).toBe(200);
    expect((await api(`instances?code=${KEYS.LocalHost__FunctionKey}`)).status).toBe(401);
    expect((await api(`instances?code=${KEYS.LocalHost__MasterKey}`)).status).toBe(200);
    const webhookWithoutKey = links.statusQueryGetUri.replace(/code=[^&]+/, 'code=wrong');
    expect((await fetch(webhookWithoutKey)).status).toBe(401);
  });

  it('runs an orchestration started through the durable client and reports it through createCheckStatusResponse links', async () => {
    const links = await start('Sequence', 'http-seq-1', ['Tokyo', 'Seattle']);
    expect(links.statusQueryGetUri.startsWith(`${host.url}/runtime/webhooks/durabletask/instances/http-seq-1?`)).toBe(
      true,
    );
    const done = await until(
      () => status(links),
      (s) => s.runtimeStatus === 'Completed',
    );
    expect(done.output).toEqual(['Hello Tokyo!', 'Hello Seattle!']);
    const withHistory = (await (
      await fetch(`${links.statusQueryGetUri}&showHistory=true&showHistoryOutput=true`)
    ).json()) as { historyEvents: any[] };
    const completions = withHistory.historyEvents.filter((e: any) => e.EventType === 'TaskCompleted');
    expect(completions.map((e: any) => [e.FunctionName, e.Result])).toEqual([
      ['Hello', 'Hello Tokyo!'],
      ['Hello', 'Hello Seattle!'],
    ]);
  });

  it('fails an orchestration whose activity result the store cannot hold, saying why, instead of retrying it', async () => {
    const links = await start('HugeResult', 'huge-1', 2_000_000);
    const done = await until(
      () => status(links),
      (s) => s.runtimeStatus === 'Failed',
    );
    expect(done.runtimeStatus).toBe('Failed');
    expect(done.output).toMatch(
      /HugeResult.*failed: Durable payload of \d+ characters .* exceeds the local host's 1 MiB entity limit/,
    );
    expect(host.output().match(/Episode of huge-1 failed and will be retried/g) ?? []).toHaveLength(0);
  });

  it('raises events through the client and the webhook, and terminates and purges through the webhooks', async () => {
    const links = await start('Approval', 'http-approval-1', { timeoutMs: 3600_000 });
    await until(
      () => status(links),
      (s) => s.customStatus?.step === 'waiting',
    );
    const raised = await api('instances/http-approval-1/events/Approval', {
      method: 'POST',
      body: JSON.stringify({ by: 'webhook-test' }),
    });
    expect(raised.status).toBe(202);
    const done = await until(
      () => status(links),
      (s) => s.runtimeStatus === 'Completed',
    );
    expect(done.output).toEqual({ approvedBy: 'webhook-test' });
    expect(
      (await fetch(links.sendEventPostUri.replace('{eventName}', 'Approval'), { method: 'POST', body: '{}' })).status,
    ).toBe(410);

    const second = await start('Approval', 'http-approval-2', { timeoutMs: 3600_000 });
    const terminated = await fetch(second.terminatePostUri.replace('{text}', 'not%20needed'), { method: 'POST' });
    expect(terminated.status).toBe(202);
    const ended = await until(
      () => status(second),
      (s) => s.runtimeStatus === 'Terminated',
    );
    expect(ended.output).toBe('not needed');
    expect((await fetch(second.purgeHistoryDeleteUri, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(second.statusQueryGetUri)).status).toBe(404);
  });

  // The extension's HttpApiHandler.HandleGetStatusRequestAsync (Azure/azure-functions-durable-extension): 202 with
  // Location and Retry-After: 5 while running; 200 once ended however it ended (500 for Failed only on request); an
  // empty 404; times formatted "s" + "Z" (whole seconds, UTC).
  it('answers the status API with the codes, headers and times the extension gives', async () => {
    const running = await start('Approval', 'codes-running', { timeoutMs: 3600_000 });
    const waiting = await until(
      () => fetch(running.statusQueryGetUri),
      (res) => res.status === 202,
    );
    expect(waiting.status).toBe(202);
    expect(waiting.headers.get('retry-after')).toBe('5');
    expect(waiting.headers.get('location')).toBe(running.statusQueryGetUri);
    const body = (await waiting.json()) as Record<string, string>;
    expect(body.createdTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(body.lastUpdatedTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

    await fetch(running.terminatePostUri.replace('{text}', 'done'), { method: 'POST' });
    const terminated = await until(
      () => fetch(running.statusQueryGetUri),
      (res) => res.status !== 202,
    );
    expect(terminated.status).toBe(200);
    expect(((await terminated.json()) as Record<string, string>).runtimeStatus).toBe('Terminated');
    expect(terminated.headers.get('location')).toBeNull();

    const failing = await start('Failing', 'codes-failed');
    const failed = await until(
      () => status(failing),
      (s) => s.runtimeStatus === 'Failed',
    );
    expect(failed.runtimeStatus).toBe('Failed');
    expect((await fetch(failing.statusQueryGetUri)).status).toBe(200);
    expect((await fetch(`${failing.statusQueryGetUri}&returnInternalServerErrorOnFailure=true`)).status).toBe(500);

    const unknown = await fetch(running.statusQueryGetUri.replace('codes-running', 'no-such-instance'));
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('');
  });

  // As seen on the extension by the conformance suite (test/reference, `npm run test:reference`).
  it('answers control calls, shows histories and lists pages as the extension does', async () => {
    const webhooks = `${host.url}/runtime/webhooks/durabletask/instances`;
    const code = `code=${KEYS.LocalHost__MasterKey}`;
    const empty = async (res: Response) => ({ status: res.status, body: await res.text() });

    // A termination: ExecutionTerminated, then the execution completed as Terminated with the reason.
    const running = await start('Approval', 'control-1', { timeoutMs: 3600_000 });
    await until(
      () => status(running),
      (s) => s.runtimeStatus === 'Running',
    );
    expect(await empty(await fetch(running.purgeHistoryDeleteUri, { method: 'DELETE' }))).toEqual({
      status: 412,
      body: JSON.stringify(
        'Only orchestrations in a terminal state can be purged, but the orchestration with instance ID control-1 has status Running',
      ),
    });
    await fetch(running.terminatePostUri.replace('{text}', 'by ops'), { method: 'POST' });
    const ended = await until(
      async () => (await fetch(`${running.statusQueryGetUri}&showHistory=true&showHistoryOutput=true`)).json() as any,
      (s) => s.runtimeStatus === 'Terminated',
    );
    expect(ended.historyEvents.slice(-2)).toMatchObject([
      { EventType: 'ExecutionTerminated', Input: 'by ops' },
      { EventType: 'ExecutionCompleted', OrchestrationStatus: 'Terminated', Result: 'by ops' },
    ]);
    // Ended: 410 without a body; unknown: 404 without a body.
    expect(await empty(await fetch(running.terminatePostUri.replace('{text}', 'again'), { method: 'POST' }))).toEqual({
      status: 410,
      body: '',
    });
    expect(await empty(await fetch(`${webhooks}/control-1/raiseEvent/Approval?${code}`, { method: 'POST' }))).toEqual({
      status: 410,
      body: '',
    });
    for (const [method, path] of [
      ['DELETE', ''],
      ['POST', '/terminate'],
      ['POST', '/raiseEvent/Approval'],
    ])
      expect(await empty(await fetch(`${webhooks}/no-such-instance${path}?${code}`, { method }))).toEqual({
        status: 404,
        body: '',
      });

    // A failed attempt and a completed one: the reason as the extension words it, the task's time with an offset and
    // no input (the Azure Storage provider's history holds none for a task).
    const retry = await start('Retry', 'control-2', { key: 'control-2', failTimes: 1, attempts: 2 });
    const done = await until(
      async () => (await fetch(`${retry.statusQueryGetUri}&showHistory=true&showHistoryOutput=true`)).json() as any,
      (s) => s.runtimeStatus === 'Completed',
    );
    const tasks = (done.historyEvents as any[]).filter((e) => e.FunctionName === 'Flaky');
    expect(tasks).toMatchObject([
      { EventType: 'TaskFailed', Reason: "Activity function 'Flaky' failed:  flaky failure 1", Input: null },
      { EventType: 'TaskCompleted', Result: 'ok after 1 failures', Input: null },
    ]);
    for (const task of tasks) expect(task.ScheduledTime).toMatch(/\.\d{3}\+00:00$/);

    // The last page carries an empty continuation token; a status the extension does not know does not filter.
    const last = await fetch(`${webhooks}?runtimeStatus=Terminated&${code}`);
    expect(last.headers.get('x-ms-continuation-token')).toBe('');
    const unknownStatus = (await (await fetch(`${webhooks}?runtimeStatus=NoSuchStatus&${code}`)).json()) as any[];
    expect(unknownStatus.map((s) => s.instanceId)).toEqual(expect.arrayContaining(['control-1', 'control-2']));
  });

  it('lists running instances across pages of the management API', async () => {
    for (let i = 0; i < 5; i++) await start('Approval', `list-${i}`, { timeoutMs: 3600_000 });
    const res = await api(`instances?code=${KEYS.LocalHost__MasterKey}`);
    const running = (await res.json()) as string[];
    expect(running).toEqual(expect.arrayContaining(['list-0', 'list-1', 'list-2', 'list-3', 'list-4']));
    const page = await fetch(
      `${host.url}/runtime/webhooks/durabletask/instances?runtimeStatus=Running&top=2&code=${KEYS.LocalHost__MasterKey}`,
    );
    expect(((await page.json()) as unknown[]).length).toBe(2);
    expect(page.headers.get('x-ms-continuation-token')).toBeTruthy();

    // As the extension on the Azure Storage provider answers (seen by test/reference's listing scenario): a token it
    // cannot read is an empty last page, not an error. The app's ops list checks its own tokens before they get here.
    const unreadable = await fetch(
      `${host.url}/runtime/webhooks/durabletask/instances?top=2&code=${KEYS.LocalHost__MasterKey}`,
      {
        headers: { 'x-ms-continuation-token': 'not-a-token' },
      },
    );
    expect(unreadable.status).toBe(200);
    expect(await unreadable.json()).toEqual([]);
    expect(unreadable.headers.get('x-ms-continuation-token')).toBe('');
  });

  // Azure/azure-functions-durable-extension, DurableOrchestrationContext.CreateTimer: on the Azure Storage provider a
  // timer due more than 6 days ahead (maximumShortTimerDuration, which the extension also hands the SDK) is waited for
  // in sub-timers of 3 days (longRunningTimerIntervalDuration), the last one up to the timer's own time.
  it('moves its clock on request so long timers fire, in the 3-day sub-timers of the Azure Storage provider', async () => {
    const DAY = 24 * 3600_000;
    const links = await start('Approval', 'clock-1', { timeoutMs: 7 * DAY });
    await until(
      () => status(links),
      (s) => s.customStatus?.step === 'waiting',
    );
    const history = async () => {
      const view = (await (await fetch(`${links.statusQueryGetUri}&showHistory=true`)).json()) as {
        historyEvents: { EventType: string; FireAt?: string; Timestamp: string }[];
      };
      const startedAt = Date.parse(view.historyEvents[0].Timestamp);
      const days = (type: string) =>
        view.historyEvents
          .filter((e) => e.EventType === type)
          .map((e) => Math.round((Date.parse(e.FireAt!) - startedAt) / DAY));
      return { created: days('TimerCreated'), fired: days('TimerFired') };
    };
    const advance = async (ms: number) => {
      const moved = await fetch(`${host.url}/admin/host/clock`, {
        method: 'POST',
        headers: { 'x-functions-key': KEYS.LocalHost__MasterKey },
        body: JSON.stringify({ advanceMs: ms }),
      });
      expect(moved.status).toBe(200);
    };
    expect(await history()).toEqual({ created: [3], fired: [] });
    for (const [ms, created] of [
      [3 * DAY, [3, 6]],
      [3 * DAY, [3, 6, 7]],
    ] as const) {
      await advance(ms);
      expect(await until(history, (h) => h.created.length === created.length).then((h) => h.created)).toEqual(created);
      expect((await status(links)).runtimeStatus).toBe('Running');
    }
    await advance(DAY);
    const done = await until(
      () => status(links),
      (s) => s.runtimeStatus === 'Completed',
    );
    expect(done.output).toBe('expired');
    expect(await history()).toEqual({ created: [3, 6, 7], fired: [3, 6, 7] });
  });

  it('survives being killed while instances wait on events, timers and activities', async () => {
    const waitingEvent = await start('Approval', 'restart-event', { timeoutMs: 3600_000 });
    const waitingTimer = await start('Approval', 'restart-timer', { timeoutMs: 1500 });
    const runningActivity = await start('SlowActivity', 'restart-activity', 1000);
    await until(
      () => status(waitingEvent),
      (s) => s.customStatus?.step === 'waiting',
    );
    await until(
      () => status(waitingTimer),
      (s) => s.customStatus?.step === 'waiting',
    );
    await new Promise((r) => setTimeout(r, 200));
    await host.kill();
    await new Promise((r) => setTimeout(r, 1500));
    host = await spawnHost({ appRoot: SAMPLE_APP, env: env() });
    const rebase = (links: Record<string, string>) => ({
      statusQueryGetUri: links.statusQueryGetUri.replace(/^http:\/\/[^/]+/, host.url),
    });

    const timer = await until(
      () => status(rebase(waitingTimer)),
      (s) => s.runtimeStatus === 'Completed',
    );
    expect(timer.output).toBe('expired');
    const activity = await until(
      () => status(rebase(runningActivity)),
      (s) => s.runtimeStatus === 'Completed',
    );
    expect(activity.output).toBe(1000);
    const stillWaiting = await status(rebase(waitingEvent));
    expect(stillWaiting.runtimeStatus).toBe('Running');
    await api('instances/restart-event/events/Approval', {
      method: 'POST',
      body: JSON.stringify({ by: 'after-restart' }),
    });
    const event = await until(
      () => status(rebase(waitingEvent)),
      (s) => s.runtimeStatus === 'Completed',
    );
    expect(event.output).toEqual({ approvedBy: 'after-restart' });
  });
});
