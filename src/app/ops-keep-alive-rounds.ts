import { ORCHESTRATOR } from '../domain/durable-names';
import type { KeepAliveCounts, KeepAliveRoundReport } from '../domain/keep-alive-round';
import { KEEP_ALIVE_ROUND_PREFIX } from '../domain/keep-alive-round';
import type { InstanceSummary, WorkflowRecords } from '../ports/workflow-records';

export interface KeepAliveRoundSummary {
  roundId: string;
  runtimeStatus: string;
  /** What the round reported last: its progress while it runs, its outcome once it ended. */
  startedAt?: string;
  finishedAt?: string;
  pagesDone?: number;
  accounts?: number;
  counts?: KeepAliveCounts;
  /** Refreshes in flight at the end of the last batch (lower than the setting after throttling). */
  window?: number;
  createdTime: string;
  lastUpdatedTime: string;
}

export interface KeepAliveRoundsPage {
  items: KeepAliveRoundSummary[];
  continuationToken?: string;
}

/** One page of keep-alive rounds with their counts (nothing else: a round's report holds no personal data). */
export async function listKeepAliveRounds(
  query: { pageSize: number; continuationToken?: string },
  deps: { records: WorkflowRecords },
): Promise<KeepAliveRoundsPage> {
  const page = await deps.records.list({ ...query, instanceIdPrefix: KEEP_ALIVE_ROUND_PREFIX });
  const items = page.instances.filter((i) => i.name === ORCHESTRATOR.TokenKeepAliveRound).map(summary);
  return { items, ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) };
}

function summary(instance: InstanceSummary): KeepAliveRoundSummary {
  const report = (instance.output ?? instance.customStatus ?? undefined) as KeepAliveRoundReport | undefined;
  const counts = report?.counts;
  return {
    roundId: instance.instanceId,
    runtimeStatus: instance.runtimeStatus,
    ...(report
      ? {
          startedAt: report.startedAt,
          ...(report.finishedAt ? { finishedAt: report.finishedAt } : {}),
          pagesDone: report.pagesDone,
          accounts: report.accounts,
          ...(counts ? { counts: pickCounts(counts) } : {}),
          window: report.window,
        }
      : {}),
    createdTime: instance.createdTime,
    lastUpdatedTime: instance.lastUpdatedTime,
  };
}

/** Only the counters, whatever else a report carried. */
function pickCounts(c: KeepAliveCounts): KeepAliveCounts {
  const { refreshed, reconsentRequired, failed, transient, skipped, throttled, error } = c;
  return { refreshed, reconsentRequired, failed, transient, skipped, throttled, error };
}
