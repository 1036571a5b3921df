import type { HistoryEvent } from '../../local/durable-host/history';
import { EventType } from '../../local/durable-host/history';
import type { EpisodeWrite } from '../../local/durable-host/durable-store';
import { MemoryDurableStore } from '../../local/durable-host/memory-durable-store';
import { inProcessEngine } from '../support/in-process-engine';

const output = (state: { output: string | null }) => (state.output === null ? null : JSON.parse(state.output));
const ofType = (history: HistoryEvent[], type: number) => history.filter((e) => e.EventType === type);
const HOUR = 3600_000;

describe('local durable engine with the real SDK', () => {
  it('runs activities in sequence, numbering tasks as the SDK does', async () => {
    const host = inProcessEngine();
    const state = await host.run('Sequence', 'seq-1', ['A', 'B']);
    expect(state.status).toBe('Completed');
    expect(output(state)).toEqual(['Hello A!', 'Hello B!']);
    const history = await host.engine.getHistory(state);
    expect(ofType(history, EventType.TaskScheduled).map((e) => [e.EventId, e.Name])).toEqual([
      [0, 'Hello'],
      [1, 'Hello'],
    ]);
    expect(ofType(history, EventType.TaskCompleted).map((e) => e.TaskScheduledId)).toEqual([0, 1]);
    expect(history[0].EventType).toBe(EventType.OrchestratorStarted);
    expect(history[1].EventType).toBe(EventType.ExecutionStarted);
  });

  it('retries with backoff timers on the clock and succeeds within the attempts', async () => {
    const host = inProcessEngine();
    let state = await host.run('Retry', 'retry-ok', { key: 'retry-ok', failTimes: 2, attempts: 3 });
    expect(state.status).toBe('Running');
    host.clock.advance(1000);
    await new Promise((r) => setTimeout(r, 20));
    [state] = await host.settle();
    expect(state.status).toBe('Running');
    host.clock.advance(1000);
    await new Promise((r) => setTimeout(r, 20));
    [state] = await host.settle();
    expect(state.status).toBe('Completed');
    expect(output(state)).toBe('ok after 2 failures');
    const history = await host.engine.getHistory(state);
    // attempt 0, timer 1, attempt 2, timer 3, attempt 4
    expect(ofType(history, EventType.TaskScheduled).map((e) => e.EventId)).toEqual([0, 2, 4]);
    expect(ofType(history, EventType.TimerCreated).map((e) => e.EventId)).toEqual([1, 3]);
    expect(ofType(history, EventType.TaskFailed).map((e) => e.TaskScheduledId)).toEqual([0, 2]);
  });

  // DurableTask.Core's RetryInterceptor (Azure/durabletask, src/DurableTask.Core/RetryInterceptor.cs) creates a timer
  // after the last failure too, for old histories' sake, but due at the orchestration's current time.
  it('gives up right after the last attempt: the timer after the last failure is due at once', async () => {
    const host = inProcessEngine();
    await host.run('Retry', 'retry-fail', { key: 'retry-fail', failTimes: 9, attempts: 2 });
    host.clock.advance(1000);
    await new Promise((r) => setTimeout(r, 20));
    const [state] = await host.settle();
    expect(state.status).toBe('Completed');
    expect(output(state)).toMatch(/^gave up: Activity function 'Flaky' failed: {2}flaky failure 2/);
    const history = await host.engine.getHistory(state);
    expect(ofType(history, EventType.TimerCreated).map((e) => e.EventId)).toEqual([1, 3]);
    expect(ofType(history, EventType.TimerFired).map((e) => e.TimerId)).toEqual([1, 3]);
  });

  // A cancelled long timer (Azure/azure-functions-durable-extension, DurableOrchestrationContext.CreateTimer: the
  // out-of-process shim cancels its loop when the action comes back with isCanceled) creates no further sub-timer.
  it('stops a cancelled long timer after its pending sub-timer', async () => {
    const DAY = 24 * HOUR;
    const host = inProcessEngine();
    await host.run('ConformanceLongTimerCancelled', 'long-cancel', { timeoutMs: 7 * DAY });
    expect(await host.engine.raiseEvent('long-cancel', 'Approve', JSON.stringify('ops'))).toBe('accepted');
    let [state] = await host.settle();
    expect(state.status).toBe('Running');
    host.clock.advance(3 * DAY);
    await new Promise((r) => setTimeout(r, 20));
    [state] = await host.settle();
    const history = await host.engine.getHistory(state);
    expect(ofType(history, EventType.TimerCreated).map((e) => e.FireAt)).toHaveLength(1);
    expect(ofType(history, EventType.TimerFired)).toHaveLength(1);
    expect(state.status).toBe('Running');
    expect(await host.engine.raiseEvent('long-cancel', 'Done', undefined)).toBe('accepted');
    [state] = await host.settle();
    expect(output(state)).toEqual({ approvedBy: 'ops' });
  });

  // Replaying a long timer cancelled after its first sub-timer fired, the extension's out-of-process shim creates that
  // sub-timer and cancels it at once, so the second one is created no more and DurableTask.Core's
  // TaskOrchestrationContext.HandleTimerCreatedEvent finds no task, or another, for its ID: the instance fails with its
  // message (seen on the extension: test/reference/sample-long-timers-conformance.test.ts).
  it('fails an instance whose long timer is cancelled after its first sub-timer fired, as the extension does', async () => {
    const DAY = 24 * HOUR;
    const host = inProcessEngine();
    await host.run('ConformanceLongTimerCancelled', 'long-cancel-late', { timeoutMs: 7 * DAY });
    host.clock.advance(3 * DAY);
    await new Promise((r) => setTimeout(r, 20));
    await host.settle();
    expect(await host.engine.raiseEvent('long-cancel-late', 'Approve', JSON.stringify('ops'))).toBe('accepted');
    const [state] = await host.settle();
    expect(state.status).toBe('Failed');
    expect(output(state)).toBe(
      "Non-Deterministic workflow detected: A previous execution of this orchestration scheduled a timer task with sequence number 1 but the current replay execution hasn't (yet?) scheduled this task. Was a change made to the orchestrator code after this instance had already started running?",
    );
  });

  it("says which task took the lost sub-timer's ID when the orchestrator schedules an activity after the cancellation", async () => {
    const DAY = 24 * HOUR;
    const host = inProcessEngine();
    await host.run('ConformanceGatedApproval', 'gated-late', { timeoutMs: 7 * DAY });
    expect(await host.engine.raiseEvent('gated-late', 'Gate', 'null')).toBe('accepted');
    await host.settle();
    host.clock.advance(3 * DAY);
    await new Promise((r) => setTimeout(r, 20));
    await host.settle();
    expect(await host.engine.raiseEvent('gated-late', 'Approve', JSON.stringify('ops'))).toBe('accepted');
    const [state] = await host.settle();
    expect(state.status).toBe('Failed');
    expect(output(state)).toBe(
      'Non-Deterministic workflow detected: A previous execution of this orchestration scheduled a timer task with sequence number 1 named but the current orchestration replay instead produced a ScheduleTaskOrchestratorAction action with this sequence number. Was a change made to the orchestrator code after this instance had already started running?',
    );
  });

  it('takes the external event when it wins the race against the timer', async () => {
    const host = inProcessEngine();
    let state = await host.run('Approval', 'approve-1', { timeoutMs: 24 * HOUR });
    expect(JSON.parse(state.customStatus as string)).toEqual({ step: 'waiting' });
    expect(await host.engine.raiseEvent('approve-1', 'Approval', JSON.stringify({ by: 'ops' }))).toBe('accepted');
    [state] = await host.settle();
    expect(state.status).toBe('Completed');
    expect(output(state)).toEqual({ approvedBy: 'ops' });
    expect(JSON.parse(state.customStatus as string)).toEqual({ step: 'approved' });
  });

  it('takes the timer when days pass on the injectable clock', async () => {
    const host = inProcessEngine();
    await host.run('Approval', 'approve-2', { timeoutMs: 7 * 24 * HOUR });
    host.clock.advance(7 * 24 * HOUR + 1);
    await new Promise((r) => setTimeout(r, 20));
    const [state] = await host.settle();
    expect(state.status).toBe('Completed');
    expect(output(state)).toBe('expired');
    expect(await host.engine.raiseEvent('approve-2', 'Approval', '{}')).toBe('notRunning');
  });

  it('keeps an event that arrives before the orchestration waits for it', async () => {
    const host = inProcessEngine();
    await host.engine.start('EarlyEvent', 'early-1', undefined);
    expect(await host.engine.raiseEvent('early-1', 'Go', JSON.stringify({ go: true }))).toBe('accepted');
    const state = await host.run('EarlyEvent', 'early-1').catch(() => undefined);
    expect(state).toBeDefined();
    await host.engine.whenIdle();
    const final = await host.engine.getState('early-1');
    expect(final?.status).toBe('Completed');
    expect(output(final as { output: string | null })).toEqual({ go: true });
  });

  it('holds an event no wait can take for the next episode, keeping the time it was raised', async () => {
    const host = inProcessEngine();
    await host.engine.start('EarlyEvent', 'held-1', undefined);
    // Wait until the first episode ran (the Slow activity, 50 ms, is then running).
    for (let i = 0; i < 40 && (await host.engine.getState('held-1'))?.awaitedEvents === undefined; i++)
      await new Promise((r) => setTimeout(r, 1));
    const raisedFrom = host.clock.now();
    expect(await host.engine.raiseEvent('held-1', 'Go', JSON.stringify('held'))).toBe('accepted');
    const raisedTo = host.clock.now();
    host.clock.advance(HOUR);
    await host.engine.whenIdle();
    const state = (await host.engine.getState('held-1'))!;
    expect(state.status).toBe('Completed');
    expect(output(state)).toBe('held');
    expect(host.engine.episodes).toBe(2);
    const history = await host.engine.getHistory(state);
    const raised = ofType(history, EventType.EventRaised)[0];
    const episodeStart = ofType(history, EventType.OrchestratorStarted)[1];
    expect(Date.parse(raised.Timestamp)).toBeGreaterThanOrEqual(raisedFrom);
    expect(Date.parse(raised.Timestamp)).toBeLessThanOrEqual(raisedTo);
    expect(Date.parse(episodeStart.Timestamp) - raisedTo).toBeGreaterThanOrEqual(HOUR);
    expect((await host.store.loadPending()).messages).toEqual([]);
  });

  it('consumes an event nobody waits for when the orchestration ends, leaving no rows', async () => {
    const host = inProcessEngine();
    await host.run('Approval', 'unheard-1', { timeoutMs: HOUR });
    expect(await host.engine.raiseEvent('unheard-1', 'SomethingElse', '{}')).toBe('accepted');
    await host.settle();
    expect((await host.store.loadPending()).messages).toHaveLength(2); // the timer and the held event
    host.clock.advance(HOUR);
    await new Promise((r) => setTimeout(r, 20));
    const [state] = await host.settle();
    expect(output(state)).toBe('expired');
    expect((await host.store.loadPending()).messages).toEqual([]);
    expect(ofType(await host.engine.getHistory(state), EventType.EventRaised).map((e) => e.Name)).toEqual([
      'SomethingElse',
    ]);
  });

  it('fans out with Task.all and numbers the tasks depth-first', async () => {
    const host = inProcessEngine();
    const state = await host.run('FanOut', 'fan-1', 4);
    expect(output(state)).toEqual(['Hello n0!', 'Hello n1!', 'Hello n2!', 'Hello n3!']);
    const history = await host.engine.getHistory(state);
    expect(ofType(history, EventType.TaskScheduled).map((e) => [e.EventId, e.Input])).toEqual([
      [0, '"n0"'],
      [1, '"n1"'],
      [2, '"n2"'],
      [3, '"n3"'],
    ]);
  });

  it('continues as new with a fresh history until done', async () => {
    const host = inProcessEngine();
    const state = await host.run('Counter', 'counter-1', 0);
    expect(state.status).toBe('Completed');
    expect(output(state)).toBe(3);
    const history = await host.engine.getHistory(state);
    expect(ofType(history, EventType.ExecutionStarted).map((e) => e.Input)).toEqual(['3']);
  });

  it("voids the timers of an execution that continued as new: only the new execution's timer fires", async () => {
    const host = inProcessEngine();
    await host.run('EventLoop', 'loop-timers', { count: 0, until: 5 });
    expect(await host.engine.raiseEvent('loop-timers', 'Next', undefined)).toBe('accepted');
    await host.settle();
    host.clock.advance(2 * HOUR); // the first execution's cancelled timer and the second's are both due
    await new Promise((r) => setTimeout(r, 20));
    const [state] = await host.settle();
    expect(state.status).toBe('Completed');
    expect(output(state)).toEqual({ quietAfter: 1 });
    expect(host.logs.filter((l) => /failed and will be retried/.test(l))).toEqual([]);
    expect((await host.store.loadPending()).messages).toEqual([]);
  });

  it('gives an event raised while the instance continues as new to the new execution', async () => {
    const host = inProcessEngine();
    await host.run('EventLoop', 'loop-events', { count: 0, until: 2 });
    // The second is sent while the first one's episode continues as new, addressed to the execution it knew.
    await Promise.all([
      host.engine.raiseEvent('loop-events', 'Next', undefined),
      host.engine.raiseEvent('loop-events', 'Next', undefined),
    ]);
    const [state] = await host.settle();
    expect(state.status).toBe('Completed');
    expect(output(state)).toEqual({ counted: 2 });
  });

  it('goes on once when the store committed an episode but its answer was lost, running no activity twice', async () => {
    class LostAnswers extends MemoryDurableStore {
      lose = 2;
      async writeEpisode(write: EpisodeWrite): Promise<void> {
        await super.writeEpisode(write);
        if (this.lose-- > 0) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
    }
    const host = inProcessEngine(new LostAnswers());
    const state = await host.run('Sequence', 'lost-answer', ['a', 'b']);
    expect(state.status).toBe('Completed');
    expect(output(state)).toEqual(['Hello a!', 'Hello b!']);
    const history = await host.engine.getHistory(state);
    expect(ofType(history, EventType.TaskScheduled)).toHaveLength(2);
    expect(host.logs.filter((l) => /failed and will be retried/.test(l))).toEqual([]);
  });

  it('leaves out a message whose row is gone (a duplicate) instead of failing the instance for good', async () => {
    class DuplicateOnce extends MemoryDurableStore {
      duplicated = false;
      async writeEpisode(write: EpisodeWrite): Promise<void> {
        const event = write.deleteRows.find(
          (rowKey) =>
            rowKey.startsWith('m-') &&
            !this.duplicated &&
            write.newEvents.some((e) => e.EventType === EventType.EventRaised),
        );
        // As if another delivery of the same event had consumed its row already.
        if (event) {
          this.duplicated = true;
          await this.deleteRow(write.state.instanceId, event);
        }
        return super.writeEpisode(write);
      }
    }
    const host = inProcessEngine(new DuplicateOnce());
    await host.run('EventLoop', 'dup-event', { count: 0, until: 1 });
    expect(await host.engine.raiseEvent('dup-event', 'Next', undefined)).toBe('accepted');
    await host.settle();
    expect(host.logs.some((l) => /failed and will be retried/.test(l))).toBe(true);
    // The duplicate is dropped; the instance still takes the next event.
    await new Promise((r) => setTimeout(r, 1100));
    expect(await host.engine.raiseEvent('dup-event', 'Next', undefined)).toBe('accepted');
    const [state] = await host.settle();
    expect(state.status).toBe('Completed');
    expect(output(state)).toEqual({ counted: 1 });
    expect(host.logs.filter((l) => /failed and will be retried/.test(l))).toHaveLength(1);
  });

  it('captures an orchestrator failure with its message', async () => {
    const host = inProcessEngine();
    const state = await host.run('Failing', 'fail-1');
    expect(state.status).toBe('Failed');
    expect(output(state)).toMatch(/orchestrator broke on purpose/);
  });

  it('terminates a waiting instance, drops its timer, and purges it', async () => {
    const host = inProcessEngine();
    await host.run('Approval', 'term-1', { timeoutMs: HOUR });
    expect(await host.engine.purge('term-1')).toBe('running');
    expect(await host.engine.terminate('term-1', 'no longer needed')).toBe('accepted');
    const [state] = await host.settle();
    expect(state.status).toBe('Terminated');
    expect(output(state)).toBe('no longer needed');
    expect((await host.store.loadPending()).messages).toEqual([]);
    expect(await host.engine.purge('term-1')).toBe('purged');
    expect(await host.engine.getState('term-1')).toBeUndefined();
    expect(await host.engine.raiseEvent('term-1', 'Approval', '{}')).toBe('notFound');
  });

  it('refuses a second start of a running instance id but restarts a finished one', async () => {
    const host = inProcessEngine();
    await host.run('Approval', 'dup-1', { timeoutMs: HOUR });
    expect(await host.engine.start('Approval', 'dup-1', '{"timeoutMs":1}')).toBe('conflict');
    await host.run('Sequence', 'dup-2', ['x']);
    expect(await host.engine.start('Sequence', 'dup-2', '["y"]')).toBe('created');
    await host.engine.whenIdle();
    expect(output((await host.engine.getState('dup-2'))!)).toEqual(['Hello y!']);
  });

  it('rejects unknown orchestrators and malformed instance ids', async () => {
    const host = inProcessEngine();
    await expect(host.engine.start('Nope', 'x-1', undefined)).rejects.toThrow(/No orchestrator function named 'Nope'/);
    await expect(host.engine.start('Sequence', 'bad/id', undefined)).rejects.toThrow(/Invalid instance id/);
  });
});
