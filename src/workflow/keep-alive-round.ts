import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { Activity } from '../domain/durable-names';
import type { AccountTurn, KeepAliveRoundInput, KeepAliveRoundReport } from '../domain/keep-alive-round';
import { accountsCounted, nextWindow } from '../domain/keep-alive-round';
import type { RegisteredPage } from '../ports/payer-accounts';
import { HOUSEKEEPING } from './retry-policies';

/**
 * The weekly keep-alive round, one page of accounts per generation: read the page, refresh its accounts a window at a
 * time (each account's turn an activity with retries), take throttled accounts again after Retry-After with a smaller
 * window, then continue as new with the next page. The history stays one page long, so a round of any size replays
 * in constant time and resumes where it stopped after a crash. Deterministic: time only from currentUtcDateTime.
 */
export const keepAliveRound: OrchestrationHandler = function* (context: OrchestrationContext) {
  const round = context.df.getInput() as KeepAliveRoundInput;
  const page = (yield context.df.callActivityWithRetry(Activity.ListKeepAlivePage, HOUSEKEEPING, {
    pageSize: round.settings.pageSize,
    continuationToken: round.continuationToken,
  })) as RegisteredPage;
  const counts = { ...round.counts };
  let window = round.window;
  let queue = page.organizationIds;
  while (queue.length > 0) {
    const batch = queue.slice(0, window);
    const turns = yield* takeTurns(context, batch, round.startedAt);
    const throttled: string[] = [];
    let waitMs = 0;
    for (const turn of turns) {
      if ('throttled' in turn) {
        counts.throttled++;
        throttled.push(turn.organizationId);
        waitMs = Math.max(waitMs, turn.throttled.retryAfterMs);
      } else counts[turn.outcome]++;
    }
    window = nextWindow(window, round.settings.concurrency, throttled.length > 0);
    queue = [...throttled, ...queue.slice(batch.length)];
    context.df.setCustomStatus(report(round, counts, window));
    if (waitMs > 0) yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + waitMs));
  }
  const next: KeepAliveRoundInput = {
    ...round,
    pagesDone: round.pagesDone + 1,
    continuationToken: page.continuationToken,
    counts,
    window,
  };
  if (page.continuationToken) {
    context.df.continueAsNew(next);
    return undefined;
  }
  return { ...report(next, counts, window), finishedAt: context.df.currentUtcDateTime.toISOString() };
};

/**
 * One window of accounts at once. A turn that failed after its retries counts as `error`; the others' outcomes are
 * still read (each task is yielded on its own once the whole failed, which schedules nothing again).
 */
function* takeTurns(
  context: OrchestrationContext,
  organizationIds: string[],
  roundStartedAt: string,
): Generator<Task, AccountTurn[], unknown> {
  const tasks = organizationIds.map((organizationId) =>
    context.df.callActivityWithRetry(Activity.KeepAccountTokenAlive, HOUSEKEEPING, { organizationId, roundStartedAt }),
  );
  try {
    return (yield context.df.Task.all(tasks)) as AccountTurn[];
  } catch {
    const turns: AccountTurn[] = [];
    for (const [i, task] of tasks.entries()) {
      try {
        turns.push((yield task) as AccountTurn);
      } catch {
        turns.push({ organizationId: organizationIds[i], outcome: 'error' });
      }
    }
    return turns;
  }
}

function report(
  round: KeepAliveRoundInput,
  counts: KeepAliveRoundInput['counts'],
  window: number,
): KeepAliveRoundReport {
  return { startedAt: round.startedAt, pagesDone: round.pagesDone, accounts: accountsCounted(counts), counts, window };
}
