import type { InstanceState } from '../../local/durable-host/durable-store';
import type { OrchestratorRun } from '../../local/durable-host/episode';
import type { HistoryEvent } from '../../local/durable-host/history';
import { EventType } from '../../local/durable-host/history';
import type { OrchestratorAction, OrchestratorState } from '../../local/durable-host/orchestrator-state';
import { ActionType } from '../../local/durable-host/orchestrator-state';
import type { InProcessEngine } from '../support/in-process-engine';
import { inProcessEngine, sampleAppFunctions } from '../support/in-process-engine';
import { episodes, HistoryBuilder, skeleton } from '../support/history-builder';

/**
 * Conformance of the local Durable host with the SDK's own recorded histories
 * (Azure/azure-functions-durable-js, test/testobjects/testhistories.ts and the specs using it).
 *
 * a) Histories shaped as the Durable Task extension records them are replayed through the real
 *    SDK handler (via the library's invocation model, as the host does), and the returned actions
 *    and results are checked: this pins down the task-id numbering the SDK expects.
 * b) The same orchestrators run end to end on our engine, and the history it writes must number
 *    and order events exactly as those SDK-shaped histories do.
 */

const SECOND = 1000;
const HOUR = 3600 * SECOND;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const functions = sampleAppFunctions();

/** Replays `history` through the SDK's orchestration handler, as one episode of our host does. */
function replay(name: string, input: unknown, history: HistoryEvent[]): Promise<OrchestratorRun> {
  const state: InstanceState = {
    instanceId: `conformance-${name}`,
    name,
    executionId: 'execution-1',
    status: 'Running',
    input: input === undefined ? null : JSON.stringify(input),
    output: null,
    customStatus: null,
    createdAt: new Date(0).toISOString(),
    lastUpdatedAt: new Date(0).toISOString(),
    historyStart: 0,
    nextSeq: history.length,
    actionsSeen: 0,
    nextTaskId: 0,
    retries: {},
  };
  return functions.runOrchestrator(name, history, state);
}

/** The state of a replay that did not fail (fails the test with the orchestrator's error otherwise). */
function succeeded(run: OrchestratorRun): OrchestratorState {
  if ('failure' in run) throw new Error(`expected the orchestrator to run, but it failed: ${run.failure}`);
  return run.state;
}

function failed(run: OrchestratorRun): { failure: string; state?: OrchestratorState } {
  if (!('failure' in run)) throw new Error(`expected the orchestrator to fail, got ${JSON.stringify(run.state)}`);
  return run;
}

/** With replay schema V3 the SDK sends all actions since the start as one list. */
function actionsOf(state: OrchestratorState): OrchestratorAction[] {
  expect(state.actions).toHaveLength(1);
  return state.actions[0];
}

const greet = (input: string): OrchestratorAction => ({
  actionType: ActionType.CallActivity,
  functionName: 'ConformanceGreet',
  input: JSON.stringify(input),
});
const greetWithRetry = (
  input: string,
  firstRetryIntervalInMilliseconds: number,
  maxNumberOfAttempts: number,
  extra = {},
): OrchestratorAction => ({
  actionType: ActionType.CallActivityWithRetry,
  functionName: 'ConformanceGreet',
  input: JSON.stringify(input),
  retryOptions: { firstRetryIntervalInMilliseconds, maxNumberOfAttempts, ...extra },
});
const timer = (fireAt: string, isCanceled: boolean): OrchestratorAction => ({
  actionType: ActionType.CreateTimer,
  fireAt,
  isCanceled,
});
const waitFor = (externalEventName: string): OrchestratorAction =>
  ({
    actionType: ActionType.WaitForExternalEvent,
    externalEventName,
    reason: 'ExternalEvent',
  }) as OrchestratorAction;
const whenAny = (...compoundActions: OrchestratorAction[]): OrchestratorAction => ({
  actionType: ActionType.WhenAny,
  compoundActions,
});
const whenAll = (...compoundActions: OrchestratorAction[]): OrchestratorAction => ({
  actionType: ActionType.WhenAll,
  compoundActions,
});

const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
const scheduled = (history: HistoryEvent[]) =>
  history
    .filter((e) => e.EventType === EventType.TaskScheduled)
    .map((e) => ({ id: e.EventId, name: e.Name, input: e.Input }));

/** Moves the engine's clock and waits (by event-loop order, not by time) until the timers it released have been processed. */
async function advance(host: InProcessEngine, ms: number): Promise<InstanceState[]> {
  host.clock.advance(ms);
  // The clock releases due timers with setImmediate; ours runs after them.
  await new Promise((resolve) => setImmediate(resolve));
  return host.settle();
}

async function engineHistory(host: InProcessEngine, state: InstanceState): Promise<HistoryEvent[]> {
  return host.engine.getHistory(state);
}

// ---------------------------------------------------------------------------------------------
// Recorded-shape histories (one function per scenario, in the extension's episode layout)
// ---------------------------------------------------------------------------------------------

