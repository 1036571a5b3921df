import type { InstanceState } from '../../local/durable-host/durable-store';
import type { OrchestratorAction, OrchestratorState } from '../../local/durable-host/orchestrator-state';
import { ActionType } from '../../local/durable-host/orchestrator-state';
import { Activity, ORCHESTRATOR } from '../../src/domain/durable-names';
import type { KeepAliveRoundInput } from '../../src/domain/keep-alive-round';
import { firstPage } from '../../src/domain/keep-alive-round';
import { HistoryBuilder } from '../support/history-builder';
import { appFunctions, REPO_ROOT } from '../support/in-process-engine';

const functions = appFunctions(REPO_ROOT);
const STARTED_AT = new Date(Date.UTC(2024, 0, 15, 9, 0, 0));

async function replay(history: HistoryBuilder, input: KeepAliveRoundInput): Promise<OrchestratorState> {
  const events = history.build();
  const state = {
    instanceId: 'keep-alive-2024-01-15T09:00:00.000Z',
    name: ORCHESTRATOR.TokenKeepAliveRound,
    executionId: 'e1',
    status: 'Running',
    input: JSON.stringify(input),
    output: null,
    customStatus: null,
    createdAt: '',
    lastUpdatedAt: '',
    historyStart: 0,
    nextSeq: events.length,
    actionsSeen: 0,
    nextTaskId: 0,
    retries: {},
  } as InstanceState;
  const run = await functions.runOrchestrator(ORCHESTRATOR.TokenKeepAliveRound, events, state);
  if ('failure' in run) throw new Error(`orchestrator failed: ${run.failure}`);
  return run.state;
}

/** Every leaf action since the start, compound ones (Task.all) opened: the SDK answers them all on each replay. */
const leaves = (state: OrchestratorState): OrchestratorAction[] =>
  state.actions.flat().flatMap((a) => a.compoundActions ?? [a]);
/** The accounts whose turns the last `count` actions ask for. */
const turnsAsked = (state: OrchestratorState, count: number): string[] =>
  leaves(state)
    .slice(-count)
    .filter((a) => a.functionName === Activity.KeepAccountTokenAlive)
    .map((a) => (a.input as { organizationId: string }).organizationId);

const input = (overrides: Partial<KeepAliveRoundInput> = {}): KeepAliveRoundInput => ({
  ...firstPage(STARTED_AT, { pageSize: 3, concurrency: 2 }),
  ...overrides,
});

