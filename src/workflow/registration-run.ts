import type { OrchestrationContext, Task } from 'durable-functions';
import { Activity, RegistrationEvent } from '../domain/durable-names';
import type { RegistrationInput, RegistrationOutcome, RegistrationProgress } from '../domain/registration';
import { RegistrationStatus, RegistrationStep } from '../domain/registration';
import { EventWaits } from './event-waits';
import { HOUSEKEEPING } from './retry-policies';

const HOUR_MS = 3600_000;

/** How a race against the registration's end came out. */
export interface RaceResult {
  winner: Task;
  /** The registration expired first. */
  expired: boolean;
}

/**
 * One run of the registration orchestrator: its input, the expiry it races every wait against, the progress it
 * publishes as custom status, and its event waits. Deterministic: time only from currentUtcDateTime.
 */
export class RegistrationRun {
  readonly input: RegistrationInput;
  readonly registrationId: string;
  readonly events: EventWaits;
  private readonly expiresAt: Date;
  private current: RegistrationProgress;

  constructor(readonly context: OrchestrationContext) {
    this.input = context.df.getInput() as RegistrationInput;
    this.registrationId = context.df.instanceId;
    this.events = new EventWaits(context);
    this.expiresAt = new Date(context.df.currentUtcDateTime.getTime() + this.input.expiresAfterHours * HOUR_MS);
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
   * Waits for the first of `candidates`, unless the registration is cancelled or expires first. Each race creates
   * its own expiry timer (a lost one is cancelled); an event that already arrived, a cancellation first, wins
   * without waiting.
   */
  *race(...candidates: Task[]): Generator<Task, RaceResult, unknown> {
    const cancellation = this.events.for(RegistrationEvent.RegistrationCancelled);
    let winner = [cancellation, ...candidates].find((task) => task.isCompleted);
    if (!winner) {
      const expiry = this.context.df.createTimer(this.expiresAt);
      winner = (yield this.context.df.Task.any([...candidates, cancellation, expiry])) as Task;
      if (winner === expiry) return { winner, expired: true };
      expiry.cancel();
    }
    this.events.handled(winner);
    return { winner, expired: false };
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
