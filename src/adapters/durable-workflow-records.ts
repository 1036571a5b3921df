import type { DurableClient } from 'durable-functions';
import type { RecordedStep } from '../domain/recorded-step';
import { pickSafe } from '../domain/redaction';
import { TransientError } from '../domain/transient-error';
import type {
  InstanceHistory,
  InstancePage,
  InstanceQuery,
  InstanceSummary,
  PurgeOutcome,
  WorkflowRecords,
} from '../ports/workflow-records';
import { InvalidContinuationToken } from '../ports/workflow-records';
import { unwrapContinuationToken, wrapContinuationToken } from './durable-continuation-token';

const CONTINUATION = 'x-ms-continuation-token';

/**
 * Ops reads of the Durable Functions task hub, and the retention purge, through the extension's HTTP management API,
 * at the addresses the durable client hands out (`createHttpManagementPayload`): the same on Azure and locally. The
 * SDK's own calls do not fit: `getStatus(id, {showHistory})` drops the history (durable-js #620) and `getStatusBy`
 * follows every continuation token, so it cannot page.
 * The addresses carry the extension's system key: never logged, never put in an error.
 */
export class DurableWorkflowRecords implements WorkflowRecords {
  constructor(
    private readonly client: DurableClient,
    private readonly options: { timeoutMs?: number } = {},
  ) {}

  async list(query: InstanceQuery): Promise<InstancePage> {
    const url = this.instanceUrl('list-placeholder');
    url.pathname = url.pathname.replace(/\/[^/]*$/, ''); // …/instances/{id} → …/instances
    const q = url.searchParams;
    if (query.runtimeStatuses?.length) q.set('runtimeStatus', query.runtimeStatuses.join(','));
    if (query.instanceIdPrefix) q.set('instanceIdPrefix', query.instanceIdPrefix);
    if (query.createdFrom) q.set('createdTimeFrom', query.createdFrom.toISOString());
    if (query.createdTo) q.set('createdTimeTo', query.createdTo.toISOString());
    q.set('top', String(query.pageSize));
    q.set('showInput', 'false');
    const engineToken = query.continuationToken ? unwrapContinuationToken(query.continuationToken) : undefined;
    const res = await this.get(url, engineToken ? { [CONTINUATION]: engineToken } : {});
    if (res.status === 400 && query.continuationToken) throw new InvalidContinuationToken();
    if (res.status !== 200)
      throw new TransientError(`The durable management API answered HTTP ${res.status} to a list query`, {
        status: res.status,
      });
    const body = (await res.json()) as unknown;
    if (!Array.isArray(body))
      throw new TransientError('The durable management API answered a list query with something other than an array');
    const token = res.headers.get(CONTINUATION);
    return {
      instances: body.map((s) => summary(s as Record<string, unknown>)),
      ...(token && token !== 'null' ? { continuationToken: wrapContinuationToken(token) } : {}),
    };
  }

  async history(instanceId: string): Promise<InstanceHistory | undefined> {
    const url = this.instanceUrl(instanceId);
    url.searchParams.set('showHistory', 'true');
    url.searchParams.set('showHistoryOutput', 'true');
    // Without the inputs the extension drops every Input from the history: the organization (the start's input) and
    // a termination's reason with them. They hold no secret (the orchestration holds references only), and the
    // timeline keeps only whitelisted fields.
    url.searchParams.set('showInput', 'true');
    const res = await this.get(url);
    if (res.status === 404) return undefined;
    // 200 once ended (however it ended), 202 while running; older hosts answered 400 for failed or terminated.
    if (![200, 202, 400].includes(res.status))
      throw new TransientError(`The durable status API answered HTTP ${res.status}`, { status: res.status });
    const body = (await res.json()) as Record<string, unknown> | null;
    if (!body || typeof body.instanceId !== 'string')
      throw new TransientError(`The durable status API answered HTTP ${res.status} without an instance`);
    return {
      ...summary(body),
      steps: Array.isArray(body.historyEvents) ? toRecordedSteps(body.historyEvents) : [],
    };
  }

  /**
   * `DELETE` at the instance's purgeHistoryDeleteUri: 200 once purged, 404 for an instance unknown or purged already,
   * 412 for one not in a terminal state (the extension and the local host alike: test/reference, `purge` and
   * `purge-running`). The SDK's `purgeInstanceHistory` would throw on that 412 with the extension's message only.
   */
  async purge(instanceId: string): Promise<PurgeOutcome> {
    const url = new URL(this.client.createHttpManagementPayload(instanceId).purgeHistoryDeleteUri);
    const res = await this.send(url, 'DELETE');
    await res.body?.cancel();
    if (res.status === 200) return 'purged';
    if (res.status === 404) return 'notFound';
    if (res.status === 412) return 'notEnded';
    throw new TransientError(`The durable management API answered HTTP ${res.status} to a purge`, {
      status: res.status,
    });
  }

