/** The keep-alive timer's body: starts the round of this schedule occurrence (the orchestration does the work). */
import type { InvocationContext, Timer } from '@azure/functions';
import { startKeepAliveRound } from '../app/start-keep-alive-round';
import type { FunctionScope } from '../hosting/function-handlers';

export async function tokenKeepAliveTimer(
  timer: Timer,
  context: InvocationContext,
  { services, client }: FunctionScope,
): Promise<{ roundId: string; started: boolean }> {
  const next = timer.scheduleStatus?.next;
  const scheduled = next ? new Date(next) : undefined;
  const result = await startKeepAliveRound(
    scheduled && !Number.isNaN(scheduled.getTime()) ? scheduled : undefined,
    services.keepAliveRoundStart(client),
  );
  context.info(result.started ? 'Token keep-alive round started' : 'Token keep-alive round already started', {
    ...result,
    isPastDue: timer.isPastDue,
  });
  return result;
}