const RETRY_INTERVAL = 10 * SECOND;
const retryInput = (name: string, attempts: number) => ({ name, firstRetryMs: RETRY_INTERVAL, attempts });
// As the extension records it: the message cut from the Functions host's `\nException: <message>`, its space kept.
const failureReason = (n: number) => `Activity function 'ConformanceGreet' failed:  greeting failed (${n})`;

/**
 * CallActivityWithRetry with two attempts, both failing: activity 0, retry timer 1, activity 2,
 * retry timer 3 (created after the LAST failure too). `upTo` cuts the history after that step.
 */
function retryHistory(name: string, upTo: 'start' | 'fail0' | 'timer1' | 'fail2' | 'timer3'): HistoryBuilder {
  const b = new HistoryBuilder();
  b.episode(0).executionStarted('ConformanceRetry', retryInput(name, 2));
  if (upTo === 'start') return b;
  b.taskScheduled(0, 'ConformanceGreet', name).endEpisode();
  b.episode(30 * SECOND).taskFailed(0, failureReason(1));
  if (upTo === 'fail0') return b;
  b.timerCreated(1, 40 * SECOND).endEpisode();
  b.episode(50 * SECOND).timerFired(1, 40 * SECOND);
  if (upTo === 'timer1') return b;
  b.taskScheduled(2, 'ConformanceGreet', name).endEpisode();
  b.episode(70 * SECOND).taskFailed(2, failureReason(2));
  if (upTo === 'fail2') return b;
  b.timerCreated(3, 80 * SECOND).endEpisode();
  b.episode(90 * SECOND).timerFired(3, 80 * SECOND);
  return b;
}

