import type { KeepAliveSettings } from '../domain/keep-alive-round';
import { firstPage, keepAliveRoundId } from '../domain/keep-alive-round';
import type { Clock } from '../ports/clock';
import type { KeepAliveRounds } from '../ports/keep-alive-rounds';

export interface StartKeepAliveRoundDeps {
  rounds: KeepAliveRounds;
  clock: Clock;
  settings: KeepAliveSettings;
}

/** A scheduled occurrence this far ahead of now is not the one running: the run was asked for by hand. */
const SCHEDULE_SKEW_MS = 60_000;

/**
 * Starts the round of one schedule occurrence, once: its ID comes from the occurrence, so a past-due run or a second
 * host finds the round already there. `scheduled` is the occurrence the timer fired for (the Functions host's
 * ScheduleStatus.Next as the invocation sees it); a run by hand (ahead of it, or without one) is its own occurrence, now.
 */
export async function startKeepAliveRound(
  scheduled: Date | undefined,
  deps: StartKeepAliveRoundDeps,
): Promise<{ roundId: string; started: boolean }> {
  const now = deps.clock.now();
  const occurrence = scheduled && scheduled.getTime() <= now.getTime() + SCHEDULE_SKEW_MS ? scheduled : now;
  const roundId = keepAliveRoundId(occurrence);
  const started = await deps.rounds.startOnce(roundId, firstPage(now, deps.settings));
  return { roundId, started };
}
