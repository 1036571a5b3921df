import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import type { DurableStore, InstanceState, ListQuery, Message, WorkItem } from './durable-store';
import { PayloadTooLargeError, rowKeys, TERMINAL_STATUSES } from './durable-store';
import type { EpisodeInput, EpisodeResult, OrchestratorRun } from './episode';
import { failedEpisode, runEpisode } from './episode';
import type { HistoryEvent } from './history';
import type { LongTimerLimits } from './long-timers';

export type ActivityOutcome = { result: string } | { reason: string; details: string };

export interface EngineFunctions {
  hasOrchestrator(name: string): boolean;
  runOrchestrator(name: string, history: HistoryEvent[], state: InstanceState): Promise<OrchestratorRun>;
  runActivity(name: string, input: string | undefined, instanceId: string): Promise<ActivityOutcome>;
}

export interface EngineOptions {
  episodeConcurrency?: number;
  activityConcurrency?: number;
  /** Which timers are long, and their sub-timers' length (default: the Azure Storage provider's). */
  longTimers?: LongTimerLimits;
  log?: (message: string) => void;
}

export type ControlOutcome = 'accepted' | 'notFound' | 'notRunning';

// eslint-disable-next-line no-control-regex -- instance IDs must not hold control characters: the class excludes them
const INSTANCE_ID = /^[^/\\#?\u0000-\u001f\u007f-\u009f]{1,256}$/;

/**
 * Runs orchestrations over a DurableStore: an inbox of messages per instance, one episode at a
 * time per instance, durable timers on the injectable clock, and an activity queue. Activity
 * results stay in memory until the episode that consumes them deletes their work item in the
 * same batch that appends the history; a crash in between re-runs the activity (at least once).
 */
export class Engine {
  private readonly inbox = new Map<string, Message[]>();
  /** Events no wait of the instance can take yet: they join its next episode instead of starting one. */
  private readonly parked = new Map<string, Message[]>();
  private readonly future = new Map<string, Map<string, { message: Message; cancel: () => void }>>();
  private readonly cache = new Map<string, { state: InstanceState; history: HistoryEvent[] }>();
  private readonly ready = new Set<string>();
  private readonly running = new Set<string>();
  private readonly workQueue: WorkItem[] = [];
  private activeActivities = 0;
  private sequence = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private readonly episodeConcurrency: number;
  private readonly activityConcurrency: number;
  episodes = 0;

  constructor(
    private readonly store: DurableStore,
    private readonly clock: Clock,
    private readonly functions: EngineFunctions,
    private readonly options: EngineOptions = {},
  ) {
    this.episodeConcurrency = options.episodeConcurrency ?? 64;
    this.activityConcurrency = options.activityConcurrency ?? 64;
  }

  /** Picks up what a previous run left: inbox messages, timers and scheduled activities. */
  async recover(): Promise<void> {
    const pending = await this.store.loadPending();
    pending.messages
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .forEach((m) => this.deliver({ ...m, rowKey: rowKeys.message(m.id) }));
    pending.work.forEach((w) => this.enqueueWork(w));
  }

  async start(name: string, instanceId: string, input: string | undefined): Promise<'created' | 'conflict'> {
    if (!INSTANCE_ID.test(instanceId)) throw new RangeError(`Invalid instance id '${instanceId}'`);
    if (!this.functions.hasOrchestrator(name)) throw new RangeError(`No orchestrator function named '${name}'`);
    const now = new Date(this.clock.now()).toISOString();
    const state: InstanceState = {
      instanceId,
      name,
      executionId: this.newId(),
      status: 'Pending',
      input: input ?? null,
      output: null,
      customStatus: null,
      createdAt: now,
      lastUpdatedAt: now,
      historyStart: 0,
      nextSeq: 0,
      actionsSeen: 0,
      nextTaskId: 0,
      retries: {},
    };
    const start: Message = {
      instanceId,
      executionId: state.executionId,
      id: this.newId(),
      visibleAt: this.clock.now(),
      body: { type: 'start' },
    };
    if (!(await this.store.create(state, start))) {
      // Only an instance id that ended may be reused: its old history goes first.
      const existing = await this.getState(instanceId);
      if (!existing || !TERMINAL_STATUSES.includes(existing.status)) return 'conflict';
      await this.purge(instanceId);
      if (!(await this.store.create(state, start))) return 'conflict';
    }
    this.cache.set(instanceId, { state, history: [] });
    this.deliver({ ...start, rowKey: rowKeys.message(start.id) });
    return 'created';
  }

  async raiseEvent(instanceId: string, name: string, input: string | undefined): Promise<ControlOutcome> {
    return this.send(instanceId, { type: 'event', name, input });
  }

  async terminate(instanceId: string, reason: string): Promise<ControlOutcome> {
    return this.send(instanceId, { type: 'terminate', reason });
  }

  async getState(instanceId: string): Promise<InstanceState | undefined> {
    return this.cache.get(instanceId)?.state ?? this.store.loadState(instanceId);
  }

  async getHistory(state: InstanceState): Promise<HistoryEvent[]> {
    const cached = this.cache.get(state.instanceId);
    return cached && cached.state.nextSeq === state.nextSeq ? cached.history : this.store.loadHistory(state);
  }

  list(query: ListQuery): Promise<{ states: InstanceState[]; continuationToken?: string }> {
    return this.store.list(query);
  }

  async purge(instanceId: string): Promise<'purged' | 'notFound' | 'running'> {
    const state = await this.getState(instanceId);
    if (!state) return 'notFound';
    if (!TERMINAL_STATUSES.includes(state.status)) return 'running';
    this.dropPending(instanceId);
    this.parked.delete(instanceId);
    this.cache.delete(instanceId);
    await this.store.purge(instanceId);
    return 'purged';
  }

  /** Resolves when nothing is ready to run (future timers may still be pending). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    for (const id of [...this.future.keys()]) this.dropPending(id);
  }

  private async send(instanceId: string, body: Message['body']): Promise<ControlOutcome> {
    const state = await this.getState(instanceId);
    if (!state) return 'notFound';
    if (TERMINAL_STATUSES.includes(state.status)) return 'notRunning';
    const message: Message = {
      instanceId,
      executionId: state.executionId,
      id: this.newId(),
      visibleAt: this.clock.now(),
      body,
    };
    await this.store.enqueue(message);
    this.deliver({ ...message, rowKey: rowKeys.message(message.id) });
    return 'accepted';
  }

  private newId(): string {
    const time = String(this.clock.now()).padStart(15, '0');
    return `${time}-${String(this.sequence++ % 1e8).padStart(8, '0')}-${randomBytes(3).toString('hex')}`;
  }

  private deliver(message: Message): void {
    if (this.stopped) return;
    if (message.visibleAt <= this.clock.now() && this.cannotResume(message)) {
      this.parked.set(message.instanceId, [...(this.parked.get(message.instanceId) ?? []), message]);
      return;
    }
    if (message.visibleAt <= this.clock.now()) {
      const queue = this.inbox.get(message.instanceId) ?? [];
      queue.push(message);
      this.inbox.set(message.instanceId, queue);
      this.ready.add(message.instanceId);
      this.pump();
      return;
    }
    const pending = this.future.get(message.instanceId) ?? new Map();
    this.future.set(message.instanceId, pending);
    const cancel = this.clock.wakeAt(message.visibleAt, () => {
      if (pending.get(message.id)?.message !== message) return;
      pending.delete(message.id);
      this.deliver({ ...message, visibleAt: this.clock.now() });
    });
    pending.set(message.id, { message, cancel });
  }

  /** Events that arrived during the previous episode are judged against the state it left. */
  private parkIfNothingCanResume(instanceId: string): boolean {
    const inbox = this.inbox.get(instanceId) ?? [];
    if (!inbox.every((m) => this.cannotResume(m))) return false;
    this.inbox.delete(instanceId);
    this.parked.set(instanceId, [...(this.parked.get(instanceId) ?? []), ...inbox]);
    return true;
  }

  private cannotResume(message: Message): boolean {
    if (message.body.type !== 'event' || this.running.has(message.instanceId)) return false;
    const state = this.cache.get(message.instanceId)?.state;
    return (
      state?.status === 'Running' &&
      state.awaitedEvents !== undefined &&
      !state.awaitedEvents.includes(message.body.name)
    );
  }

  private dropPending(instanceId: string): string[] {
    const pending = this.future.get(instanceId);
    this.future.delete(instanceId);
    return [...(pending?.values() ?? [])].map(({ message, cancel }) => {
      cancel();
      return rowKeys.message(message.id);
    });
  }

  private pump(): void {
    for (const instanceId of this.ready) {
      if (this.running.size >= this.episodeConcurrency) break;
      if (this.running.has(instanceId)) continue;
      this.ready.delete(instanceId);
      if (this.parkIfNothingCanResume(instanceId)) continue;
      this.running.add(instanceId);
      void this.runInstance(instanceId).finally(() => {
        this.running.delete(instanceId);
        if (this.inbox.has(instanceId)) this.ready.add(instanceId);
        this.pump();
        this.notifyIfIdle();
      });
    }
    while (this.activeActivities < this.activityConcurrency && this.workQueue.length > 0) {
      const work = this.workQueue.shift() as WorkItem;
      this.activeActivities++;
      void this.runWork(work).finally(() => {
        this.activeActivities--;
        this.pump();
        this.notifyIfIdle();
      });
    }
  }

  private async runInstance(instanceId: string): Promise<void> {
    const messages = [...(this.inbox.get(instanceId) ?? []), ...(this.parked.get(instanceId) ?? [])].sort((a, b) =>
      a.id < b.id ? -1 : 1,
    );
    this.inbox.delete(instanceId);
    this.parked.delete(instanceId);
    let result: EpisodeResult | undefined;
    let executionId: string | undefined;
    try {
      const loaded = this.cache.get(instanceId) ?? (await this.load(instanceId));
      if (!loaded || TERMINAL_STATUSES.includes(loaded.state.status)) {
        // Late messages for an instance that ended or was purged: consume them one by one
        // (a row may already be gone, which would fail a batch).
        await Promise.all(
          messages.filter((m) => m.rowKey).map((m) => this.store.deleteRow(instanceId, m.rowKey as string)),
        );
        return;
      }
      executionId = loaded.state.executionId;
      const otherPendingRows = [...(this.future.get(instanceId)?.values() ?? [])].map(({ message }) =>
        rowKeys.message(message.id),
      );
      const input: EpisodeInput = {
        state: loaded.state,
        history: loaded.history,
        messages,
        otherPendingRows,
        now: this.clock.now(),
        longTimers: this.options.longTimers,
        newId: () => this.newId(),
        run: (history, state) => this.functions.runOrchestrator(state.name, history, state),
      };
      result = await runEpisode(input);
      try {
        await this.store.writeEpisode(result.write);
      } catch (error) {
        if (!(error instanceof PayloadTooLargeError)) throw error;
        // Writing it again cannot make it fit: the orchestration fails, saying why.
        result = failedEpisode(input, error.message);
        await this.store.writeEpisode(result.write);
      }
    } catch (error) {
      // A retried request may fail after its first attempt committed; otherwise nothing was, and the messages go back.
      if (!result || !(await this.committed(result))) return this.retryLater(instanceId, messages, error);
    }
    this.episodes++;
    // The execution ended or continued as new: its timers still pending in memory are void (their rows went with it).
    if (result.ended || result.write.state.executionId !== executionId) this.dropPending(instanceId);
    this.cache.set(instanceId, { state: result.write.state, history: result.history });
    result.write.newMessages.forEach((m) => this.deliver({ ...m, rowKey: rowKeys.message(m.id) }));
    result.write.newWork.forEach((w) => this.enqueueWork(w));
    await Promise.all(
      result.staleRows.map((rowKey) =>
        this.store.deleteRow(instanceId, rowKey).catch((error: Error) => {
          this.options.log?.(`A stale row ${rowKey} of ${instanceId} stays until the next restart: ${error.message}`);
        }),
      ),
    );
  }

  private async committed(result: EpisodeResult): Promise<boolean> {
    const { instanceId, executionId, nextSeq } = result.write.state;
    const stored = await this.store.loadState(instanceId).catch(() => undefined);
    return stored?.executionId === executionId && stored.nextSeq === nextSeq;
  }

  /**
   * Puts the messages back after a second. A consumed row that is gone (404: a duplicate delivery, or a message
   * consumed already) would fail every retry, so messages whose rows are no longer stored are left out.
   */
  private async retryLater(instanceId: string, messages: Message[], error: unknown): Promise<void> {
    this.options.log?.(
      `Episode of ${instanceId} failed and will be retried: ${(error as Error)?.message ?? String(error)}`,
    );
    this.cache.delete(instanceId);
    let retry = messages;
    if ((error as { statusCode?: number })?.statusCode === 404) {
      const stored = await this.store.pendingRowKeys(instanceId).catch(() => undefined);
      if (stored) retry = messages.filter((m) => !m.rowKey || stored.has(m.rowKey));
    }
    setTimeout(() => retry.forEach((m) => this.deliver(m)), 1000).unref();
  }

  private async load(instanceId: string): Promise<{ state: InstanceState; history: HistoryEvent[] } | undefined> {
    const state = await this.store.loadState(instanceId);
    if (!state) return undefined;
    const loaded = { state, history: await this.store.loadHistory(state) };
    this.cache.set(instanceId, loaded);
    return loaded;
  }

  private enqueueWork(work: WorkItem): void {
    if (this.stopped) return;
    this.workQueue.push(work);
    this.pump();
  }

  private async runWork(work: WorkItem): Promise<void> {
    const outcome = await this.functions.runActivity(work.name, work.input, work.instanceId);
    const body: Message['body'] =
      'result' in outcome
        ? { type: 'taskCompleted', taskId: work.taskId, result: outcome.result }
        : { type: 'taskFailed', taskId: work.taskId, reason: outcome.reason, details: outcome.details };
    this.deliver({
      instanceId: work.instanceId,
      executionId: work.executionId,
      id: this.newId(),
      visibleAt: this.clock.now(),
      body,
      rowKey: work.rowKey ?? rowKeys.work(work),
    });
  }

  private isIdle(): boolean {
    return (
      this.ready.size === 0 && this.running.size === 0 && this.activeActivities === 0 && this.workQueue.length === 0
    );
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }
}
