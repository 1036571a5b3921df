import type { TableClient } from '@azure/data-tables';
import type { ConnectionCheck } from '../domain/connection-check';
import type { RegisteredPayerAccount } from '../domain/consent';
import type { PayerAccountRecord, PendingSubmission } from '../domain/payer-account';
import type { AccountHealth } from '../domain/token-health';
import type { PayerAccountChanges, PayerAccounts, RegisteredPage } from '../ports/payer-accounts';

const ROW_KEY = 'payer-account';
const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

/** Nested values are JSON columns; a cleared reconsentId is '' (a Merge cannot remove a column). */
type Row = Omit<
  PayerAccountRecord,
  'organizationId' | 'account' | 'health' | 'lastConnectionCheck' | 'pendingSubmission'
> & {
  partitionKey: string;
  rowKey: string;
  etag?: string;
  account?: string;
  health?: string;
  lastConnectionCheck?: string;
  pendingSubmission?: string;
};

/** Payer accounts in Azure Table Storage: one partition per organization, one row per payer account. */
export class TablePayerAccounts implements PayerAccounts {
  private ready: Promise<unknown> | undefined;

  constructor(private readonly table: TableClient) {}

  async claim(record: PayerAccountRecord): Promise<boolean> {
    await this.ensureTable();
    const {
      organizationId,
      account: _account,
      health: _health,
      lastConnectionCheck: _check,
      pendingSubmission: _pending,
      version: _version,
      ...rest
    } = record;
    try {
      await this.table.createEntity<Row>({ partitionKey: organizationId, rowKey: ROW_KEY, ...rest });
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  async find(organizationId: string): Promise<PayerAccountRecord | undefined> {
    const row = await this.read(organizationId);
    return row && { ...row.record, version: row.etag };
  }

  async remove(organizationId: string, version: string): Promise<'removed' | 'changed' | 'gone'> {
    await this.ensureTable();
    try {
      await this.table.deleteEntity(organizationId, ROW_KEY, { etag: version });
      return 'removed';
    } catch (error) {
      if (statusOf(error) === 404) return 'gone';
      if (statusOf(error) === 412) return 'changed';
      throw error;
    }
  }

  async release(organizationId: string, registrationId: string): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = await this.read(organizationId);
      // A registered account is never released by its registration, only deregistered.
      if (!row || row.record.registrationId !== registrationId || row.record.state !== 'registering') return false;
      try {
        await this.table.deleteEntity(organizationId, ROW_KEY, { etag: row.etag });
        return true;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        if (statusOf(error) !== 412) throw error;
      }
    }
    return false;
  }

  async listRegisteredPage(pageSize: number, continuationToken?: string): Promise<RegisteredPage> {
    await this.ensureTable();
    const pages = this.table
      .listEntities<Pick<Row, 'partitionKey'>>({
        queryOptions: { filter: `RowKey eq '${ROW_KEY}' and state eq 'registered'`, select: ['PartitionKey'] },
      })
      .byPage({ maxPageSize: pageSize, continuationToken });
    const { value: page } = await pages.next();
    if (!page) return { organizationIds: [] };
    const organizationIds = page.map((row: { partitionKey?: string }) => row.partitionKey as string);
    return { organizationIds, ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) };
  }

  async update(
    organizationId: string,
    version: string,
    changes: PayerAccountChanges,
  ): Promise<'updated' | 'changed' | 'gone'> {
    await this.ensureTable();
    const columns: Partial<Row> = {
      ...(changes.account ? { account: JSON.stringify(changes.account) } : {}),
      ...(changes.health ? { health: JSON.stringify(changes.health) } : {}),
      ...(changes.reconsentId !== undefined ? { reconsentId: changes.reconsentId ?? '' } : {}),
      ...(changes.lastConnectionCheck ? { lastConnectionCheck: JSON.stringify(changes.lastConnectionCheck) } : {}),
      ...(changes.pendingSubmission ? { pendingSubmission: JSON.stringify(changes.pendingSubmission) } : {}),
    };
    try {
      await this.table.updateEntity({ partitionKey: organizationId, rowKey: ROW_KEY, ...columns }, 'Merge', {
        etag: version,
      });
      return 'updated';
    } catch (error) {
      if (statusOf(error) === 404) return 'gone';
      if (statusOf(error) === 412) return 'changed';
      throw error;
    }
  }

  async register(
    organizationId: string,
    registrationId: string,
    account: RegisteredPayerAccount,
    health?: AccountHealth,
  ): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const row = await this.read(organizationId);
      if (!row || row.record.registrationId !== registrationId) return false;
      if (row.record.state === 'registered') return true;
      try {
        await this.table.updateEntity(
          {
            partitionKey: organizationId,
            rowKey: ROW_KEY,
            state: 'registered',
            account: JSON.stringify(account),
            ...(health ? { health: JSON.stringify(health) } : {}),
          },
          'Merge',
          { etag: row.etag },
        );
        return true;
      } catch (error) {
        if (statusOf(error) !== 412) throw error;
      }
    }
    return false;
  }

  private async read(organizationId: string): Promise<{ record: PayerAccountRecord; etag: string } | undefined> {
    await this.ensureTable();
    try {
      const row = await this.table.getEntity<Row>(organizationId, ROW_KEY);
      return { etag: row.etag as string, record: toRecord(row) };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  private ensureTable(): Promise<unknown> {
    this.ready ??= this.table.createTable().catch((error) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}

function toRecord(row: Row): PayerAccountRecord {
  return {
    organizationId: row.partitionKey,
    state: row.state,
    registrationId: row.registrationId,
    accountName: row.accountName,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    ...(row.account ? { account: JSON.parse(row.account) as RegisteredPayerAccount } : {}),
    ...(row.health ? { health: JSON.parse(row.health) as AccountHealth } : {}),
    ...(row.reconsentId ? { reconsentId: row.reconsentId } : {}),
    ...(row.lastConnectionCheck ? { lastConnectionCheck: JSON.parse(row.lastConnectionCheck) as ConnectionCheck } : {}),
    ...(row.pendingSubmission ? { pendingSubmission: JSON.parse(row.pendingSubmission) as PendingSubmission } : {}),
  };
}
