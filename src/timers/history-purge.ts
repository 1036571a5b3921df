/** The retention run's body: loaded on first run, like the activities. */
import type { InvocationContext, Timer } from '@azure/functions';
import type { HistoryPurgeSummary } from '../app/purge-finished-histories';
import { purgeFinishedHistories } from '../app/purge-finished-histories';
import type { FunctionScope } from '../hosting/function-handlers';

/** Purges the histories of orchestrations that ended more than HISTORY_RETENTION_DAYS ago; logs what it did. */
export function historyPurgeRun(
  timer: Timer,
  context: InvocationContext,
  { services, client }: FunctionScope,
): Promise<HistoryPurgeSummary> {
  if (timer.isPastDue) context.info('Orchestration history purge past due: running now');
  return purgeFinishedHistories(services.historyRetention(client), context);
}
