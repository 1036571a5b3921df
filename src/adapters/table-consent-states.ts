import type { TableClient } from '@azure/data-tables';
import type { ConsentStates } from '../ports/consent-states';

/** One row per used state, partitioned by registration; the insert itself is the check. */
export class TableConsentStates implements ConsentStates {
  private ready: Promise<unknown> | undefined;

  constructor(private readonly table: TableClient) {}

  async markUsed(registrationId: string, nonce: string, usedAt: Date): Promise<boolean> {
    this.ready ??= this.table.createTable().catch((error) => {
      this.ready = undefined;
      throw error;
    });
    await this.ready;
    try {
      await this.table.createEntity({ partitionKey: registrationId, rowKey: nonce, usedAt: usedAt.toISOString() });
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 409) return false;
      throw error;
    }
  }

  async release(registrationId: string, nonce: string): Promise<void> {
    try {
      await this.table.deleteEntity(registrationId, nonce);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }
}
