import { ORCHESTRATOR } from '../domain/durable-names';
import type { FieldError, Result } from '../domain/error-codes';
import { ErrorCode, fail, ok } from '../domain/error-codes';
import { pickSafe, scrubDeep } from '../domain/redaction';
import { RegistrationStatus } from '../domain/registration';
import type { InstanceSummary, WorkflowRecords } from '../ports/workflow-records';
import type { RegistrationTimeline } from './registration-timeline';
import { buildTimeline } from './registration-timeline';

/** Durable runtime statuses ops may filter on (the engine filters these itself). */
export const RUNTIME_STATUSES = [
  'Pending',
  'Running',
  'Completed',
  'Failed',
  'Terminated',
  'ContinuedAsNew',
  'Suspended',
] as const;
const REGISTRATION_STATUSES = Object.values(RegistrationStatus) as string[];
/** A registration's published status implies its runtime status: filter on that first. */
const ENDED: string[] = [RegistrationStatus.Registered, RegistrationStatus.Expired, RegistrationStatus.Cancelled];

export interface ListRegistrationsQuery {
  /** Runtime statuses (Running, Completed …) and/or registration statuses (awaitingConsent …). */
  statuses?: string[];
  createdFrom?: Date;
  createdTo?: Date;
  pageSize: number;
  continuationToken?: string;
}

export interface RegistrationSummary {
  registrationId: string;
  runtimeStatus: string;
  progress?: { step?: string; status?: string; errorCode?: string };
  createdTime: string;
  lastUpdatedTime: string;
}

export interface RegistrationsPage {
  items: RegistrationSummary[];
  /** Pass back as `continuationToken` for the next page; absent on the last page. A page may hold fewer items than asked. */
  continuationToken?: string;
}

/** One page of registration orchestrations: identifiers, runtime status, published progress (no inputs or outputs). */
export async function listRegistrations(
  query: ListRegistrationsQuery,
  deps: { records: WorkflowRecords },
): Promise<RegistrationsPage> {
  const runtime = (query.statuses ?? []).filter((s) => (RUNTIME_STATUSES as readonly string[]).includes(s));
  const progress = (query.statuses ?? []).filter((s) => REGISTRATION_STATUSES.includes(s));
  const implied = progress.map((s) => (ENDED.includes(s) ? 'Completed' : 'Running'));
  const runtimeStatuses = [...new Set([...runtime, ...implied])];
  const page = await deps.records.list({
    runtimeStatuses: runtimeStatuses.length ? runtimeStatuses : undefined,
    createdFrom: query.createdFrom,
    createdTo: query.createdTo,
    pageSize: query.pageSize,
    continuationToken: query.continuationToken,
  });
  const items = page.instances
    .filter((i) => i.name === ORCHESTRATOR.Registration)
    .map(summary)
    .filter((i) => matches(i, runtime, progress));
  return { items, ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) };
}

/** An instance matches when it has one of the runtime statuses asked for, or one of the registration statuses. */
function matches(item: RegistrationSummary, runtime: string[], progress: string[]): boolean {
  if (!runtime.length && !progress.length) return true;
  return (
    runtime.includes(item.runtimeStatus) ||
    (item.progress?.status !== undefined && progress.includes(item.progress.status))
  );
}

function summary(instance: InstanceSummary): RegistrationSummary {
  const published = pickSafe(instance.customStatus, ['step', 'status', 'error.code']);
  const errorCode = (published?.error as { code?: string } | undefined)?.code;
  return scrubDeep({
    registrationId: instance.instanceId,
    runtimeStatus: instance.runtimeStatus,
    ...(published
      ? {
          progress: {
            ...(published.step !== undefined ? { step: String(published.step) } : {}),
            ...(published.status !== undefined ? { status: String(published.status) } : {}),
            ...(errorCode ? { errorCode } : {}),
          },
        }
      : {}),
    createdTime: instance.createdTime,
    lastUpdatedTime: instance.lastUpdatedTime,
  });
}

/** One registration's redacted timeline; not found for an unknown instance or one that is not a registration. */
export async function registrationHistory(
  instanceId: string,
  deps: { records: WorkflowRecords },
): Promise<Result<RegistrationTimeline, FieldError>> {
  const history = await deps.records.history(instanceId);
  if (!history || history.name !== ORCHESTRATOR.Registration) {
    return fail({
      code: ErrorCode.InstanceNotFound,
      field: 'instanceId',
      message: `No registration orchestration with the instance ID "${instanceId}" exists (it may have been purged).`,
    });
  }
  return ok(buildTimeline(history));
}
