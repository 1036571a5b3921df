import * as path from 'node:path';
import type { RunningAzurite } from '../../local/azurite';
import { startAzurite } from '../../local/azurite';
import { TableDurableStore } from '../../local/durable-host/table-durable-store';
import type { TimerView } from '../../local/durable-host/timer-scheduler';
import type { HostProcess } from '../../local/host-process';
import { spawnHost } from '../../local/host-process';
import { REPO_ROOT } from '../support/in-process-engine';

const TIMER_APP = path.join(REPO_ROOT, 'test', 'fixtures', 'timer-app');
const MASTER = 'timer-master-key';
const PERIOD = 5 * 60_000;
const HOUR = 3600_000;

interface Tick {
  function: string;
  recordedAt: number;
  timer: {
    isPastDue: boolean;
    schedule: { adjustForDST: boolean };
    scheduleStatus: { last: string; next: string; lastUpdated: string };
  };
  overlapped?: boolean;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('timer triggers in the local Functions host', () => {
  let azurite: RunningAzurite;
  let host: HostProcess;
  const env = (schedule = '0 */5 * * * *') => ({
    LocalHost__MasterKey: MASTER,
    LocalHost__FunctionKey: 'timer-function-key',
    TimerHub: 'TimerHub',
    AzureWebJobsStorage: azurite.connectionString,
    LocalHost__Port: '0',
    LocalHost__ClockControl: 'true',
    KeepAliveSchedule: schedule,
  });
  const admin = (p: string, init: RequestInit = {}) =>
    fetch(`${host.url}${p}`, { ...init, headers: { 'x-functions-key': MASTER, ...init.headers } });
  const timer = async (name: string) =>
    ((await (await admin('/admin/host/timers')).json()) as TimerView[]).find((t) => t.name === name)!;
  const clockNow = async () => Date.parse(((await (await admin('/admin/host/clock')).json()) as { now: string }).now);
  const advance = async (ms: number) =>
    expect((await admin('/admin/host/clock', { method: 'POST', body: JSON.stringify({ advanceMs: ms }) })).status).toBe(
      200,
    );
  const settled = (name: string, count: number) =>
    until(
      () => timer(name),
      (t) => t.invocationCount >= count && !t.running,
    );
  const ticks = async (name: string): Promise<Tick[]> => {
    const all = (await (await admin('/runtime/webhooks/durabletask/instances?top=1000')).json()) as {
      name: string;
      input: Tick;
      createdTime: string;
    }[];
    return all
      .filter((i) => i.name === 'Tick' && i.input.function === name)
      .sort((a, b) => a.input.recordedAt - b.input.recordedAt)
      .map((i) => i.input);
  };
  const ticksReach = (name: string, count: number) =>
    until(
      () => ticks(name),
      (t) => t.length >= count,
    );
  /** Moves the clock to `marginMs` before the timer's next occurrence (first letting a too-close one run). */
  const justBefore = async (name: string, marginMs: number) => {
    let t = await settled(name, 0);
    let now = await clockNow();
    if (Date.parse(t.next!) - now < marginMs + 10_000) {
      await advance(Date.parse(t.next!) - now + 1);
      t = await settled(name, t.invocationCount + 1);
      now = await clockNow();
    }
    await advance(Date.parse(t.next!) - now - marginMs);
    return t;
  };

  beforeAll(async () => {
    azurite = await startAzurite();
    host = await spawnHost({ appRoot: TIMER_APP, env: env() });
  });
  afterAll(async () => {
    await host?.stop();
    await azurite?.stop();
  });

  it('takes the schedule from its app setting and runs a runOnStartup timer at start', async () => {
    const keepAlive = await timer('KeepAlive');
    expect(keepAlive.schedule).toBe('0 */5 * * * *');
    expect(Date.parse(keepAlive.next!) % PERIOD).toBe(0);
    expect(Date.parse(keepAlive.next!)).toBeGreaterThan((await clockNow()) - 1000);
    expect(await settled('OnStartup', 1)).toMatchObject({ lastResult: 'Succeeded', last: null });
    const [tick] = await ticksReach('OnStartup', 1);
    expect(tick.timer).toMatchObject({ isPastDue: false, schedule: { adjustForDST: true } });
    expect(tick.timer.scheduleStatus.last).toBe('0001-01-01T00:00:00');
  });

  it('does not run before its occurrence, then runs once on time when the clock moves one period', async () => {
    const before = await justBefore('KeepAlive', 30_000);
    const due = Date.parse(before.next!);
    expect(await timer('KeepAlive')).toMatchObject({
      invocationCount: before.invocationCount,
      running: false,
      next: before.next,
    });
    const recorded = (await ticks('KeepAlive')).length;

    await advance(PERIOD);
    const after = await settled('KeepAlive', before.invocationCount + 1);
    expect(after).toMatchObject({ invocationCount: before.invocationCount + 1, lastResult: 'Succeeded' });
    expect(Date.parse(after.last!)).toBe(due);
    expect(Date.parse(after.next!)).toBe(due + PERIOD);
    const all = await ticksReach('KeepAlive', recorded + 1);
    expect(all).toHaveLength(recorded + 1);
    expect(all[recorded].timer.isPastDue).toBe(false);
    expect(Date.parse(all[recorded].timer.scheduleStatus.next)).toBe(due);
  });

  it('runs once, past due, when the clock jumps over three occurrences, and schedules from the new now', async () => {
    const before = await justBefore('KeepAlive', 30_000);
    const recorded = (await ticks('KeepAlive')).length;
    await advance(3 * PERIOD);
    const after = await settled('KeepAlive', before.invocationCount + 1);
    const now = await clockNow();
    expect(after.invocationCount).toBe(before.invocationCount + 1);
    expect(Date.parse(after.last!)).toBeGreaterThan(Date.parse(before.next!) + 2 * PERIOD);
    expect(Date.parse(after.next!)).toBeGreaterThan(now);
    expect(Date.parse(after.next!) - Date.parse(after.last!)).toBeLessThanOrEqual(PERIOD);
    const all = await ticksReach('KeepAlive', recorded + 1);
    expect(all).toHaveLength(recorded + 1);
    expect(all[recorded].timer.isPastDue).toBe(true);
  });

  it('invokes a timer function through the admin API with the master key only', async () => {
    const before = await timer('KeepAlive');
    const recorded = (await ticks('KeepAlive')).length;
    const body = JSON.stringify({ input: '' });
    expect((await fetch(`${host.url}/admin/functions/KeepAlive`, { method: 'POST', body })).status).toBe(401);
    expect(
      (
        await fetch(`${host.url}/admin/functions/KeepAlive`, {
          method: 'POST',
          body,
          headers: { 'x-functions-key': 'timer-function-key' },
        })
      ).status,
    ).toBe(401);
    expect((await admin('/admin/functions/NoSuchFunction', { method: 'POST', body })).status).toBe(404);
    expect((await admin('/admin/functions/Tick', { method: 'POST', body })).status).toBe(400);
    expect((await admin('/admin/functions/KeepAlive', { method: 'POST', body })).status).toBe(202);
    const after = await settled('KeepAlive', before.invocationCount + 1);
    expect(after).toMatchObject({ invocationCount: before.invocationCount + 1, next: before.next, last: before.last });
    const all = await ticksReach('KeepAlive', recorded + 1);
    expect(all[recorded].timer.isPastDue).toBe(false);
  });

  it('never overlaps runs of one function: admin invocations and a due occurrence run one after another', async () => {
    const before = await justBefore('Slow', 60_000);
    for (let i = 0; i < 2; i++)
      expect((await admin('/admin/functions/Slow', { method: 'POST', body: '{"input":""}' })).status).toBe(202);
    await advance(2 * 60_000);
    await settled('Slow', before.invocationCount + 3);
    const all = await ticksReach('Slow', before.invocationCount + 3);
    expect(all.map((t) => t.overlapped)).toEqual(all.map(() => false));
  });

  it('logs a failing timer function as Failed and still runs its next occurrence', async () => {
    const before = await justBefore('Flaky', 60_000);
    await advance(HOUR);
    const first = await settled('Flaky', before.invocationCount + 1);
    expect(first.lastResult).toBe('Failed');
    await until(
      async () => host.output(),
      (out) => out.includes("Executed 'Functions.Flaky' (Failed"),
    );
    expect(host.output()).toMatch(
      /Executed 'Functions\.Flaky' \(Failed, Duration=\d+ms\): Error: Flaky timer broke on purpose/,
    );
    await advance(HOUR);
    const second = await settled('Flaky', before.invocationCount + 2);
    expect(second).toMatchObject({ invocationCount: before.invocationCount + 2, lastResult: 'Failed' });
    expect(Date.parse(second.next!)).toBeGreaterThan(Date.parse(first.next!));
  });

  it('runs a missed occurrence once, past due, after the host restarts', async () => {
    await justBefore('KeepAlive', 30_000);
    const recorded = (await ticks('KeepAlive')).length;
    await host.kill();
    // Time passes while the host is down: two occurrences go by.
    const store = new TableDurableStore(azurite.connectionString, 'TimerHubDurable');
    await store.saveClockOffset((await store.loadClockOffset()) + 2 * PERIOD);
    host = await spawnHost({ appRoot: TIMER_APP, env: env() });
    const after = await settled('KeepAlive', 1);
    expect(after).toMatchObject({ invocationCount: 1, lastResult: 'Succeeded' });
    expect(Date.parse(after.next!)).toBeGreaterThan(await clockNow());
    const all = await ticksReach('KeepAlive', recorded + 1);
    expect(all).toHaveLength(recorded + 1);
    expect(all[recorded].timer.isPastDue).toBe(true);
  });

  it('refuses to start with an invalid schedule, naming the function', async () => {
    await expect(spawnHost({ appRoot: TIMER_APP, env: env('0 0 99 * * *') })).rejects.toThrow(
      "Timer function 'KeepAlive' has an invalid schedule '%KeepAliveSchedule%' (resolved to '0 0 99 * * *')",
    );
    await expect(spawnHost({ appRoot: TIMER_APP, env: { ...env(), KeepAliveSchedule: '' } })).rejects.toThrow(
      "'%KeepAliveSchedule%' does not resolve to a value",
    );
  });
});
