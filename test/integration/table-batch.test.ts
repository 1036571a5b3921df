import { AzureNamedKeyCredential, generateAccountSas, RestError, TableClient } from '@azure/data-tables';
import type { RunningAzurite } from '../../local/azurite';
import { startAzurite } from '../../local/azurite';
import { TableBatchSender } from '../../local/durable-host/table-batch';
import { TableDurableStore } from '../../local/durable-host/table-durable-store';

describe('entity group transactions of the local host, against Azurite', () => {
  let azurite: RunningAzurite;
  let table: TableClient;
  let batches: TableBatchSender;

  const rows = async (partitionKey: string) => {
    const found: Record<string, unknown>[] = [];
    for await (const row of table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey eq '${partitionKey.replace(/'/g, "''")}'` },
    })) {
      const { partitionKey: _p, etag: _e, timestamp: _t, ...rest } = row;
      found.push(rest);
    }
    return found.sort((a, b) => String(a.rowKey).localeCompare(String(b.rowKey)));
  };
  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RestError);
    return error as RestError;
  };

  beforeAll(async () => {
    azurite = await startAzurite();
    table = TableClient.fromConnectionString(azurite.connectionString, 'BatchTest', { allowInsecureConnection: true });
    await table.createTable();
    batches = new TableBatchSender(table);
  });
  afterAll(async () => {
    await azurite?.stop();
  });

  it('creates, replaces and deletes in one batch, keeping property types', async () => {
    await table.createEntity({ partitionKey: 'p1', rowKey: 'old', kind: 'x' });
    await table.createEntity({ partitionKey: 'p1', rowKey: 'kept', kind: 'before', extra: 'dropped by replace' });
    await batches.submit([
      {
        verb: 'create',
        entity: { partitionKey: 'p1', rowKey: 'new', text: 'hello', flag: true, count: 7, negative: -2147483648 },
      },
      { verb: 'replace', entity: { partitionKey: 'p1', rowKey: 'kept', kind: 'after' } },
      { verb: 'replace', entity: { partitionKey: 'p1', rowKey: 'upserted', kind: 'inserted by replace' } },
      { verb: 'delete', partitionKey: 'p1', rowKey: 'old' },
    ]);
    expect(await rows('p1')).toEqual([
      { rowKey: 'kept', kind: 'after' },
      { rowKey: 'new', text: 'hello', flag: true, count: 7, negative: -2147483648 },
      { rowKey: 'upserted', kind: 'inserted by replace' },
    ]);
  });

  it('addresses keys holding quotes, spaces, percent signs and non-ASCII text', async () => {
    const partitionKey = "it's 100% the Ölfeld partition";
    const rowKey = "row 'one' & más";
    await batches.submit([
      { verb: 'create', entity: { partitionKey, rowKey, v: 'a' } },
      { verb: 'create', entity: { partitionKey, rowKey: 'second', v: 'b' } },
    ]);
    await batches.submit([
      { verb: 'replace', entity: { partitionKey, rowKey, v: 'c' } },
      { verb: 'delete', partitionKey, rowKey: 'second' },
    ]);
    expect(await rows(partitionKey)).toEqual([{ rowKey, v: 'c' }]);
    expect((await table.getEntity<{ v: string }>(partitionKey, rowKey)).v).toBe('c');
  });

  it('fails the whole batch with the status and code of the operation that failed', async () => {
    await table.createEntity({ partitionKey: 'p2', rowKey: 'taken', v: 'original' });
    const conflict = await failure(
      batches.submit([
        { verb: 'create', entity: { partitionKey: 'p2', rowKey: 'fresh', v: 'new' } },
        { verb: 'create', entity: { partitionKey: 'p2', rowKey: 'taken', v: 'overwritten?' } },
      ]),
    );
    expect(conflict.statusCode).toBe(409);
    expect(conflict.code).toBe('EntityAlreadyExists');

    const missing = await failure(
      batches.submit([
        { verb: 'replace', entity: { partitionKey: 'p2', rowKey: 'taken', v: 'replaced?' } },
        { verb: 'delete', partitionKey: 'p2', rowKey: 'never-written' },
      ]),
    );
    expect(missing.statusCode).toBe(404);
    expect(missing.code).toBe('ResourceNotFound');
    expect(await rows('p2')).toEqual([{ rowKey: 'taken', v: 'original' }]);
  });

  it('refuses what it cannot write faithfully before sending anything', async () => {
    await expect(batches.submit([])).rejects.toThrow(RangeError);
    const many = Array.from({ length: 101 }, (_, i) => ({
      verb: 'create' as const,
      entity: { partitionKey: 'p5', rowKey: `r${i}` },
    }));
    await expect(batches.submit(many)).rejects.toThrow(/1 to 100 operations, not 101/);
    // Azure refuses a batch across partitions with 400; Azurite would write it.
    await expect(
      batches.submit([
        { verb: 'create', entity: { partitionKey: 'p5', rowKey: 'a' } },
        { verb: 'delete', partitionKey: 'p6', rowKey: 'b' },
      ]),
    ).rejects.toThrow(/one partition/);
    for (const value of [2 ** 31, 1.5, { nested: true }, null]) {
      await expect(
        batches.submit([
          { verb: 'create', entity: { partitionKey: 'p5', rowKey: 'a', value } },
          { verb: 'create', entity: { partitionKey: 'p5', rowKey: 'b' } },
        ]),
      ).rejects.toThrow(TypeError);
    }
    expect([...(await rows('p5')), ...(await rows('p6'))]).toEqual([]);
  });

  it('works with a SAS connection string, whose token goes after $batch and not into the parts', async () => {
    const [, account, key] = /AccountName=([^;]+);AccountKey=([^;]+);/.exec(
      azurite.connectionString,
    ) as RegExpExecArray;
    const sas = generateAccountSas(new AzureNamedKeyCredential(account, key), {
      resourceTypes: 'sco',
      permissions: { query: true, add: true, update: true, delete: true, write: true, list: true },
    });
    const viaSas = TableClient.fromConnectionString(
      `TableEndpoint=${azurite.tableEndpoint};SharedAccessSignature=${sas}`,
      'BatchTest',
      { allowInsecureConnection: true },
    );
    expect(viaSas.url).toContain('?');
    await new TableBatchSender(viaSas).submit([
      { verb: 'create', entity: { partitionKey: 'sas', rowKey: 'a', v: '1' } },
      { verb: 'replace', entity: { partitionKey: 'sas', rowKey: 'b', v: '2' } },
    ]);
    expect(await rows('sas')).toEqual([
      { rowKey: 'a', v: '1' },
      { rowKey: 'b', v: '2' },
    ]);
  });

  it("lets the durable store refuse a second instance with the same id (the batch's 409)", async () => {
    const store = new TableDurableStore(azurite.connectionString, 'BatchTestDurable');
    await store.init();
    const now = new Date().toISOString();
    const state = {
      instanceId: 'same-id',
      name: 'Orchestrator',
      executionId: 'e1',
      status: 'Pending' as const,
      input: null,
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
    const start = {
      instanceId: 'same-id',
      executionId: 'e1',
      id: 'm1',
      visibleAt: 0,
      body: { type: 'start' as const },
    };
    expect(await store.create(state, start)).toBe(true);
    expect(await store.create({ ...state, executionId: 'e2' }, { ...start, executionId: 'e2', id: 'm2' })).toBe(false);
    expect((await store.loadState('same-id'))?.executionId).toBe('e1');
    expect((await store.loadPending()).messages.map((m) => m.id)).toEqual(['m1']);
  });
});
