/**
 * One step of a workflow instance's history as the engine recorded it, in the product's words. Times
 * are ISO strings. Payloads (`result`, `reason`) are raw: never shown without whitelisting.
 */
export type RecordedStep =
  | {
      kind: 'started';
      at: string;
      orchestrator: string;
      /** Only when the engine shows the instance's input. */
      organizationId?: string;
    }
  /** An activity call whose outcome is not recorded yet: still running. */
  | { kind: 'activityScheduled'; at: string; activity: string }
  | { kind: 'activityCompleted'; at: string; activity: string; scheduledAt?: string; result?: unknown }
  | { kind: 'activityFailed'; at: string; activity: string; scheduledAt?: string; reason?: unknown }
  | { kind: 'timerCreated'; at: string; fireAt?: string }
  | { kind: 'timerFired'; at: string; fireAt?: string }
  /** An external event: its name, and the two things of its payload the product reads. */
  | {
      kind: 'eventRaised';
      at: string;
      name: string;
      /** Step 3's event: when the consent link it asks for expires (only when the engine shows inputs). */
      linkExpiresAt?: string;
      /** Step 2's event: the verdict of the request's own verification, raw (only when the engine shows inputs). */
      verdict?: unknown;
    }
  /** The orchestration ended: its output, or why it failed (`failureReason`, set only then). */
  | { kind: 'completed'; at: string; runtimeStatus: string; result?: unknown; failureReason?: unknown }
  | { kind: 'terminated'; at: string; reason?: unknown }
  /** Anything else, named as the engine names it. */
  | { kind: 'other'; at: string; label: string };
