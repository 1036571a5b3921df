import type { HistoryEvent } from './history';
import { EVENT_TYPE_NAMES, EventType } from './history';

const HIDDEN: readonly number[] = [
  EventType.OrchestratorStarted,
  EventType.OrchestratorCompleted,
  EventType.TaskScheduled,
  EventType.TimerCreated,
];

const parse = (text: string | undefined): unknown => {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * History as the Durable Task extension's status API shows it: event types by name, scheduling
 * events folded into their completions (FunctionName, ScheduledTime), payloads only on request.
 */
export function toHistoryView(history: HistoryEvent[], showOutput: boolean): Record<string, unknown>[] {
  const scheduled = new Map<number, HistoryEvent>();
  for (const e of history) if (e.EventType === EventType.TaskScheduled) scheduled.set(e.EventId, e);
  return history
    .filter((e) => !HIDDEN.includes(e.EventType))
    .map((e) => {
      const view: Record<string, unknown> = {
        EventType: EVENT_TYPE_NAMES[e.EventType] ?? String(e.EventType),
        Timestamp: e.Timestamp,
      };
      switch (e.EventType) {
        case EventType.ExecutionStarted:
          view.FunctionName = e.Name;
          if (showOutput) view.Input = parse(e.Input);
          break;
        case EventType.TaskCompleted:
        case EventType.TaskFailed: {
          const task = scheduled.get(e.TaskScheduledId ?? -1);
          Object.assign(view, {
            FunctionName: task?.Name,
            ScheduledTime: task?.Timestamp,
            TaskScheduledId: e.TaskScheduledId,
          });
          if (e.EventType === EventType.TaskFailed) Object.assign(view, { Reason: e.Reason, Details: e.Details });
          else if (showOutput) view.Result = parse(e.Result);
          break;
        }
        case EventType.TimerFired:
          Object.assign(view, { TimerId: e.TimerId, FireAt: e.FireAt });
          break;
        case EventType.EventRaised:
          view.Name = e.Name;
          if (showOutput) view.Input = parse(e.Input);
          break;
        case EventType.ExecutionCompleted:
          view.OrchestrationStatus = e.OrchestrationStatus;
          if (showOutput || e.OrchestrationStatus === 'Failed') view.Result = parse(e.Result);
          break;
        case EventType.ExecutionTerminated:
          view.Reason = parse(e.Input);
          break;
      }
      return view;
    });
}
