import { odata, TableClient } from '@azure/data-tables';
import type {
  DurableStore,
  EpisodeWrite,
  InstanceState,
  ListQuery,
  Message,
  TimerStatus,
  WorkItem,
} from './durable-store';
import { PayloadTooLargeError, rowKeys } from './durable-store';
import type { HistoryEvent } from './history';
import type { BatchOperation } from './table-batch';
import { TableBatchSender } from './table-batch';

// A string property holds at most 64 KiB (32K UTF-16 chars); an entity at most 1 MiB.
const CHUNK_CHARS = 30_000;
const MAX_CHUNKS = 15;
const MAX_BATCH = 100;

type Kind = 'state' | 'history' | 'message' | 'work';
interface Row {
  partitionKey: string;
  rowKey: string;
  kind: Kind;
  [property: string]: unknown;
}

function toRow(
  instanceId: string,
  rowKey: string,
  kind: Kind,
  value: unknown,
  extra: Record<string, unknown> = {},
): Row {
  const json = JSON.stringify(value);
  const chunks = Math.max(1, Math.ceil(json.length / CHUNK_CHARS));
  if (chunks > MAX_CHUNKS) {
    throw new PayloadTooLargeError(
      `Durable payload of ${json.length} characters for instance ${instanceId} exceeds the local host's 1 MiB entity limit`,
    );
  }
  const row: Row = { partitionKey: instanceId, rowKey, kind, chunks, ...extra };
  for (let i = 0; i < chunks; i++) row[`d${i}`] = json.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS);
  return row;
}

function fromRow<T>(row: Record<string, unknown>): T {
  let json = '';
  for (let i = 0; i < Number(row.chunks); i++) json += row[`d${i}`] as string;
  return JSON.parse(json) as T;
}

const stateRow = (s: InstanceState) =>
  toRow(s.instanceId, rowKeys.state, 'state', s, { status: s.status, createdAt: s.createdAt, name: s.name });
const messageRow = (m: Message) => toRow(m.instanceId, rowKeys.message(m.id), 'message', m);
const workRow = (w: WorkItem) => toRow(w.instanceId, rowKeys.work(w), 'work', w);

/** Durable state in one Azure Table: a partition per instance holding its state, history, inbox and work. */
export class TableDurableStore implements DurableStore {
  private readonly table: TableClient;
  /** Rows of the host itself, apart from instances (any string may be an instance id). */
  private readonly hostTable: TableClient;
  private readonly batches: TableBatchSender;
  private count = 0;

  constructor(connectionString: string, tableName: string) {
    this.table = TableClient.fromConnectionString(connectionString, tableName, { allowInsecureConnection: true });
    this.hostTable = TableClient.fromConnectionString(connectionString, `${tableName}Host`, {
      allowInsecureConnection: true,
    });
    this.batches = new TableBatchSender(this.table);
  }

  get transactions(): number {
    return this.count;
  }

  async init(): Promise<void> {
    this.count += 2;
    await Promise.all([this.table.createTable(), this.hostTable.createTable()]);
  }

