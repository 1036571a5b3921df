import type { Clock } from '../ports/clock';
import type { InstanceSummary, WorkflowRecords } from '../ports/workflow-records';
import { runBounded } from './run-bounded';

const DAY_MS = 24 * 3600_000;

/** Runtime statuses of an instance that ended and will not run again: the only ones ever purged. */
export const FINISHED_STATUSES: readonly string[] = ['Completed', 'Failed', 'Terminated'];

export interface PurgeFinishedHistoriesDeps {
  records: WorkflowRecords;
  clock: Clock;
  /** An instance's history is kept this many days after it ended. */
  retentionDays: number;
  /** Instances asked for per page of the engine's list. */
  pageSize: number;
  /** Purges in flight at once. */
  concurrency: number;
}

/** What one run did: counts and times only (no instance's input, output or custom status is read). */
export interface HistoryPurgeSummary {
  retentionDays: number;
  /** Instances that ended at or before this were purged. */
  cutoff: string;
  pages: number;
  purged: number;
  /** Gone by the time it was purged: another run or a person purged it first. */
  alreadyGone: number;
  /** Listed but kept: ended within the retention period, or not ended after all. */
  kept: number;
}

export interface PurgeLog {
  info(message: string, properties: Record<string, unknown>): void;
  error(message: string, properties: Record<string, unknown>): void;
}

/**
 * Purges the engine's records of every orchestration that ended more than the retention period ago, whatever its
 * orchestrator (registrations, re-consents, keep-alive rounds): pages through the instances that ended (Completed,
 * Failed, Terminated) and were created before the cut-off, and purges those whose last update is before it too.
 * A fault stops the run and is thrown (the summary so far is logged); the next run starts from the first page again,
 * where what was purged is no longer listed, so it carries on where this one stopped.
 */
export async function purgeFinishedHistories(
  deps: PurgeFinishedHistoriesDeps,
  log: PurgeLog,
): Promise<HistoryPurgeSummary> {
  const cutoff = new Date(deps.clock.now().getTime() - deps.retentionDays * DAY_MS);
  const summary: HistoryPurgeSummary = {
    retentionDays: deps.retentionDays,
    cutoff: cutoff.toISOString(),
    pages: 0,
    purged: 0,
    alreadyGone: 0,
    kept: 0,
  };
  try {
    let continuationToken: string | undefined;
    do {
      const page = await deps.records.list({
        runtimeStatuses: [...FINISHED_STATUSES],
        // An instance that ended before the cut-off was created before it: the engine narrows the list.
        createdTo: cutoff,
        pageSize: deps.pageSize,
        continuationToken,
      });
      summary.pages++;
      await runBounded(page.instances.length, deps.concurrency, async (index) => {
        const instance = page.instances[index];
        if (!endedBefore(instance, cutoff)) {
          summary.kept++;
          return;
        }
        const outcome = await deps.records.purge(instance.instanceId);
        if (outcome === 'purged') summary.purged++;
        else if (outcome === 'notFound') summary.alreadyGone++;
        else summary.kept++;
      });
      continuationToken = page.continuationToken;
    } while (continuationToken);
  } catch (error) {
    log.error('Orchestration history purge stopped; the next run carries on', {
      ...summary,
      error: (error as Error)?.name,
      message: (error as Error)?.message,
    });
    throw error;
  }
  log.info('Orchestration histories purged', { ...summary });
  return summary;
}

/** Ended (the list's filter is checked again: a running instance is never purged) and last changed before the cut-off. */
function endedBefore(instance: InstanceSummary, cutoff: Date): boolean {
  const lastUpdated = Date.parse(instance.lastUpdatedTime);
  return FINISHED_STATUSES.includes(instance.runtimeStatus) && lastUpdated <= cutoff.getTime();
}
