import type { HistoryEvent } from './history';
import { EVENT_TYPE_NAMES, EventType } from './history';

const parse = (text: string | undefined): unknown => {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

const withOffset = (iso: string): string => iso.replace(/Z$/, '+00:00');

/**
 * History as the Durable Task extension's status API shows it with showHistory=true (Azure/azure-functions-durable-
 * extension, DurableClient.GetDurableOrchestrationStatusAsync): event types by name; OrchestratorStarted/Completed
 * removed; each TaskCompleted/TaskFailed given its TaskScheduled's name (FunctionName) and time (ScheduledTime, written
 * with `+00:00`) and, with showInput, Input null; that TaskScheduled removed — one still in flight stays (Input null), as do
 * TimerCreated events; EventId, IsPlayed, TaskScheduledId and TimerId dropped; ExecutionStarted's Name becomes
 * FunctionName; results only with showHistoryOutput (parsed); every Input (the activity's, an event's, the termination
 * reason) only with showInput.
 */
export function toHistoryView(
  history: HistoryEvent[],
  showOutput: boolean,
  showInput = true,
): Record<string, unknown>[] {
  const scheduled = new Map<number, number>(); // task ID → index of its TaskScheduled
  const removed = new Set<number>();
  const view = history.map((e, index) => {
    const { EventId, IsPlayed, TaskScheduledId, TimerId, ...fields } = e;
    const item: Record<string, unknown> = {
      ...fields,
      EventType: EVENT_TYPE_NAMES[e.EventType] ?? String(e.EventType),
    };
    switch (e.EventType) {
      case EventType.TaskScheduled:
        scheduled.set(EventId, index);
        // Shown only while in flight; the Azure Storage provider's history holds no input for it.
        if (showInput) item.Input = null;
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed: {
        const at = scheduled.get(TaskScheduledId ?? -1);
        if (at !== undefined) {
          // The extension re-serializes the TaskScheduled's time as a DateTime: an offset instead of Z.
          Object.assign(item, { ScheduledTime: withOffset(history[at].Timestamp), FunctionName: history[at].Name });
          // It copies the TaskScheduled's Input, which the Azure Storage provider's history does not hold: null.
          if (showInput) item.Input = null;
          removed.add(at);
        }
        if (e.EventType === EventType.TaskCompleted) {
          if (showOutput) item.Result = parse(e.Result);
          else delete item.Result;
        }
        break;
      }
      case EventType.ExecutionStarted:
        item.FunctionName = e.Name;
        delete item.Name;
        break;
      case EventType.ExecutionCompleted:
        if (showOutput) item.Result = parse(e.Result);
        else delete item.Result;
        break;
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        removed.add(index);
        break;
    }
    if (!showInput) delete item.Input;
    return item;
  });
  return view.filter((_, index) => !removed.has(index));
}
