import type { OrchestrationContext, Task, TimerTask } from 'durable-functions';
import { Activity, RegistrationEvent } from '../domain/durable-names';
import type { RegistrationInput, RegistrationOutcome, RegistrationProgress } from '../domain/registration';
import { RegistrationStatus, RegistrationStep } from '../domain/registration';
import { EventWaits } from './event-waits';
import { HOUSEKEEPING } from './retry-policies';
import { timerSpanMs } from './timer-span';

const HOUR_MS = 3600_000;

/** How a race against the registration's end came out. */
export type RaceResult =
  /** One of the events raced for arrived: its name and payload. */
  | { kind: 'event'; name: string; result: unknown }
  /** The race's own deadline passed first. */
  | { kind: 'deadline' }
  /** The registration was cancelled, or expired, first. */
  | { kind: 'ended'; expired: boolean };

/**
 * One run of the registration orchestrator: its input, the expiry it races every wait against, the progress it
 * publishes as custom status, and its event waits. Deterministic: time only from currentUtcDateTime.
 */
export class RegistrationRun {
  readonly input: RegistrationInput;
  readonly registrationId: string;
  readonly events: EventWaits;
  private readonly expiresAt: Date;
  private readonly timerSpanMs: number;
  /** Every timer a race created; a lost race's timer is left to fire, and the ones still pending go at the end. */
  private readonly timers: TimerTask[] = [];
  private current: RegistrationProgress;

  constructor(readonly context: OrchestrationContext) {
    this.input = context.df.getInput() as RegistrationInput;
    this.registrationId = context.df.instanceId;
    this.events = new EventWaits(context);
    this.expiresAt = new Date(context.df.currentUtcDateTime.getTime() + this.input.expiresAfterHours * HOUR_MS);
    this.timerSpanMs = timerSpanMs(context);
    const expiresAt = this.expiresAt.toISOString();
    const { reconsent } = this.input;
    this.current = reconsent
      ? {
          step: RegistrationStep.PartnerApiConsent,
          status: RegistrationStatus.AwaitingPartnerApiCredentials,
          expiresAt,
          verified: reconsent.verified,
        }
      : {
          step: RegistrationStep.PartnerCenterCredentials,
          status: RegistrationStatus.AwaitingPartnerCenterCredentials,
          expiresAt,
        };
    this.publish({});
  }

  get progress(): RegistrationProgress {
    return this.current;
  }

  publish(changes: Partial<RegistrationProgress>): void {
    this.current = { ...this.current, ...changes };
    this.context.df.setCustomStatus(this.current);
  }

  log(message: string): void {
    if (!this.context.df.isReplaying) this.context.log(`Registration ${this.registrationId}: ${message}`);
  }

  /**
   * Waits for the first of the `events` (in this order when several have already arrived), unless the registration is
   * cancelled or expires first, or the `deadline` passes. Time is waited for in timers of at most one span
   * (timer-span.ts): when one fires before either end, the race goes on with fresh waits. A lost race's timer is not
   * cancelled: the extension would replay the actions after it sooner than they happened (see timer-span.ts).
   */
  race(events: string[]): Generator<Task, Exclude<RaceResult, { kind: 'deadline' }>, unknown>;
  race(events: string[], deadline: Date | undefined): Generator<Task, RaceResult, unknown>;
  *race(events: string[], deadline?: Date): Generator<Task, RaceResult, unknown> {
    for (;;) {
      const cancellation = this.events.for(RegistrationEvent.RegistrationCancelled);
      const waits = events.map((name) => this.events.for(name));
      const won = (wait: Task): RaceResult => {
        this.events.handled(wait);
        return wait === cancellation
          ? { kind: 'ended', expired: false }
          : { kind: 'event', name: events[waits.indexOf(wait)], result: wait.result };
      };
      const arrived = [cancellation, ...waits].find((wait) => wait.isCompleted);
      if (arrived) return won(arrived);
      const now = this.context.df.currentUtcDateTime.getTime();
      if (now >= this.expiresAt.getTime()) return { kind: 'ended', expired: true };
      if (deadline && now >= deadline.getTime()) return { kind: 'deadline' };
      const dueAt = Math.min(this.expiresAt.getTime(), deadline?.getTime() ?? Infinity, now + this.timerSpanMs);
      const timer = this.context.df.createTimer(new Date(dueAt));
      this.timers.push(timer);
      const winner = (yield this.context.df.Task.any([...waits, cancellation, timer])) as Task;
      if (winner !== timer) return won(winner);
      // Judged by when the timer was due, not by when it fired (which can be a little early).
      if (dueAt === this.expiresAt.getTime()) return { kind: 'ended', expired: true };
      if (dueAt === deadline?.getTime()) return { kind: 'deadline' };
    }
  }

  /** The races' timers still pending, cancelled: for the orchestrator's end, however it ends. */
  cancelPendingTimers(): void {
    for (const timer of this.timers) if (!timer.isCompleted && !timer.isCanceled) timer.cancel();
  }

  /**
   * Registered: what the consent staged and the account does not use (PKCE verifiers, codes, a replaced secret) is
   * deleted. Best effort: the account stands even if the vault keeps failing.
   */
  *deleteUnusedSecrets(): Generator<Task, void, unknown> {
    try {
      yield this.context.df.callActivityWithRetry(Activity.DeleteStagedSecrets, HOUSEKEEPING, {
        organizationId: this.input.organizationId,
        registrationId: this.registrationId,
      });
    } catch {
      this.log('staged secrets not deleted: the vault kept failing');
    }
  }

  /** The registration expired or was cancelled: its staged secrets and claim go, and it says so. */
  *end(expired: boolean): Generator<Task, RegistrationOutcome, unknown> {
    yield this.context.df.callActivityWithRetry(Activity.CleanUpRegistration, HOUSEKEEPING, {
      organizationId: this.input.organizationId,
      registrationId: this.registrationId,
    });
    // The last step's error belongs to that step, not to the end.
    this.publish({ status: expired ? RegistrationStatus.Expired : RegistrationStatus.Cancelled, error: undefined });
    const outcome = expired ? 'expired' : 'cancelled';
    this.log(`ended: ${outcome}`);
    return { outcome };
  }
}
