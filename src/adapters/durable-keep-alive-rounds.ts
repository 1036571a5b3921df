import type { DurableClient } from 'durable-functions';
import { ORCHESTRATOR } from '../domain/durable-names';
import type { KeepAliveRoundInput } from '../domain/keep-alive-round';
import type { KeepAliveRounds } from '../ports/keep-alive-rounds';

/** Keep-alive rounds as Durable Functions orchestrations, through the invocation's durable client. */
export class DurableKeepAliveRounds implements KeepAliveRounds {
  constructor(private readonly client: DurableClient) {}

  async startOnce(roundId: string, input: KeepAliveRoundInput): Promise<boolean> {
    if (await this.exists(roundId)) return false;
    try {
      await this.client.startNew(ORCHESTRATOR.TokenKeepAliveRound, { instanceId: roundId, input });
      return true;
    } catch (error) {
      // Another host started it between the two calls: the extension refuses an ID that is running.
      if (await this.exists(roundId)) return false;
      throw error;
    }
  }

  private async exists(roundId: string): Promise<boolean> {
    try {
      await this.client.getStatus(roundId, { showInput: false });
      return true;
    } catch (error) {
      // The SDK reports a missing instance only through its error message.
      if (/HTTP 404/.test((error as Error).message)) return false;
      throw error;
    }
  }
}