  private instanceUrl(instanceId: string): URL {
    return new URL(this.client.createHttpManagementPayload(instanceId).statusQueryGetUri);
  }

  private get(url: URL, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(url, 'GET', headers);
  }

  private async send(url: URL, method: 'GET' | 'DELETE', headers: Record<string, string> = {}): Promise<Response> {
    try {
      return await fetch(url, {
        method,
        headers: { accept: 'application/json', ...headers },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      // The cause would carry the address (and its key): only the kind of failure is kept.
      throw new TransientError(
        `The durable management API could not be reached (${(error as Error)?.name ?? 'Error'})`,
      );
    }
  }
}

function summary(s: Record<string, unknown>): InstanceSummary {
  return {
    instanceId: String(s.instanceId),
    name: String(s.name ?? ''),
    runtimeStatus: String(s.runtimeStatus ?? ''),
    customStatus: s.customStatus ?? null,
    output: s.output ?? null,
    createdTime: time(s.createdTime) ?? '',
    lastUpdatedTime: time(s.lastUpdatedTime) ?? '',
  };
}

/**
 * One history event as the status API shows it with showHistory=true&showHistoryOutput=true: event
 * types by name. The extension in Azure drops OrchestratorStarted/Completed, folds each TaskScheduled
 * into its TaskCompleted/TaskFailed (FunctionName, ScheduledTime) and keeps only those in flight,
 * keeps TimerCreated, drops TaskScheduledId, TimerId and EventId, and every Input without showInput=true.
 * The local host hides every TaskScheduled and TimerCreated, and shows inputs with showHistoryOutput=true.
 */
interface DurableHistoryEvent {
  EventType?: unknown;
  Timestamp?: unknown;
  Name?: unknown;
  FunctionName?: unknown;
  ScheduledTime?: unknown;
  Input?: unknown;
  Result?: unknown;
  Reason?: unknown;
  OrchestrationStatus?: unknown;
  FireAt?: unknown;
}

function parsed(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** The history in the product's words; the payloads that remain are raw. */
export function toRecordedSteps(events: unknown[]): RecordedStep[] {
  return events.flatMap((event) => toRecordedStep((event ?? {}) as DurableHistoryEvent) ?? []);
}

function toRecordedStep(e: DurableHistoryEvent): RecordedStep | undefined {
  const at = time(e.Timestamp) ?? String(e.Timestamp);
  // A TaskScheduled still shown is in flight and names its activity `Name`, not `FunctionName`.
  const activity = String(e.FunctionName ?? e.Name ?? 'unknown');
  switch (e.EventType) {
    case 'ExecutionStarted': {
      // With showInput=true the extension shows the input as DTFx stored it: serialized JSON.
      const organizationId = pickSafe(parsed(e.Input), ['organizationId'])?.organizationId;
      return {
        kind: 'started',
        at,
        orchestrator: String(e.FunctionName ?? e.Name ?? ''),
        ...(typeof organizationId === 'string' ? { organizationId } : {}),
      };
    }
    case 'TaskScheduled':
      return { kind: 'activityScheduled', at, activity };
    case 'TaskCompleted':
      return { kind: 'activityCompleted', at, activity, scheduledAt: time(e.ScheduledTime), result: e.Result };
    case 'TaskFailed':
      return { kind: 'activityFailed', at, activity, scheduledAt: time(e.ScheduledTime), reason: e.Reason };
    case 'TimerCreated':
      return { kind: 'timerCreated', at, fireAt: time(e.FireAt) };
    case 'TimerFired':
      return { kind: 'timerFired', at, fireAt: time(e.FireAt) };
    case 'EventRaised': {
      const input = parsed(e.Input);
      const linkExpiresAt = time(pickSafe(input, ['linkExpiresAt'])?.linkExpiresAt);
      const verdict = input && typeof input === 'object' ? (input as { verdict?: unknown }).verdict : undefined;
      return {
        kind: 'eventRaised',
        at,
        name: String(e.Name ?? ''),
        ...(linkExpiresAt ? { linkExpiresAt } : {}),
        ...(verdict !== undefined ? { verdict } : {}),
      };
    }
    case 'ExecutionCompleted': {
      const runtimeStatus = String(e.OrchestrationStatus ?? '');
      return runtimeStatus === 'Failed'
        ? { kind: 'completed', at, runtimeStatus, failureReason: e.Result }
        : { kind: 'completed', at, runtimeStatus, result: e.Result };
    }
    case 'ExecutionTerminated':
      // DTFx records the reason as the event's Input, hidden without showInput=true.
      return { kind: 'terminated', at, reason: parsed(e.Input) };
    case 'OrchestratorStarted':
    case 'OrchestratorCompleted':
      return undefined; // episode boundaries of the replay, not steps of the workflow
    default:
      return { kind: 'other', at, label: String(e.EventType) };
  }
}

/** A time as ISO 8601 in UTC with milliseconds: the extension writes 7 fractional digits and `+00:00` offsets. */
const time = (value: unknown): string | undefined => {
  const at = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
};