describe('keep-alive round orchestrator (replayed by the real SDK)', () => {
  it('reads a page, refreshes its accounts a window at a time, and ends with the counts', async () => {
    const h = new HistoryBuilder().episode(0).executionStarted(ORCHESTRATOR.TokenKeepAliveRound, input());
    let state = await replay(h, input());
    expect(leaves(state)).toEqual([
      expect.objectContaining({
        functionName: Activity.ListKeepAlivePage,
        actionType: ActionType.CallActivityWithRetry,
      }),
    ]);
    expect(leaves(state)[0].input).toEqual({ pageSize: 3 });

    h.taskScheduled(0, Activity.ListKeepAlivePage).endEpisode();
    h.episode(1000).taskCompleted(0, { organizationIds: ['a', 'b', 'c'] });
    state = await replay(h, input());
    expect(leaves(state)).toHaveLength(3);
    expect(turnsAsked(state, 2)).toEqual(['a', 'b']);
    expect(leaves(state)[1].input).toEqual({
      organizationId: 'a',
      roundStartedAt: STARTED_AT.toISOString(),
    });

    h.taskScheduled(1, Activity.KeepAccountTokenAlive).taskScheduled(2, Activity.KeepAccountTokenAlive).endEpisode();
    h.episode(2000)
      .taskCompleted(2, { organizationId: 'b', outcome: 'reconsentRequired' })
      .taskCompleted(1, { organizationId: 'a', outcome: 'refreshed' });
    state = await replay(h, input());
    expect(leaves(state)).toHaveLength(4);
    expect(turnsAsked(state, 1)).toEqual(['c']);
    expect(state.customStatus).toMatchObject({
      accounts: 2,
      window: 2,
      counts: { refreshed: 1, reconsentRequired: 1 },
    });

    h.taskScheduled(3, Activity.KeepAccountTokenAlive).endEpisode();
    h.episode(3000).taskCompleted(3, { organizationId: 'c', outcome: 'transient' });
    state = await replay(h, input());
    expect(state.isDone).toBe(true);
    expect(state.output).toEqual({
      startedAt: STARTED_AT.toISOString(),
      pagesDone: 1,
      accounts: 3,
      window: 2,
      counts: { refreshed: 1, reconsentRequired: 1, failed: 0, transient: 1, skipped: 0, throttled: 0, error: 0 },
      finishedAt: h.at(3000),
    });
  });

  it('takes a throttled account again after Retry-After, with the window halved, then grows it back', async () => {
    const start = input({ settings: { pageSize: 3, concurrency: 4 }, window: 4 });
    const h = new HistoryBuilder().episode(0).executionStarted(ORCHESTRATOR.TokenKeepAliveRound, start);
    h.taskScheduled(0, Activity.ListKeepAlivePage).endEpisode();
    h.episode(1000).taskCompleted(0, { organizationIds: ['a', 'b', 'c'] });
    h.taskScheduled(1, Activity.KeepAccountTokenAlive)
      .taskScheduled(2, Activity.KeepAccountTokenAlive)
      .taskScheduled(3, Activity.KeepAccountTokenAlive)
      .endEpisode();
    h.episode(2000)
      .taskCompleted(1, { organizationId: 'a', outcome: 'refreshed' })
      .taskCompleted(2, { organizationId: 'b', throttled: { retryAfterMs: 30_000 } })
      .taskCompleted(3, { organizationId: 'c', throttled: { retryAfterMs: 5_000 } });
    let state = await replay(h, start);
    // The longest Retry-After of the batch, from now; nothing else is asked meanwhile.
    expect(leaves(state)).toHaveLength(5);
    expect(leaves(state)[4]).toMatchObject({ actionType: ActionType.CreateTimer, fireAt: h.at(32_000) });
    expect(state.customStatus).toMatchObject({ window: 2, counts: { refreshed: 1, throttled: 2 } });

    h.timerCreated(4, 32_000).endEpisode();
    h.episode(32_000).timerFired(4, 32_000);
    state = await replay(h, start);
    expect(leaves(state)).toHaveLength(7);
    expect(turnsAsked(state, 2)).toEqual(['b', 'c']);

    h.taskScheduled(5, Activity.KeepAccountTokenAlive).taskScheduled(6, Activity.KeepAccountTokenAlive).endEpisode();
    h.episode(33_000)
      .taskCompleted(5, { organizationId: 'b', outcome: 'refreshed' })
      .taskCompleted(6, { organizationId: 'c', outcome: 'refreshed' });
    state = await replay(h, start);
    expect(state.output).toMatchObject({ accounts: 3, window: 3, counts: { refreshed: 3, throttled: 2 } });
  });

  it('continues as new with the next page: the history stays one page long and carries only the counts', async () => {
    const start = input({ pagesDone: 4, continuationToken: 'page-5', counts: { ...input().counts, refreshed: 400 } });
    const h = new HistoryBuilder().episode(0).executionStarted(ORCHESTRATOR.TokenKeepAliveRound, start);
    h.taskScheduled(0, Activity.ListKeepAlivePage).endEpisode();
    h.episode(1000).taskCompleted(0, { organizationIds: ['a'], continuationToken: 'page-6' });
    h.taskScheduled(1, Activity.KeepAccountTokenAlive).endEpisode();
    h.episode(2000).taskCompleted(1, { organizationId: 'a', outcome: 'skipped' });
    const state = await replay(h, start);
    const [next] = leaves(state).filter((a) => a.actionType === ActionType.ContinueAsNew);
    expect(next.input).toEqual({
      ...start,
      pagesDone: 5,
      continuationToken: 'page-6',
      counts: { ...start.counts, refreshed: 400, skipped: 1 },
      window: 2,
    });
  });

  it('an empty page (the table had none to give this time) goes on to the next, and an empty last page ends', async () => {
    const h = new HistoryBuilder().episode(0).executionStarted(ORCHESTRATOR.TokenKeepAliveRound, input());
    h.taskScheduled(0, Activity.ListKeepAlivePage).endEpisode();
    const more = new HistoryBuilder().episode(0).executionStarted(ORCHESTRATOR.TokenKeepAliveRound, input());
    more.taskScheduled(0, Activity.ListKeepAlivePage).endEpisode();
    more.episode(1000).taskCompleted(0, { organizationIds: [], continuationToken: 'next' });
    const continued = await replay(more, input());
    expect(leaves(continued).at(-1)).toMatchObject({
      actionType: ActionType.ContinueAsNew,
      input: { pagesDone: 1, continuationToken: 'next' },
    });
    h.episode(1000).taskCompleted(0, { organizationIds: [] });
    const state = await replay(h, input());
    expect(state.output).toMatchObject({ pagesDone: 1, accounts: 0 });
  });

  it("a turn that fails after all its retries counts as an error; the window's other outcomes still count", async () => {
    const h = new HistoryBuilder().episode(0).executionStarted(ORCHESTRATOR.TokenKeepAliveRound, input());
    h.taskScheduled(0, Activity.ListKeepAlivePage).endEpisode();
    h.episode(1000).taskCompleted(0, { organizationIds: ['a', 'b'] });
    h.taskScheduled(1, Activity.KeepAccountTokenAlive).taskScheduled(2, Activity.KeepAccountTokenAlive).endEpisode();
    // a fails five times (HOUSEKEEPING's attempts), each retry after a timer; b is still running meanwhile.
    let at = 2000;
    let id = 1;
    h.episode(at).taskFailed(id, "Activity function 'KeepAccountTokenAlive' failed:  table unavailable");
    for (let attempt = 2; attempt <= 6; attempt++) {
      h.timerCreated(id + 2, at + 1000).endEpisode();
      at += 1000;
      h.episode(at).timerFired(id + 2, at);
      if (attempt === 6) break;
      id += 2;
      h.taskScheduled(id + 1, Activity.KeepAccountTokenAlive).endEpisode();
      at += 100;
      h.episode(at).taskFailed(id + 1, "Activity function 'KeepAccountTokenAlive' failed:  table unavailable");
    }
    let state = await replay(h, input());
    expect(state.isDone).toBe(false);
    h.endEpisode();
    h.episode(at + 500).taskCompleted(2, { organizationId: 'b', outcome: 'refreshed' });
    state = await replay(h, input());
    expect(state.output).toMatchObject({ accounts: 2, counts: { refreshed: 1, error: 1 } });
  });
});
