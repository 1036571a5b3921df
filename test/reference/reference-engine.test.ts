/**
 * The app on Microsoft's own Durable Task engine: the stack on the reference engine (local/durable-reference: the
 * Durable Task extension 3.19.0 in a WebJobs host, Azure Storage provider on Azurite's blob, queue and table services),
 * running the app's own orchestrator and activities through the extension's out-of-process shim, with the app's
 * durable client talking to the extension's management API. Where the reference host cannot be had (no .NET SDK,
 * NuGet unreachable) the suite reports a visible skip. Run by `npm run test:reference`, not by `npm test`.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { TableClient } from '@azure/data-tables';
import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';
import { apiClient, CONTOSO, PC_APP, registerContoso, until, VALID_SECRET } from '../support/registration-driver';

const REPO = path.resolve(__dirname, '..', '..', '..');

function restoreReferenceHost(): { ok: true } | { skipped: string } {
  const run = spawnSync('bash', [path.join(REPO, 'local', 'durable-reference', 'restore.sh')], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  if (run.status === 0) return { ok: true };
  const reason = /cannot run here: (.*)/.exec(run.stderr ?? '')?.[1];
  if (run.status === 3 && reason) return { skipped: reason };
  throw new Error(`restoring the reference host failed (exit ${run.status ?? run.signal}):\n${run.stderr}`);
}

const restored = restoreReferenceHost();
const timings: Record<string, number> = {};
const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
  const started = Date.now();
  try {
    return await run();
  } finally {
    timings[name] = Date.now() - started;
  }
};

interface HistoryEvent {
  EventType: string;
  Timestamp: string;
  FunctionName?: string;
  Name?: string;
  ScheduledTime?: string;
  FireAt?: string;
  Reason?: string;
  Result?: unknown;
}

if ('skipped' in restored) {
  describe('the app on the Durable Task extension (reference engine)', () => {
    it.skip(`skipped: ${restored.skipped}`, () => undefined);
  });
} else {
  afterAll(() => {
    process.stdout.write(
      `reference engine timings (ms): ${Object.entries(timings)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}\n`,
    );
  });

  describe('the app on the Durable Task extension (reference engine)', () => {
    let stack: Stack;
    let alice: string;
    let olivia: string;
    const seen: string[] = [];
    let call: ReturnType<typeof apiClient>['call'];
    /** The extension's status API through the host's public webhooks (system key), as an operator would read it. */
    const status = async (id: string, query = 'showHistory=true&showHistoryOutput=true') => {
      const res = await fetch(
        `${stack.host.url}/runtime/webhooks/durabletask/instances/${id}?${query}&code=${encodeURIComponent(stack.settings.LocalHost__MasterKey)}`,
      );
      const text = await res.text();
      return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
    };
    const eventTypes = (events: HistoryEvent[]) =>
      events.map((e) => (e.FunctionName ? `${e.EventType}(${e.FunctionName})` : e.EventType));

    beforeAll(async () => {
      stack = await timed('stack start', () => startStack({ engine: 'reference' }));
      timings['reference host start'] = stack.reference?.startMs ?? NaN;
      [alice, olivia] = await Promise.all(
        ['alice@contoso.example', 'olivia@octo.example'].map((u) => stack.tokenFor(u)),
      );
      call = apiClient(stack, seen).call;
    });
    afterEach(async () => {
      stack.entra.faults.clear();
      await call('DELETE', '/payer-account/registration', alice);
      await call('DELETE', '/payer-account', alice);
    });
    afterAll(async () => {
      await timed('stack stop', async () => stack?.stop());
    });

    it('registers Contoso end to end: steps 1 to 3, consent, a registered payer account', async () => {
      expect(stack.engine).toBe('reference');
      const account = await timed('registration happy path', () => registerContoso(stack, alice, seen));
      expect(account).toMatchObject({
        accountName: 'Contoso CSP',
        tenantId: CONTOSO,
        applicationId: PC_APP,
        mpnId: '1234567',
      });
      const id = account.registrationId as string;

      // The account is recorded by the last activity; the orchestration completes just after. The extension's status
      // API, through the host's webhooks: 202 while running, then 200.
      let done = await status(id);
      for (let i = 0; i < 300 && done.status === 202; i++) {
        await new Promise((r) => setTimeout(r, 30));
        done = await status(id);
      }
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ name: 'RegistrationOrchestrator', instanceId: id, runtimeStatus: 'Completed' });
      expect(done.body.output).toMatchObject({ outcome: 'registered' });

      // It ran on the extension: its instance and history are in the extension's task hub (Azure Storage provider).
      const history = TableClient.fromConnectionString(stack.azurite.connectionString, 'PayerRegistrationHistory', {
        allowInsecureConnection: true,
      });
      const rows = [];
      for await (const row of history.listEntities({ queryOptions: { filter: `PartitionKey eq '${id}'` } }))
        rows.push(row);
      expect(rows.map((r) => r.EventType)).toEqual(expect.arrayContaining(['ExecutionStarted', 'ExecutionCompleted']));

      const events = done.body.historyEvents as HistoryEvent[];
      expect(events[0]).toMatchObject({ EventType: 'ExecutionStarted', FunctionName: 'RegistrationOrchestrator' });
      expect(events.at(-1)).toMatchObject({ EventType: 'ExecutionCompleted', OrchestrationStatus: 'Completed' });
      expect(events.filter((e) => e.EventType === 'EventRaised').map((e) => e.Name)).toEqual([
        'PartnerCenterCredentialsSubmitted',
        'PartnerApiCredentialsSubmitted',
        'ConsentCompleted',
      ]);
      expect(events.find((e) => e.FunctionName === 'RedeemConsent')).toMatchObject({ EventType: 'TaskCompleted' });
      process.stdout.write(`extension history of a registration: ${eventTypes(events).join(' ')}\n`);

      // The app's ops timeline reads the same history through the extension's management API.
      const timeline = await call('GET', `/ops/registrations/${id}/history`, olivia);
      expect(timeline.status).toBe(200);
      expect(timeline.body.entries.filter((e: any) => e.kind === 'event').map((e: any) => e.name)).toEqual([
        'PartnerCenterCredentialsSubmitted',
        'PartnerApiCredentialsSubmitted',
        'ConsentCompleted',
      ]);
      expect(timeline.body.statusTransitions.map((t: any) => t.status).slice(-3)).toEqual([
        'awaitingConsent',
        'redeemingConsent',
        'registered',
      ]);
      expect(timeline.body.outcome).toMatchObject({ runtimeStatus: 'Completed', status: 'registered' });
      for (const text of seen) expect(text).not.toContain(VALID_SECRET);
    });

    it('exhausts the retries of the verification on an Entra ID outage: 503, and the registration stays at step 2', async () => {
      const started = await call('POST', '/payer-account/registration', alice, { accountName: 'Contoso CSP' });
      expect(started.status).toBe(201);
      const id = started.body.registrationId as string;
      const registration = async () => (await call('GET', '/payer-account/registration', alice)).body;
      expect(await until(async () => (await registration())?.status === 'awaitingPartnerCenterCredentials')).toBe(true);
      // The partner's tenant only: the host's own Key Vault credential keeps working.
      const partnerToken = `^POST /(${CONTOSO}|contoso\\.example)/oauth2/v2\\.0/token$`;
      stack.entra.faults.clearRequests();
      stack.entra.faults.inject({ match: partnerToken, status: 503, count: 10 });
      const res = await timed('verification retries exhausted', () =>
        call('PUT', '/payer-account/registration/partner-center-credentials', alice, {
          applicationId: PC_APP,
          domain: 'contoso.example',
          secret: VALID_SECRET,
        }),
      );
      stack.entra.faults.clear();
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'identity_provider_unavailable' });
      expect((await registration()).status).toBe('awaitingPartnerCenterCredentials');
      const attempts = stack.entra.faults
        .requests()
        .filter((r) => new RegExp(partnerToken).test(`${r.method} ${r.path}`));
      const gaps = attempts.slice(1).map((c, i) => c.at - attempts[i].at);
      process.stdout.write(`token requests of the three attempts: ${attempts.length}, gaps (ms): ${gaps.join(', ')}\n`);
      expect(attempts.length).toBeGreaterThanOrEqual(3);

      // The three attempts as the extension recorded them: each failure, and the retry timers between them.
      const running = await status(id);
      expect(running.status).toBe(202);
      expect(running.body.runtimeStatus).toBe('Running');
      const events = running.body.historyEvents as HistoryEvent[];
      process.stdout.write(`extension history after exhausted retries: ${eventTypes(events).join(' ')}\n`);
      const failures = events.filter((e) => e.EventType === 'TaskFailed');
      expect(failures.map((e) => e.FunctionName)).toEqual([
        'VerifyPartnerCenterCredentials',
        'VerifyPartnerCenterCredentials',
        'VerifyPartnerCenterCredentials',
      ]);
      expect(failures[0].Reason).toMatch(/^Activity function 'VerifyPartnerCenterCredentials' failed: /);
      const timers = events.filter((e) => e.EventType === 'TimerFired' || e.EventType === 'TimerCreated');
      process.stdout.write(
        `retry timers: ${timers.map((t) => `${t.EventType} ${t.Timestamp} fireAt ${t.FireAt}`).join('; ')}\n`,
      );
    });
  });

  describe("the sample app's orchestrators on the Durable Task extension", () => {
    let stack: Stack;
    const start = async (name: string, input: unknown) => {
      const res = await fetch(`${stack.apiBaseUrl}/orchestrators/${name}`, {
        method: 'POST',
        body: JSON.stringify(input),
      });
      expect(res.status).toBe(202);
      return (await res.json()) as { id: string; statusQueryGetUri: string };
    };
    /** Polls the status link that createCheckStatusResponse handed out (the extension's, through the host) until it settles. */
    const settled = async (statusQueryGetUri: string) => {
      expect(new URL(statusQueryGetUri).origin).toBe(new URL(stack.apiBaseUrl).origin);
      for (let i = 0; i < 600; i++) {
        const res = await fetch(statusQueryGetUri);
        if (res.status !== 202) return { status: res.status, body: (await res.json()) as any };
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${statusQueryGetUri} still running`);
    };

    beforeAll(async () => {
      stack = await timed('sample app stack start', () =>
        startStack({
          engine: 'reference',
          appRoot: path.join(REPO, 'test', 'fixtures', 'sample-app'),
          settings: { SampleHub: 'SampleReference' },
        }),
      );
    });
    afterAll(async () => {
      await stack?.stop();
    });

    it('passes string inputs to activities as the SDK sent them, once decoded', async () => {
      const { statusQueryGetUri } = await start('Sequence', ['Tokyo', 'Seattle']);
      const done = await settled(statusQueryGetUri);
      expect(done).toMatchObject({ status: 200, body: { runtimeStatus: 'Completed' } });
      expect(done.body.output).toEqual(['Hello Tokyo!', 'Hello Seattle!']);
    });

    it('fails an orchestrator that throws, with its custom status and the error the SDK reported ($OutOfProcData$)', async () => {
      const { statusQueryGetUri } = await start('ConformanceThrows', null);
      const done = await settled(statusQueryGetUri);
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ runtimeStatus: 'Failed', customStatus: { stage: 'before' } });
      expect(JSON.stringify(done.body.output)).toContain('conformance orchestrator gave up');
      process.stdout.write(`a failed orchestration's output on the extension: ${JSON.stringify(done.body.output)}\n`);
    });

    it('retries a failing activity and completes', async () => {
      const { statusQueryGetUri } = await start('ConformanceRetry', {
        name: 'flaky2:reference',
        firstRetryMs: 1000,
        attempts: 3,
      });
      const done = await settled(statusQueryGetUri);
      expect(done).toMatchObject({
        status: 200,
        body: { runtimeStatus: 'Completed', output: 'Hello, flaky2:reference!' },
      });
    });
  });
}
