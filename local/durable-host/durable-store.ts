import type { HistoryEvent } from './history';

export type RuntimeStatus = 'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Terminated';

export const TERMINAL_STATUSES: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];

export interface RetryOptions {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/** A CallActivityWithRetry in flight; keyed in state by the id of its current task or backoff timer. */
export interface RetryTracker {
  functionName: string;
  input: string | undefined;
  options: RetryOptions;
  failures: number;
}

export interface InstanceState {
  instanceId: string;
  name: string;
  executionId: string;
  status: RuntimeStatus;
  input: string | null;
  output: string | null;
  customStatus: string | null;
  createdAt: string;
  lastUpdatedAt: string;
  /** History rows (one per episode) of the current execution are [historyStart, nextSeq). */
  historyStart: number;
  nextSeq: number;
  actionsSeen: number;
  /**
   * Event names the orchestrator may be waiting for (it issued more waits than it received
   * events). An event for any other name cannot resume it, so it waits for the next episode.
   * Undefined until the first episode ran: then every event starts an episode.
   */
  awaitedEvents?: string[];
  nextTaskId: number;
  retries: Record<string, RetryTracker>;
  /** Long timers waited for in sub-timers, by the ID of their pending sub-timer (long-timers.ts). */
  longTimers?: Record<string, LongTimerTracker>;
}

export interface LongTimerTracker {
  /** When the orchestrator's timer is due. */
  fireAt: string;
  /** Its action's position among the leaf actions the orchestrator returns, to read whether it was cancelled. */
  leaf: number;
  /** The orchestrator cancelled it: no further sub-timer. */
  canceled?: boolean;
  /**
   * The task ID of its second sub-timer, once its first one fired: a replay by the extension's out-of-process shim,
   * which cancels a cancelled long timer at its first sub-timer, no longer creates it.
   */
  secondSubTimer?: number;
}

export type MessageBody =
  | { type: 'start' }
  | { type: 'event'; name: string; input: string | undefined }
  | { type: 'taskCompleted'; taskId: number; result: string }
  | { type: 'taskFailed'; taskId: number; reason: string; details: string }
  | { type: 'timerFired'; timerId: number; fireAt: string }
  | { type: 'terminate'; reason: string };

export interface Message {
  instanceId: string;
  executionId: string;
  /** Orders messages of one instance; also the row key suffix when stored. */
  id: string;
  visibleAt: number;
  body: MessageBody;
  /** Row to delete once consumed: the message's own row, or the work item whose result it is. */
  rowKey?: string;
}

export interface WorkItem {
  instanceId: string;
  executionId: string;
  taskId: number;
  name: string;
  input: string | undefined;
  /** The row it was loaded from (rows of older hosts have other keys); new work is stored at rowKeys.work. */
  rowKey?: string;
}

export interface EpisodeWrite {
  state: InstanceState;
  /** The episode's events, appended as one history row at sequence state.nextSeq - 1 (none if empty). */
  newEvents: HistoryEvent[];
  deleteRows: string[];
  newMessages: Message[];
  newWork: WorkItem[];
}

export interface ListQuery {
  statuses?: RuntimeStatus[];
  /** Only instances whose ID starts with this (the extension's `instanceIdPrefix`). */
  instanceIdPrefix?: string;
  createdFrom?: Date;
  createdTo?: Date;
  pageSize?: number;
  continuationToken?: string;
}

/** A timer function's schedule status (epoch ms), which the Functions host keeps per function in blob storage. */
export interface TimerStatus {
  /** The last occurrence run; undefined until the first. */
  last?: number;
  next: number;
  lastUpdated: number;
}

/** A row the store cannot hold (a payload over its size limit): writing the episode again cannot succeed. */
export class PayloadTooLargeError extends Error {}

export interface DurableStore {
  init(): Promise<void>;
  /** Creates the instance with its start message, atomically; false when it already exists. */
  create(state: InstanceState, start: Message): Promise<boolean>;
  loadState(instanceId: string): Promise<InstanceState | undefined>;
  loadHistory(state: InstanceState): Promise<HistoryEvent[]>;
  /**
   * One episode's writes; one transaction unless it exceeds a batch. Rewriting an episode that did not commit is
   * safe; a consumed row that is gone fails it (status 404) and nothing of it is committed.
   */
  writeEpisode(write: EpisodeWrite): Promise<void>;
  enqueue(message: Message): Promise<void>;
  deleteRow(instanceId: string, rowKey: string): Promise<void>;
  loadPending(): Promise<{ messages: Message[]; work: WorkItem[] }>;
  /** The row keys of an instance's stored messages and work items. */
  pendingRowKeys(instanceId: string): Promise<Set<string>>;
  list(query: ListQuery): Promise<{ states: InstanceState[]; continuationToken?: string }>;
  purge(instanceId: string): Promise<void>;
  /** How far the host's clock was moved ahead, kept so time never runs backwards across a restart. */
  loadClockOffset(): Promise<number>;
  saveClockOffset(offsetMs: number): Promise<void>;
  loadTimerStatus(functionName: string): Promise<TimerStatus | undefined>;
  saveTimerStatus(functionName: string, status: TimerStatus): Promise<void>;
  /** Storage transactions issued so far (a batch or a query page counts once). */
  readonly transactions: number;
}

export const rowKeys = {
  state: 'state',
  history: (seq: number) => `h-${String(seq).padStart(10, '0')}`,
  message: (id: string) => `m-${id}`,
  /** Per execution: continue-as-new numbers tasks from 0 again while the old execution's activities may still run. */
  work: (w: { executionId: string; taskId: number }) => `w-${w.executionId}-${String(w.taskId).padStart(8, '0')}`,
};
