import * as path from 'node:path';
import type { RunningHost } from '../../local/durable-host/host';
import { startHost } from '../../local/durable-host/host';
import { MemoryDurableStore } from '../../local/durable-host/memory-durable-store';
import { REPO_ROOT } from '../support/in-process-engine';

const PERIOD = 6 * 3600_000;
const turn = () => new Promise((resolve) => setImmediate(resolve));

async function until(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('Timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('timer triggers in the in-process host over the memory store', () => {
  const store = new MemoryDurableStore();
  const logs: string[] = [];
  let host: RunningHost;
  const keepAlive = () => host.timers.list().find((t) => t.name === 'KeepAlive')!;

  beforeAll(async () => {
    host = await startHost({
      appRoot: path.join(REPO_ROOT, 'test', 'fixtures', 'timer-app'),
      settings: {
        LocalHost__MasterKey: 'm',
        LocalHost__FunctionKey: 'f',
        TimerHub: 'TimerHub',
        KeepAliveSchedule: '0 0 */6 * * *',
      },
      port: 0,
      store,
      log: (level, _category, fn, message) => logs.push(`${level} ${fn}: ${message}`),
    });
  });
  afterAll(() => host?.stop());

  it('persists the schedule status in the store when an occurrence runs', async () => {
    const initial = await store.loadTimerStatus('KeepAlive');
    expect(initial).toEqual({ next: Date.parse(keepAlive().next!), lastUpdated: expect.any(Number) });
    expect(initial!.last).toBeUndefined();
    // Half a period past the occurrence: exactly one is due.
    host.clock.advance(initial!.next - host.clock.now() + PERIOD / 2);
    await until(() => keepAlive().invocationCount === 1 && !keepAlive().running);
    expect(await store.loadTimerStatus('KeepAlive')).toEqual({
      last: initial!.next,
      next: initial!.next + PERIOD,
      lastUpdated: expect.any(Number),
    });
    expect(
      logs.some((l) =>
        /^information KeepAlive: Executing 'Functions.KeepAlive' \(Reason='Timer fired at [-\d]+T[:.\d]+\+00:00'\)$/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect(
      logs.some((l) => /^information KeepAlive: Executed 'Functions.KeepAlive' \(Succeeded, Duration=\d+ms\)$/.test(l)),
    ).toBe(true);
  });

  it('fires nothing once stopped', async () => {
    await host.stop();
    const before = await store.loadTimerStatus('KeepAlive');
    host.clock.advance(3 * PERIOD);
    await turn();
    await turn();
    expect(keepAlive()).toMatchObject({ invocationCount: 1, running: false });
    expect(await store.loadTimerStatus('KeepAlive')).toEqual(before);
  });
});
