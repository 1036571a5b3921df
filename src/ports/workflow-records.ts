/**
 * What the workflow engine recorded about its instances, for ops: summaries page by page, and one
 * instance's history (Durable Functions' status API in production). Read-only.
 */
import type { RecordedStep } from '../domain/recorded-step';

export interface InstanceSummary {
  instanceId: string;
  /** The orchestrator's name. */
  name: string;
  runtimeStatus: string;
  /** The last custom status the instance published (raw: redact before showing). */
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
}

export interface InstanceQuery {
  runtimeStatuses?: string[];
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
  /** The orchestration's output (raw: redact before showing). */
  output: unknown;
  steps: RecordedStep[];
}

/** The engine refused a list query whose filters were valid: its continuation token is not one it issued. */
export class InvalidContinuationToken extends Error {
  constructor() {
    super('The continuation token was not accepted');
    this.name = 'InvalidContinuationToken';
  }
}

export interface WorkflowRecords {
  /** Throws InvalidContinuationToken when the engine refuses the token. */
  list(query: InstanceQuery): Promise<InstancePage>;
  /** Undefined when there is no such instance. */
  history(instanceId: string): Promise<InstanceHistory | undefined>;
}