describe('a) the SDK replays histories shaped as the extension records them', () => {
  describe('(i) CallActivityWithRetry: activity 0, timer 1, activity 2, timer 3', () => {
    const name = 'Tokyo';
    const action = greetWithRetry(name, RETRY_INTERVAL, 2);

    it('schedules the activity once, as a single CallActivityWithRetry action', async () => {
      const state = succeeded(
        await replay('ConformanceRetry', retryInput(name, 2), retryHistory(name, 'start').build()),
      );
      expect(state.isDone).toBe(false);
      expect(actionsOf(state)).toEqual([action]);
    });

    it('keeps waiting after the first failure and after its retry timer fired (no new actions: the extension retries)', async () => {
      for (const step of ['fail0', 'timer1'] as const) {
        const state = succeeded(
          await replay('ConformanceRetry', retryInput(name, 2), retryHistory(name, step).build()),
        );
        expect({ step, isDone: state.isDone, actions: actionsOf(state) }).toEqual({
          step,
          isDone: false,
          actions: [action],
        });
      }
    });

    it('does not fail the task at the last failure: it waits for the timer created after it', async () => {
      const state = succeeded(
        await replay('ConformanceRetry', retryInput(name, 2), retryHistory(name, 'fail2').build()),
      );
      expect(state.isDone).toBe(false);
      expect(state.error).toBeUndefined();
      expect(actionsOf(state)).toEqual([action]);
    });

    it('fails the task (and the orchestrator, which does not catch) once timer 3 fired', async () => {
      const run = failed(await replay('ConformanceRetry', retryInput(name, 2), retryHistory(name, 'timer3').build()));
      expect(run.failure).toContain(failureReason(2));
      expect(run.state).toBeDefined();
      expect(run.state?.isDone).toBe(false);
      expect(run.state?.error).toContain(failureReason(2));
      expect(run.state?.actions).toEqual([[action]]);
    });

    it('hangs silently if the timer after the last failure carries another id (what a misnumbering host causes)', async () => {
      const b = retryHistory(name, 'fail2');
      b.timerCreated(4, 80 * SECOND).endEpisode();
      b.episode(90 * SECOND).timerFired(4, 80 * SECOND);
      const state = succeeded(await replay('ConformanceRetry', retryInput(name, 2), b.build()));
      expect(state.isDone).toBe(false);
      expect(state.error).toBeUndefined();
    });

    it('returns the result when the second attempt (task 2) succeeds', async () => {
      const b = retryHistory(name, 'timer1');
      b.taskScheduled(2, 'ConformanceGreet', name).endEpisode();
      b.episode(70 * SECOND).taskCompleted(2, `Hello, ${name}!`);
      const state = succeeded(await replay('ConformanceRetry', retryInput(name, 2), b.build()));
      expect(state.isDone).toBe(true);
      expect(state.output).toBe(`Hello, ${name}!`);
      expect(actionsOf(state)).toEqual([action]);
    });

    it('sends backoff options through unchanged', async () => {
      const input = { name, firstRetryMs: 500, attempts: 4, backoff: 2 };
      const b = new HistoryBuilder().episode(0).executionStarted('ConformanceRetry', input);
      const state = succeeded(await replay('ConformanceRetry', input, b.build()));
      expect(actionsOf(state)).toEqual([greetWithRetry(name, 500, 4, { backoffCoefficient: 2 })]);
    });
  });

  describe("(vi) retries inside Task.all (the SDK's retry fan-out shape)", () => {
    const input = { names: ['flaky1:Tokyo', 'Seattle'], firstRetryMs: 100, attempts: 5 };
    const history = (): HistoryBuilder => {
      const b = new HistoryBuilder();
      b.episode(0)
        .executionStarted('ConformanceRetryFanOut', input)
        .taskScheduled(0, 'ConformanceGreet', 'flaky1:Tokyo')
        .taskScheduled(1, 'ConformanceGreet', 'Seattle')
        .endEpisode();
      // The failure's retry timer takes the next id (2) before the other task's completion is processed.
      b.episode(150)
        .taskFailed(0, failureReason(1))
        .timerCreated(2, 250)
        .taskCompleted(1, 'Hello, Seattle!')
        .endEpisode();
      b.episode(300).timerFired(2, 250).taskScheduled(3, 'ConformanceGreet', 'flaky1:Tokyo').endEpisode();
      b.episode(400).taskCompleted(3, 'Hello, flaky1:Tokyo!');
      return b;
    };

    it('numbers the retried attempt after the retry timer and completes Task.all with both results', async () => {
      const state = succeeded(await replay('ConformanceRetryFanOut', input, history().build()));
      expect(state.isDone).toBe(true);
      expect(state.output).toEqual(['Hello, flaky1:Tokyo!', 'Hello, Seattle!']);
      expect(actionsOf(state)).toEqual([
        whenAll(greetWithRetry('flaky1:Tokyo', 100, 5), greetWithRetry('Seattle', 100, 5)),
      ]);
    });
  });

  describe('(ii) a cancelled timer (timer 0 races activity 1; the activity wins)', () => {
    const input = { timeoutMs: 60 * SECOND, name: 'Tokyo' };
    const fireAt = new HistoryBuilder().at(60 * SECOND);
    const base = (): HistoryBuilder =>
      new HistoryBuilder().episode(0).executionStarted('ConformanceCancelTimer', input);

    it('first asks for the timer and the activity, depth-first inside Task.any', async () => {
      const state = succeeded(await replay('ConformanceCancelTimer', input, base().build()));
      expect(state.isDone).toBe(false);
      expect(actionsOf(state)).toEqual([whenAny(timer(fireAt, false), greet('Tokyo'))]);
    });

    it('marks the timer action isCanceled and schedules the next activity (task 2) when activity 1 wins', async () => {
      const b = base()
        .timerCreated(0, 60 * SECOND)
        .taskScheduled(1, 'ConformanceGreet', 'Tokyo')
        .endEpisode();
      b.episode(1 * SECOND).taskCompleted(1, 'Hello, Tokyo!');
      const state = succeeded(await replay('ConformanceCancelTimer', input, b.build()));
      expect(state.isDone).toBe(false);
      expect(actionsOf(state)).toEqual([whenAny(timer(fireAt, true), greet('Tokyo')), greet('after Tokyo')]);
    });

    it('ignores the cancelled timer firing later and completes with task 2', async () => {
      const b = base()
        .timerCreated(0, 60 * SECOND)
        .taskScheduled(1, 'ConformanceGreet', 'Tokyo')
        .endEpisode();
      b.episode(1 * SECOND)
        .taskCompleted(1, 'Hello, Tokyo!')
        .taskScheduled(2, 'ConformanceGreet', 'after Tokyo')
        .endEpisode();
      b.episode(60 * SECOND)
        .timerFired(0, 60 * SECOND)
        .endEpisode();
      const waiting = succeeded(await replay('ConformanceCancelTimer', input, b.build()));
      expect(waiting.isDone).toBe(false);
      b.episode(61 * SECOND).taskCompleted(2, 'Hello, after Tokyo!');
      const state = succeeded(await replay('ConformanceCancelTimer', input, b.build()));
      expect(state.isDone).toBe(true);
      expect(state.output).toBe('Hello, after Tokyo!');
      expect(actionsOf(state)).toEqual([whenAny(timer(fireAt, true), greet('Tokyo')), greet('after Tokyo')]);
    });

    it('takes the timer when it fires first (not cancelled)', async () => {
      const b = base()
        .timerCreated(0, 60 * SECOND)
        .taskScheduled(1, 'ConformanceGreet', 'Tokyo')
        .endEpisode();
      b.episode(61 * SECOND).timerFired(0, 60 * SECOND);
      const state = succeeded(await replay('ConformanceCancelTimer', input, b.build()));
      expect(state.isDone).toBe(true);
      expect(state.output).toBe('timer won');
      expect(actionsOf(state)).toEqual([whenAny(timer(fireAt, false), greet('Tokyo'))]);
    });
  });

  describe('(ii) a timer created and cancelled in the same episode (the approval was raised before the gate)', () => {
    const input = { timeoutMs: HOUR };
    const gateOpened = (): HistoryBuilder => {
      const b = new HistoryBuilder().episode(0).executionStarted('ConformanceGatedApproval', input).endEpisode();
      b.episode(SECOND).eventRaised('Approve', 'ops').endEpisode();
      b.episode(2 * SECOND).eventRaised('Gate');
      return b;
    };
    // The timer is created in the episode that opens the gate, at that episode's time.
    const fireAt = new HistoryBuilder().at(2 * SECOND + HOUR);

    it('still asks for the (already cancelled) timer before the next activity', async () => {
      const state = succeeded(await replay('ConformanceGatedApproval', input, gateOpened().build()));
      expect(state.isDone).toBe(false);
      expect(actionsOf(state)).toEqual([
        waitFor('Gate'),
        whenAny(waitFor('Approve'), timer(fireAt, true)),
        greet('approved by ops'),
      ]);
    });

    it('the cancelled timer takes id 0, so the activity is task 1', async () => {
      const b = gateOpened()
        .timerCreated(0, 2 * SECOND + HOUR)
        .taskScheduled(1, 'ConformanceGreet', 'approved by ops')
        .endEpisode();
      b.episode(3 * SECOND).taskCompleted(1, 'Hello, approved by ops!');
      const state = succeeded(await replay('ConformanceGatedApproval', input, b.build()));
      expect(state.isDone).toBe(true);
      expect(state.output).toBe('Hello, approved by ops!');
    });

    it('hangs silently if the cancelled timer took no id and the activity was numbered 0', async () => {
      const b = gateOpened().taskScheduled(0, 'ConformanceGreet', 'approved by ops').endEpisode();
      b.episode(3 * SECOND).taskCompleted(0, 'Hello, approved by ops!');
      const state = succeeded(await replay('ConformanceGatedApproval', input, b.build()));
      expect(state.isDone).toBe(false);
      expect(state.error).toBeUndefined();
    });
  });

  describe('(iii) Task.any of an external event and a timer', () => {
    const input = { timeoutMs: 300 * SECOND };
    const fireAt = new HistoryBuilder().at(300 * SECOND);
    const waiting = (): HistoryBuilder =>
      new HistoryBuilder()
        .episode(0)
        .executionStarted('ConformanceAnyEventOrTimer', input)
        .timerCreated(0, 300 * SECOND)
        .endEpisode();

    it('asks for the event (no task id) and the timer (task id 0)', async () => {
      const b = new HistoryBuilder().episode(0).executionStarted('ConformanceAnyEventOrTimer', input);
      const state = succeeded(await replay('ConformanceAnyEventOrTimer', input, b.build()));
      expect(state.isDone).toBe(false);
      expect(actionsOf(state)).toEqual([whenAny(waitFor('Approve'), timer(fireAt, false))]);
    });

    it('event wins: completes with the event data and cancels timer 0', async () => {
      const b = waiting();
      b.episode(2500).eventRaised('Approve', { by: 'ops' });
      const state = succeeded(await replay('ConformanceAnyEventOrTimer', input, b.build()));
      expect(state.isDone).toBe(true);
      expect(state.output).toEqual({ approvedBy: { by: 'ops' } });
      expect(actionsOf(state)).toEqual([whenAny(waitFor('Approve'), timer(fireAt, true))]);
    });

    it('an event of another name does not win', async () => {
      const b = waiting();
      b.episode(2500).eventRaised('Reject', { by: 'ops' });
      const state = succeeded(await replay('ConformanceAnyEventOrTimer', input, b.build()));
      expect(state.isDone).toBe(false);
      expect(actionsOf(state)).toEqual([whenAny(waitFor('Approve'), timer(fireAt, false))]);
    });

    it('timer wins: TimerFired for id 0 completes it, the timer stays uncancelled', async () => {
      const b = waiting();
      b.episode(301 * SECOND).timerFired(0, 300 * SECOND);
      const state = succeeded(await replay('ConformanceAnyEventOrTimer', input, b.build()));
      expect(state.isDone).toBe(true);
      expect(state.output).toBe('timed out');
      expect(actionsOf(state)).toEqual([whenAny(waitFor('Approve'), timer(fireAt, false))]);
    });
  });

  describe('(iv) continueAsNew', () => {
    it('returns a ContinueAsNew action (type 4) with the new input, isDone true', async () => {
      const input = { value: 1, until: 5 };
      const b = new HistoryBuilder()
        .episode(0)
        .executionStarted('ConformanceContinueAsNew', input)
        .taskScheduled(0, 'ConformanceGreet', 'round 1')
        .endEpisode();
      b.episode(SECOND).taskCompleted(0, 'Hello, round 1!');
      const state = succeeded(await replay('ConformanceContinueAsNew', input, b.build()));
      expect(state.isDone).toBe(true);
      expect(state.output).toBe(2);
      expect(actionsOf(state)).toEqual([
        greet('round 1'),
        { actionType: ActionType.ContinueAsNew, input: { value: 2, until: 5 } },
      ]);
    });
  });

  describe('(v) an event raised before the orchestration waits for it', () => {
    const history = (): HistoryBuilder => {
      const b = new HistoryBuilder().episode(0).executionStarted('ConformanceEventsInOrder').endEpisode();
      b.episode(SECOND).eventRaised('Second', 'b');
      return b;
    };

    it('keeps it while waiting for the first event', async () => {
      const state = succeeded(await replay('ConformanceEventsInOrder', undefined, history().build()));
      expect(state.isDone).toBe(false);
      expect(actionsOf(state)).toEqual([waitFor('First')]);
    });

    it('delivers it as soon as the orchestration waits for it', async () => {
      const b = history().endEpisode();
      b.episode(2 * SECOND).eventRaised('First', 'a');
      const state = succeeded(await replay('ConformanceEventsInOrder', undefined, b.build()));
      expect(state.isDone).toBe(true);
      expect(state.output).toEqual({ first: 'a', second: 'b' });
      expect(actionsOf(state)).toEqual([waitFor('First'), waitFor('Second')]);
    });
  });

  describe('(vi) Task.all fan-out', () => {
    const names = ['Tokyo', 'Seattle', 'London'];
    const fanOut = (): HistoryBuilder => {
      const b = new HistoryBuilder()
        .episode(0)
        .executionStarted('ConformanceFanOut', names)
        .taskScheduled(0, 'ConformanceGreet', 'head')
        .endEpisode();
      b.episode(SECOND).taskCompleted(0, 'Hello, head!');
      return b;
    };

    it('numbers the fanned-out tasks 1..n after the first activity', async () => {
      const state = succeeded(await replay('ConformanceFanOut', names, fanOut().build()));
      expect(state.isDone).toBe(false);
      expect(actionsOf(state)).toEqual([greet('head'), whenAll(...names.map(greet))]);
    });

    it('waits for every task, whatever order they complete in, and returns results in task order', async () => {
      const b = fanOut();
      names.forEach((n, i) => b.taskScheduled(i + 1, 'ConformanceGreet', n));
      b.endEpisode();
      b.episode(2 * SECOND)
        .taskCompleted(3, 'Hello, London!')
        .taskCompleted(1, 'Hello, Tokyo!');
      const partial = succeeded(await replay('ConformanceFanOut', names, b.build()));
      expect(partial.isDone).toBe(false);
      b.endEpisode()
        .episode(3 * SECOND)
        .taskCompleted(2, 'Hello, Seattle!');
      const state = succeeded(await replay('ConformanceFanOut', names, b.build()));
      expect(state.isDone).toBe(true);
      expect(state.output).toEqual(['Hello, head!', 'Hello, Tokyo!', 'Hello, Seattle!', 'Hello, London!']);
    });
  });

  describe('(vii) an orchestrator that throws', () => {
    const base = (): HistoryBuilder =>
      new HistoryBuilder()
        .episode(0)
        .executionStarted('ConformanceThrows')
        .taskScheduled(0, 'ConformanceGreet', 'doomed')
        .endEpisode();

    it('reports its custom status while running', async () => {
      const b = new HistoryBuilder().episode(0).executionStarted('ConformanceThrows');
      const state = succeeded(await replay('ConformanceThrows', undefined, b.build()));
      expect(state.customStatus).toEqual({ stage: 'before' });
      expect(actionsOf(state)).toEqual([greet('doomed')]);
    });

    it('fails with its message; the $OutOfProcData$ state carries actions, error and custom status', async () => {
      const b = base();
      b.episode(SECOND).taskCompleted(0, 'Hello, doomed!');
      const run = failed(await replay('ConformanceThrows', undefined, b.build()));
      expect(run.failure).toBe('conformance orchestrator gave up');
      expect(run.state).toMatchObject({
        isDone: false,
        actions: [[greet('doomed')]],
        customStatus: { stage: 'before' },
      });
      expect(run.state?.error).toBe('conformance orchestrator gave up');
    });

    it("fails with the activity's reason and details when a failed activity is not caught", async () => {
      const b = base();
      b.episode(SECOND).taskFailed(0, "Activity function 'ConformanceGreet' failed: boom", 'the stack');
      const run = failed(await replay('ConformanceThrows', undefined, b.build()));
      expect(run.failure).toContain("Activity function 'ConformanceGreet' failed: boom");
      expect(run.failure).toContain('the stack');
      expect(run.state?.actions).toEqual([[greet('doomed')]]);
    });
  });
});

