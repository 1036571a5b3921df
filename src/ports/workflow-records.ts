/**
 * What the workflow engine recorded about its instances: summaries page by page and one instance's history, for ops;
 * and the purge of an ended instance's records, for retention (Durable Functions' management API in production).
 */
import type { RecordedStep } from '../domain/recorded-step';

export interface InstanceSummary {
  instanceId: string;
  /** The orchestrator's name. */
  name: string;
  runtimeStatus: string;
  /** The last custom status the instance published (raw: redact before showing). */
  customStatus: unknown;
  /** What it answered when it ended (raw: redact before showing); null while it runs. */
  output?: unknown;
  createdTime: string;
  lastUpdatedTime: string;
}

export interface InstanceQuery {
  runtimeStatuses?: string[];
  /** Only instances whose ID starts with this. */
  instanceIdPrefix?: string;
  createdFrom?: Date;
  createdTo?: Date;
  pageSize: number;
  /** From the previous page; opaque. */
  continuationToken?: string;
}

export interface InstancePage {
  instances: InstanceSummary[];
  /** Present when more instances may follow; opaque, passed back as is. */
  continuationToken?: string;
}

export interface InstanceHistory extends InstanceSummary {
  steps: RecordedStep[];
}

/** The engine refused a list query whose filters were valid: its continuation token is not one it issued. */
export class InvalidContinuationToken extends Error {
  constructor() {
    super('The continuation token was not accepted');
    this.name = 'InvalidContinuationToken';
  }
}

/**
 * What purging one instance did: its history and state deleted, already gone (another purge got there first), or
 * refused because it has not ended (the engine never purges a running or pending instance).
 */
export type PurgeOutcome = 'purged' | 'notFound' | 'notEnded';

export interface WorkflowRecords {
  /** Throws InvalidContinuationToken when the engine refuses the token. */
  list(query: InstanceQuery): Promise<InstancePage>;
  /** Undefined when there is no such instance. */
  history(instanceId: string): Promise<InstanceHistory | undefined>;
  /** Deletes an ended instance's history and state; throws TransientError when the engine cannot answer. */
  purge(instanceId: string): Promise<PurgeOutcome>;
}