  async create(state: InstanceState, start: Message): Promise<boolean> {
    try {
      await this.submit([
        { verb: 'create', entity: stateRow(state) },
        { verb: 'create', entity: messageRow(start) },
      ]);
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 409) return false;
      throw error;
    }
  }

  async loadState(instanceId: string): Promise<InstanceState | undefined> {
    this.count++;
    try {
      return fromRow<InstanceState>(await this.table.getEntity(instanceId, rowKeys.state));
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async loadHistory(state: InstanceState): Promise<HistoryEvent[]> {
    const filter = odata`PartitionKey eq ${state.instanceId} and RowKey ge ${rowKeys.history(state.historyStart)} and RowKey lt ${rowKeys.history(state.nextSeq)}`;
    return (await this.query(filter)).flatMap((row) => fromRow<HistoryEvent[]>(row));
  }

  async writeEpisode(write: EpisodeWrite): Promise<void> {
    const { state } = write;
    // Writes first, as replacements, so an episode that did not commit can be written again; the consumed rows'
    // deletes and the state row last, so a batch that fails leaves the state at the old end of history.
    const actions: BatchOperation[] = [
      ...(write.newEvents.length
        ? [
            {
              verb: 'replace',
              entity: toRow(state.instanceId, rowKeys.history(state.nextSeq - 1), 'history', write.newEvents),
            } as const,
          ]
        : []),
      ...write.newMessages.map((m): BatchOperation => ({ verb: 'replace', entity: messageRow(m) })),
      ...write.newWork.map((w): BatchOperation => ({ verb: 'replace', entity: workRow(w) })),
      ...write.deleteRows.map((rowKey): BatchOperation => ({ verb: 'delete', partitionKey: state.instanceId, rowKey })),
      { verb: 'replace', entity: stateRow(state) },
    ];
    for (let start = 0; start < actions.length; start += MAX_BATCH)
      await this.submit(actions.slice(start, start + MAX_BATCH));
  }

  async enqueue(message: Message): Promise<void> {
    this.count++;
    await this.table.createEntity(messageRow(message));
  }

  async deleteRow(instanceId: string, rowKey: string): Promise<void> {
    this.count++;
    try {
      await this.table.deleteEntity(instanceId, rowKey);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }

  async loadPending(): Promise<{ messages: Message[]; work: WorkItem[] }> {
    const rows = await this.query(odata`kind eq ${'message'} or kind eq ${'work'}`);
    return {
      messages: rows.filter((r) => r.kind === 'message').map((r) => fromRow<Message>(r)),
      work: rows.filter((r) => r.kind === 'work').map((r) => ({ ...fromRow<WorkItem>(r), rowKey: r.rowKey as string })),
    };
  }

  async pendingRowKeys(instanceId: string): Promise<Set<string>> {
    const rows = await this.query(
      odata`PartitionKey eq ${instanceId} and (kind eq ${'message'} or kind eq ${'work'})`,
      ['RowKey'],
    );
    return new Set(rows.map((r) => r.rowKey as string));
  }

  async list(query: ListQuery): Promise<{ states: InstanceState[]; continuationToken?: string }> {
    const clauses = [odata`RowKey eq ${rowKeys.state}`];
    if (query.statuses?.length) clauses.push(`(${query.statuses.map((s) => odata`status eq ${s}`).join(' or ')})`);
    if (query.createdFrom) clauses.push(odata`createdAt ge ${query.createdFrom.toISOString()}`);
    if (query.createdTo) clauses.push(odata`createdAt le ${query.createdTo.toISOString()}`);
    if (query.instanceIdPrefix) {
      const prefix = query.instanceIdPrefix;
      const past = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
      clauses.push(odata`PartitionKey ge ${prefix} and PartitionKey lt ${past}`);
    }
    const pages = this.table
      .listEntities<Record<string, unknown>>({ queryOptions: { filter: clauses.join(' and ') } })
      .byPage({ maxPageSize: query.pageSize ?? 100, continuationToken: query.continuationToken });
    this.count++;
    const page = await pages.next();
    if (page.done) return { states: [] };
    return {
      states: page.value.map((r) => fromRow<InstanceState>(r)),
      continuationToken: page.value.continuationToken,
    };
  }

  async purge(instanceId: string): Promise<void> {
    const rows = await this.query(odata`PartitionKey eq ${instanceId}`, ['RowKey']);
    for (let i = 0; i < rows.length; i += MAX_BATCH) {
      await this.submit(
        rows
          .slice(i, i + MAX_BATCH)
          .map((r): BatchOperation => ({ verb: 'delete', partitionKey: instanceId, rowKey: r.rowKey as string })),
      );
    }
  }

  async loadClockOffset(): Promise<number> {
    this.count++;
    try {
      return Number((await this.hostTable.getEntity<{ offsetMs: number }>('clock', 'offset')).offsetMs);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return 0;
      throw error;
    }
  }

  async saveClockOffset(offsetMs: number): Promise<void> {
    this.count++;
    await this.hostTable.upsertEntity({ partitionKey: 'clock', rowKey: 'offset', offsetMs }, 'Replace');
  }

  async loadTimerStatus(functionName: string): Promise<TimerStatus | undefined> {
    this.count++;
    try {
      const row = await this.hostTable.getEntity<Record<string, unknown>>('timer', functionName);
      return {
        last: row.last === undefined ? undefined : Number(row.last),
        next: Number(row.next),
        lastUpdated: Number(row.lastUpdated),
      };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async saveTimerStatus(functionName: string, status: TimerStatus): Promise<void> {
    this.count++;
    const { last, next, lastUpdated } = status;
    await this.hostTable.upsertEntity(
      { partitionKey: 'timer', rowKey: functionName, next, lastUpdated, ...(last === undefined ? {} : { last }) },
      'Replace',
    );
  }

  private async query(filter: string, select?: string[]): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    for await (const page of this.table
      .listEntities<Record<string, unknown>>({ queryOptions: { filter, select } })
      .byPage({ maxPageSize: 1000 })) {
      this.count++;
      rows.push(...page);
    }
    return rows;
  }

  private async submit(operations: BatchOperation[]): Promise<void> {
    this.count++;
    if (operations.length > 1) return this.batches.submit(operations);
    const [operation] = operations;
    if (operation.verb === 'create') await this.table.createEntity(operation.entity);
    else if (operation.verb === 'delete') await this.table.deleteEntity(operation.partitionKey, operation.rowKey);
    else await this.table.upsertEntity(operation.entity, 'Replace');
  }
}