describe('b) our engine writes the same numbering and event order', () => {
  // DurableTask.Core's RetryInterceptor (Azure/durabletask, src/DurableTask.Core/RetryInterceptor.cs): after the last
  // failed attempt it still creates a timer, "Dummy timer for back-compat", due at the orchestration's current time.
  it('(i) retry until exhausted: 0, timer 1, 2, timer 3 (after the last failure, due at once), then fails', async () => {
    const host = inProcessEngine();
    const name = 'flaky9:e2e-retry-exhausted';
    const input = { name, firstRetryMs: SECOND, attempts: 2, backoff: 2 };
    let state = await host.run('ConformanceRetry', 'conf-retry-1', input);
    expect(state.status).toBe('Running');
    [state] = await advance(host, SECOND);
    expect(state.status).toBe('Failed');
    expect(parse(state.output)).toMatch(
      /^Orchestrator function 'ConformanceRetry' failed: Activity function 'ConformanceGreet' failed: {2}greeting failed \(2\)/,
    );

    const history = await engineHistory(host, state);
    const expected = retryHistory(name, 'timer3').executionCompleted('Failed').endEpisode().build();
    expect(episodes(history)).toEqual(episodes(expected));
    expect(episodes(history)).toEqual([
      ['ExecutionStarted', 'TaskScheduled#0'],
      ['TaskFailed->0', 'TimerCreated#1'],
      ['TimerFired->1', 'TaskScheduled#2'],
      ['TaskFailed->2', 'TimerCreated#3'],
      ['TimerFired->3', 'ExecutionCompleted:Failed'],
    ]);
    // Every attempt gets the same input as the first (the SDK encodes string inputs once more in its action).
    expect(scheduled(history)).toEqual([
      { id: 0, name: 'ConformanceGreet', input: JSON.stringify(name) },
      { id: 2, name: 'ConformanceGreet', input: JSON.stringify(name) },
    ]);
    // Backoff: the timer after failure n fires firstRetry * backoff^(n-1) after that failure's episode; after the
    // last failure, at once.
    const delays = history
      .filter((e) => e.EventType === EventType.TimerCreated)
      .map((e) => Date.parse(e.FireAt!) - Date.parse(e.Timestamp));
    expect(delays).toEqual([SECOND, 0]);
  });

  it('(i) retry that succeeds on the second attempt: result of task 2', async () => {
    const host = inProcessEngine();
    const name = 'flaky1:e2e-retry-ok';
    await host.run('ConformanceRetry', 'conf-retry-2', { name, firstRetryMs: SECOND, attempts: 3 });
    const [state] = await advance(host, SECOND);
    expect(state.status).toBe('Completed');
    expect(parse(state.output)).toBe(`Hello, ${name}!`);
    const history = await engineHistory(host, state);
    expect(episodes(history)).toEqual([
      ['ExecutionStarted', 'TaskScheduled#0'],
      ['TaskFailed->0', 'TimerCreated#1'],
      ['TimerFired->1', 'TaskScheduled#2'],
      ['TaskCompleted->2', 'ExecutionCompleted:Completed'],
    ]);
    expect(scheduled(history).map((t) => t.input)).toEqual([JSON.stringify(name), JSON.stringify(name)]);
  });

  it('(vi) retries inside Task.all: the retry timer takes id 2, the new attempt id 3', async () => {
    const host = inProcessEngine();
    const input = { names: ['flaky1:e2e-fan-Tokyo', 'e2e-fan-Seattle'], firstRetryMs: SECOND, attempts: 3 };
    let state = await host.run('ConformanceRetryFanOut', 'conf-retry-fan', input);
    expect(state.status).toBe('Running');
    const beforeTimer = skeleton(await engineHistory(host, state));
    [state] = await advance(host, SECOND);
    expect(state.status).toBe('Completed');
    expect(parse(state.output)).toEqual(['Hello, flaky1:e2e-fan-Tokyo!', 'Hello, e2e-fan-Seattle!']);
    const history = await engineHistory(host, state);
    const all = episodes(history);
    expect(all[0]).toEqual(['ExecutionStarted', 'TaskScheduled#0', 'TaskScheduled#1']);
    // The failure of 0 and the completion of 1 may share an episode or not; the retry timer always follows the failure.
    const middle = all.slice(1, -2).flat();
    expect([...middle].sort()).toEqual(['TaskCompleted->1', 'TaskFailed->0', 'TimerCreated#2']);
    expect(middle[middle.indexOf('TaskFailed->0') + 1]).toBe('TimerCreated#2');
    expect(all.slice(-2)).toEqual([
      ['TimerFired->2', 'TaskScheduled#3'],
      ['TaskCompleted->3', 'ExecutionCompleted:Completed'],
    ]);
    expect(beforeTimer).not.toContain('TimerFired->2');
    expect(scheduled(history).map((t) => [t.id, t.input])).toEqual([
      [0, JSON.stringify('flaky1:e2e-fan-Tokyo')],
      [1, JSON.stringify('e2e-fan-Seattle')],
      [3, JSON.stringify('flaky1:e2e-fan-Tokyo')],
    ]);
  });

  it('(ii) cancelled timer: timer 0, activity 1, then activity 2; the timer never fires into the history', async () => {
    const host = inProcessEngine();
    const state = await host.run('ConformanceCancelTimer', 'conf-cancel', { timeoutMs: HOUR, name: 'Tokyo' });
    expect(state.status).toBe('Completed');
    expect(parse(state.output)).toBe('Hello, after Tokyo!');
    const history = await engineHistory(host, state);
    const expected = new HistoryBuilder()
      .episode(0)
      .executionStarted('ConformanceCancelTimer')
      .timerCreated(0, HOUR)
      .taskScheduled(1, 'ConformanceGreet', 'Tokyo')
      .endEpisode()
      .episode(1)
      .taskCompleted(1, 'Hello, Tokyo!')
      .taskScheduled(2, 'ConformanceGreet', 'after Tokyo')
      .endEpisode()
      .episode(2)
      .taskCompleted(2, 'Hello, after Tokyo!')
      .executionCompleted('Completed')
      .endEpisode()
      .build();
    expect(skeleton(history)).toEqual(skeleton(expected));
    expect(scheduled(history)).toEqual(scheduled(expected));
    expect((await host.store.loadPending()).messages).toEqual([]);
  });

  it('(ii) timer created and cancelled in one episode still takes id 0; the activity after it is 1', async () => {
    const host = inProcessEngine();
    await host.run('ConformanceGatedApproval', 'conf-gated', { timeoutMs: HOUR });
    let state;
    expect(await host.engine.raiseEvent('conf-gated', 'Approve', JSON.stringify('ops'))).toBe('accepted');
    [state] = await host.settle();
    expect(state.status).toBe('Running');
    expect(await host.engine.raiseEvent('conf-gated', 'Gate', undefined)).toBe('accepted');
    [state] = await host.settle();
    expect(state.status).toBe('Completed');
    expect(parse(state.output)).toBe('Hello, approved by ops!');
    // Approve cannot resume the orchestrator (it waits for Gate), so our host holds it for the next episode.
    const expected = new HistoryBuilder()
      .episode(0)
      .executionStarted('ConformanceGatedApproval')
      .endEpisode()
      .episode(2)
      .eventRaised('Approve')
      .eventRaised('Gate')
      .timerCreated(0, HOUR)
      .taskScheduled(1, 'ConformanceGreet', 'approved by ops')
      .endEpisode()
      .episode(3)
      .taskCompleted(1, 'Hello, approved by ops!')
      .executionCompleted('Completed')
      .endEpisode()
      .build();
    const history = await engineHistory(host, state);
    expect(skeleton(history)).toEqual(skeleton(expected));
    expect(scheduled(history)).toEqual(scheduled(expected));
    expect((await host.store.loadPending()).messages).toEqual([]);
  });

  it('(iii) event beats timer: timer 0, then EventRaised completes it', async () => {
    const host = inProcessEngine();
    await host.run('ConformanceAnyEventOrTimer', 'conf-any-event', { timeoutMs: HOUR });
    expect(await host.engine.raiseEvent('conf-any-event', 'Approve', JSON.stringify({ by: 'ops' }))).toBe('accepted');
    const [state] = await host.settle();
    expect(state.status).toBe('Completed');
    expect(parse(state.output)).toEqual({ approvedBy: { by: 'ops' } });
    const expected = new HistoryBuilder()
      .episode(0)
      .executionStarted('ConformanceAnyEventOrTimer')
      .timerCreated(0, HOUR)
      .endEpisode()
      .episode(1)
      .eventRaised('Approve')
      .executionCompleted('Completed')
      .endEpisode()
      .build();
    expect(skeleton(await engineHistory(host, state))).toEqual(skeleton(expected));
    expect((await host.store.loadPending()).messages).toEqual([]);
  });

  it('(iii) timer beats event: TimerFired for id 0 at its fireAt', async () => {
    const host = inProcessEngine();
    let state = await host.run('ConformanceAnyEventOrTimer', 'conf-any-timer', { timeoutMs: HOUR });
    expect(state.status).toBe('Running');
    [state] = await advance(host, HOUR);
    expect(state.status).toBe('Completed');
    expect(parse(state.output)).toBe('timed out');
    const history = await engineHistory(host, state);
    const expected = new HistoryBuilder()
      .episode(0)
      .executionStarted('ConformanceAnyEventOrTimer')
      .timerCreated(0, HOUR)
      .endEpisode()
      .episode(HOUR)
      .timerFired(0, HOUR)
      .executionCompleted('Completed')
      .endEpisode()
      .build();
    expect(skeleton(history)).toEqual(skeleton(expected));
    const created = history.find((e) => e.EventType === EventType.TimerCreated);
    const fired = history.find((e) => e.EventType === EventType.TimerFired);
    expect(fired?.FireAt).toBe(created?.FireAt);
    expect(Date.parse(created!.FireAt!) - Date.parse(history[0].Timestamp)).toBe(HOUR);
  });

  it('(iv) continueAsNew: each execution starts again at task 0 with the new input', async () => {
    const host = inProcessEngine();
    const state = await host.run('ConformanceContinueAsNew', 'conf-can', { value: 1, until: 3 });
    expect(state.status).toBe('Completed');
    expect(parse(state.output)).toBe('stopped at 3');
    const all = await host.store.loadHistory({ ...state, historyStart: 0 });
    const expected: HistoryEvent[] = [];
    for (const value of [1, 2, 3]) {
      const b = new HistoryBuilder()
        .episode(0)
        .executionStarted('ConformanceContinueAsNew', { value, until: 3 })
        .taskScheduled(0, 'ConformanceGreet', `round ${value}`)
        .endEpisode();
      b.episode(1)
        .taskCompleted(0, `Hello, round ${value}!`)
        .executionCompleted(
          value < 3 ? 'ContinuedAsNew' : 'Completed',
          value < 3 ? { value: value + 1, until: 3 } : `stopped at ${value}`,
        )
        .endEpisode();
      expected.push(...b.build());
    }
    expect(skeleton(all)).toEqual(skeleton(expected));
    const inputs = (h: HistoryEvent[]) =>
      h.filter((e) => e.EventType === EventType.ExecutionStarted).map((e) => parse(e.Input ?? null));
    expect(inputs(all)).toEqual(inputs(expected));
    expect(scheduled(all)).toEqual(scheduled(expected));
  });

  it('(v) an event raised before the orchestration waits for it is recorded and used later', async () => {
    const host = inProcessEngine();
    await host.run('ConformanceEventsInOrder', 'conf-early');
    let state;
    expect(await host.engine.raiseEvent('conf-early', 'Second', JSON.stringify('b'))).toBe('accepted');
    [state] = await host.settle();
    expect(state.status).toBe('Running');
    expect(await host.engine.raiseEvent('conf-early', 'First', JSON.stringify('a'))).toBe('accepted');
    [state] = await host.settle();
    expect(state.status).toBe('Completed');
    expect(parse(state.output)).toEqual({ first: 'a', second: 'b' });
    // Second cannot resume the orchestrator (it waits for First): it joins First's episode, in arrival order.
    const expected = new HistoryBuilder()
      .episode(0)
      .executionStarted('ConformanceEventsInOrder')
      .endEpisode()
      .episode(2)
      .eventRaised('Second', 'b')
      .eventRaised('First', 'a')
      .executionCompleted('Completed')
      .endEpisode()
      .build();
    const history = await engineHistory(host, state);
    expect(skeleton(history)).toEqual(skeleton(expected));
    expect(history.filter((e) => e.EventType === EventType.EventRaised).map((e) => e.Input)).toEqual(
      expected.filter((e) => e.EventType === EventType.EventRaised).map((e) => e.Input),
    );
  });

  it('(vi) Task.all fan-out: 0, then 1..n in input order', async () => {
    const host = inProcessEngine();
    const names = ['Tokyo', 'Seattle', 'London', 'Paris'];
    const state = await host.run('ConformanceFanOut', 'conf-fan', names);
    expect(state.status).toBe('Completed');
    expect(parse(state.output)).toEqual(['Hello, head!', ...names.map((n) => `Hello, ${n}!`)]);
    const history = await engineHistory(host, state);
    const all = episodes(history);
    expect(all.slice(0, 2)).toEqual([
      ['ExecutionStarted', 'TaskScheduled#0'],
      ['TaskCompleted->0', 'TaskScheduled#1', 'TaskScheduled#2', 'TaskScheduled#3', 'TaskScheduled#4'],
    ]);
    // Completions may arrive in any grouping; each task completes once and the execution ends last.
    const rest = all.slice(2).flat();
    expect(rest[rest.length - 1]).toBe('ExecutionCompleted:Completed');
    expect(rest.slice(0, -1).sort()).toEqual([
      'TaskCompleted->1',
      'TaskCompleted->2',
      'TaskCompleted->3',
      'TaskCompleted->4',
    ]);
    expect(scheduled(history).map((t) => t.input)).toEqual(['head', ...names].map((n) => JSON.stringify(n)));
  });

  it('(vii) an orchestrator that throws: Failed with its message, custom status kept', async () => {
    const host = inProcessEngine();
    const state = await host.run('ConformanceThrows', 'conf-throws');
    expect(state.status).toBe('Failed');
    expect(parse(state.output)).toBe(
      "Orchestrator function 'ConformanceThrows' failed: conformance orchestrator gave up",
    );
    expect(parse(state.customStatus)).toEqual({ stage: 'before' });
    const history = await engineHistory(host, state);
    expect(episodes(history)).toEqual([
      ['ExecutionStarted', 'TaskScheduled#0'],
      ['TaskCompleted->0', 'ExecutionCompleted:Failed'],
    ]);
  });
});
