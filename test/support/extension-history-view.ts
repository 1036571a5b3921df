import type { HistoryEvent } from '../../local/durable-host/history';
import { EVENT_TYPE_NAMES, EventType } from '../../local/durable-host/history';

const parse = (text: string | undefined): unknown => {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * A history as the Durable Task extension's status API shows it in Azure with showHistory=true,
 * showHistoryOutput=true and showInput=false (DurableClient.GetDurableOrchestrationStatusAsync),
 * which differs from the local host's view: OrchestratorStarted/Completed removed; each
 * TaskCompleted/TaskFailed given its TaskScheduled's Name (as FunctionName) and Timestamp (as
 * ScheduledTime), that TaskScheduled removed, one in flight kept; TimerCreated kept; TaskScheduledId,
 * TimerId, EventId, IsPlayed and every Input dropped; ExecutionStarted's Name renamed FunctionName.
 */
export function extensionHistoryView(history: HistoryEvent[]): Record<string, unknown>[] {
  const scheduledAt = new Map<number, number>(); // task id → index of its TaskScheduled
  const removed = new Set<number>();
  const view = history.map((e, index) => {
    const item: Record<string, unknown> = { ...e, EventType: EVENT_TYPE_NAMES[e.EventType] ?? String(e.EventType) };
    switch (e.EventType) {
      case EventType.TaskScheduled:
        scheduledAt.set(e.EventId, index);
        break;
      case EventType.TaskCompleted:
      case EventType.TaskFailed: {
        const scheduled = scheduledAt.get(e.TaskScheduledId ?? -1);
        if (scheduled !== undefined) {
          Object.assign(item, { ScheduledTime: history[scheduled].Timestamp, FunctionName: history[scheduled].Name });
          removed.add(scheduled);
        }
        delete item.TaskScheduledId;
        if (e.EventType === EventType.TaskCompleted) item.Result = parse(e.Result);
        break;
      }
      case EventType.ExecutionStarted:
        item.FunctionName = e.Name;
        delete item.Name;
        break;
      case EventType.ExecutionCompleted:
        item.Result = parse(e.Result);
        break;
      case EventType.TimerFired:
        delete item.TimerId;
        break;
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        removed.add(index);
        break;
    }
    delete item.Input;
    delete item.EventId;
    delete item.IsPlayed;
    return item;
  });
  return view.filter((_, index) => !removed.has(index));
}
