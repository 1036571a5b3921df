import type { HistoryEvent } from '../../local/durable-host/history';
import { EVENT_TYPE_NAMES, EventType } from '../../local/durable-host/history';

/** Payloads are recorded as JSON text, as the Durable Task extension stores them. */
const asJson = (value: unknown): string | undefined => (value === undefined ? undefined : JSON.stringify(value));

/**
 * Writes an orchestration history the way the Durable Task extension records one: every episode
 * opens with OrchestratorStarted and (unless it is the one being replayed now) closes with
 * OrchestratorCompleted; scheduling events carry their task id as EventId, everything else -1;
 * completions point back with TaskScheduledId/TimerId. Times are given in ms after `start`.
 */
export class HistoryBuilder {
  private readonly events: HistoryEvent[] = [];
  private time: number;

  constructor(readonly start: number = Date.UTC(2024, 0, 15, 9, 0, 0)) {
    this.time = start;
  }

  /** The instant `ms` after the start, as the ISO string the SDK and the extension use. */
  at(ms: number): string {
    return new Date(this.start + ms).toISOString();
  }

  /** Opens an episode `ms` after the start (OrchestratorStarted: the orchestration's currentUtcDateTime). */
  episode(ms: number): this {
    this.time = this.start + ms;
    return this.push(EventType.OrchestratorStarted);
  }

  /** Closes the current episode. */
  endEpisode(): this {
    return this.push(EventType.OrchestratorCompleted);
  }

  executionStarted(name: string, input?: unknown): this {
    return this.push(EventType.ExecutionStarted, { Name: name, Input: asJson(input) });
  }

  taskScheduled(taskId: number, name: string, input?: unknown): this {
    return this.push(EventType.TaskScheduled, { EventId: taskId, Name: name, Input: asJson(input) });
  }

  taskCompleted(taskId: number, result: unknown): this {
    return this.push(EventType.TaskCompleted, { TaskScheduledId: taskId, Result: asJson(result) });
  }

  taskFailed(taskId: number, reason: string, details = 'Error: stack trace of the failed activity'): this {
    return this.push(EventType.TaskFailed, { TaskScheduledId: taskId, Reason: reason, Details: details });
  }

  /** `fireAtMs` is relative to the start, like episode times. */
  timerCreated(timerId: number, fireAtMs: number): this {
    return this.push(EventType.TimerCreated, { EventId: timerId, FireAt: this.at(fireAtMs) });
  }

  timerFired(timerId: number, fireAtMs: number): this {
    return this.push(EventType.TimerFired, { TimerId: timerId, FireAt: this.at(fireAtMs) });
  }

  eventRaised(name: string, input?: unknown): this {
    return this.push(EventType.EventRaised, { Name: name, Input: asJson(input) });
  }

  executionCompleted(status: 'Completed' | 'Failed' | 'ContinuedAsNew', result?: unknown): this {
    return this.push(EventType.ExecutionCompleted, { OrchestrationStatus: status, Result: asJson(result) });
  }

  /**
   * The history as the extension hands it to the SDK: events of earlier episodes are played,
   * those of the last (still open) episode are new.
   */
  build(): HistoryEvent[] {
    let lastStart = -1;
    this.events.forEach((e, i) => {
      if (e.EventType === EventType.OrchestratorStarted) lastStart = i;
    });
    return this.events.map((e, i) => ({ ...e, IsPlayed: i < lastStart }));
  }

  private push(type: number, fields: Partial<HistoryEvent> = {}): this {
    this.events.push({
      EventType: type,
      EventId: -1,
      IsPlayed: false,
      Timestamp: new Date(this.time).toISOString(),
      ...fields,
    });
    return this;
  }
}

/**
 * The part of a history that replay depends on, one string per event: the event type, and the
 * task id it schedules (`TaskScheduled#0`, `TimerCreated#1`) or refers to (`TaskCompleted->0`,
 * `TimerFired->1`), or the event name (`EventRaised:Go`).
 */
export function skeleton(history: HistoryEvent[]): string[] {
  return history.map((e) => {
    const name = EVENT_TYPE_NAMES[e.EventType] ?? String(e.EventType);
    switch (e.EventType) {
      case EventType.TaskScheduled:
      case EventType.TimerCreated:
        return `${name}#${e.EventId}`;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
        return `${name}->${e.TaskScheduledId}`;
      case EventType.TimerFired:
        return `${name}->${e.TimerId}`;
      case EventType.EventRaised:
        return `${name}:${e.Name}`;
      case EventType.ExecutionCompleted:
        return `${name}:${e.OrchestrationStatus}`;
      default:
        return name;
    }
  });
}

/** The episodes of a skeleton, split at OrchestratorStarted (which is dropped, as is OrchestratorCompleted). */
export function episodes(history: HistoryEvent[]): string[][] {
  const result: string[][] = [];
  for (const step of skeleton(history)) {
    if (step === 'OrchestratorStarted') result.push([]);
    else if (step !== 'OrchestratorCompleted') (result[result.length - 1] ??= []).push(step);
  }
  return result;
}
