import type {
  DurableStore,
  EpisodeWrite,
  InstanceState,
  ListQuery,
  Message,
  TimerStatus,
  WorkItem,
} from './durable-store';
import { rowKeys } from './durable-store';
import type { HistoryEvent } from './history';

type Stored =
  | { kind: 'state'; value: InstanceState }
  | { kind: 'history'; value: HistoryEvent[] }
  | { kind: 'message'; value: Message }
  | { kind: 'work'; value: WorkItem };

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The same contract as the Table store, in memory, for fast tests of the engine. */
export class MemoryDurableStore implements DurableStore {
  private readonly partitions = new Map<string, Map<string, Stored>>();
  private count = 0;

  get transactions(): number {
    return this.count;
  }

  async init(): Promise<void> {}

  async create(state: InstanceState, start: Message): Promise<boolean> {
    this.count++;
    if (this.partition(state.instanceId).has(rowKeys.state)) return false;
    this.put(state.instanceId, rowKeys.state, { kind: 'state', value: state });
    this.put(start.instanceId, rowKeys.message(start.id), { kind: 'message', value: start });
    return true;
  }

  async loadState(instanceId: string): Promise<InstanceState | undefined> {
    this.count++;
    const row = this.partitions.get(instanceId)?.get(rowKeys.state);
    return row ? clone(row.value as InstanceState) : undefined;
  }

  async loadHistory(state: InstanceState): Promise<HistoryEvent[]> {
    this.count++;
    const events: HistoryEvent[] = [];
    for (let seq = state.historyStart; seq < state.nextSeq; seq++) {
      const row = this.partition(state.instanceId).get(rowKeys.history(seq));
      if (row) events.push(...clone(row.value as HistoryEvent[]));
    }
    return events;
  }

  async writeEpisode(write: EpisodeWrite): Promise<void> {
    this.count++;
    const { state } = write;
    // As a Table batch: a consumed row that is gone fails the whole episode.
    const missing = write.deleteRows.find((rowKey) => !this.partition(state.instanceId).has(rowKey));
    if (missing)
      throw Object.assign(new Error(`The row ${missing} of ${state.instanceId} does not exist`), { statusCode: 404 });
    if (write.newEvents.length)
      this.put(state.instanceId, rowKeys.history(state.nextSeq - 1), { kind: 'history', value: write.newEvents });
    for (const rowKey of write.deleteRows) this.partition(state.instanceId).delete(rowKey);
    for (const m of write.newMessages) this.put(m.instanceId, rowKeys.message(m.id), { kind: 'message', value: m });
    for (const w of write.newWork) this.put(w.instanceId, rowKeys.work(w), { kind: 'work', value: w });
    this.put(state.instanceId, rowKeys.state, { kind: 'state', value: state });
  }

  async enqueue(message: Message): Promise<void> {
    this.count++;
    this.put(message.instanceId, rowKeys.message(message.id), { kind: 'message', value: message });
  }

  async deleteRow(instanceId: string, rowKey: string): Promise<void> {
    this.count++;
    this.partitions.get(instanceId)?.delete(rowKey);
  }

  async loadPending(): Promise<{ messages: Message[]; work: WorkItem[] }> {
    this.count++;
    const rows = [...this.partitions.values()].flatMap((p) => [...p.entries()]);
    return {
      messages: rows.filter(([, r]) => r.kind === 'message').map(([, r]) => clone(r.value as Message)),
      work: rows.filter(([, r]) => r.kind === 'work').map(([rowKey, r]) => ({ ...clone(r.value as WorkItem), rowKey })),
    };
  }

  async pendingRowKeys(instanceId: string): Promise<Set<string>> {
    this.count++;
    return new Set(
      [...(this.partitions.get(instanceId)?.entries() ?? [])]
        .filter(([, r]) => r.kind === 'message' || r.kind === 'work')
        .map(([rowKey]) => rowKey),
    );
  }

  async list(query: ListQuery): Promise<{ states: InstanceState[]; continuationToken?: string }> {
    this.count++;
    const all = [...this.partitions.values()]
      .map((p) => p.get(rowKeys.state)?.value as InstanceState | undefined)
      .filter((s): s is InstanceState => !!s)
      .filter((s) => !query.statuses?.length || query.statuses.includes(s.status))
      .filter((s) => !query.createdFrom || s.createdAt >= query.createdFrom.toISOString())
      .filter((s) => !query.createdTo || s.createdAt <= query.createdTo.toISOString())
      .filter((s) => !query.instanceIdPrefix || s.instanceId.startsWith(query.instanceIdPrefix))
      .sort((a, b) => (a.instanceId < b.instanceId ? -1 : 1));
    const start = query.continuationToken ? Number(query.continuationToken) : 0;
    const end = start + (query.pageSize ?? 100);
    return { states: all.slice(start, end).map(clone), continuationToken: end < all.length ? String(end) : undefined };
  }

  async purge(instanceId: string): Promise<void> {
    this.count++;
    this.partitions.delete(instanceId);
  }

  private clockOffset = 0;

  async loadClockOffset(): Promise<number> {
    return this.clockOffset;
  }

  async saveClockOffset(offsetMs: number): Promise<void> {
    this.clockOffset = offsetMs;
  }

  private readonly timers = new Map<string, TimerStatus>();

  async loadTimerStatus(functionName: string): Promise<TimerStatus | undefined> {
    const status = this.timers.get(functionName);
    return status && clone(status);
  }

  async saveTimerStatus(functionName: string, status: TimerStatus): Promise<void> {
    this.timers.set(functionName, clone(status));
  }

  private partition(instanceId: string): Map<string, Stored> {
    let p = this.partitions.get(instanceId);
    if (!p) this.partitions.set(instanceId, (p = new Map()));
    return p;
  }

  private put(instanceId: string, rowKey: string, row: Stored): void {
    this.partition(instanceId).set(rowKey, clone(row));
  }
}
