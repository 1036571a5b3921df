import type { EpisodeWrite, InstanceState, Message, RetryOptions, WorkItem } from './durable-store';
import type { HistoryEvent } from './history';
import { EventType, historyEvent } from './history';
import type { OrchestratorAction, OrchestratorState } from './orchestrator-state';
import { ActionType } from './orchestrator-state';
import type { LongTimerLimits } from './long-timers';
import { AZURE_STORAGE_LONG_TIMERS, firstSubTimer, nextSubTimer } from './long-timers';
import { retryDelayMs } from './retry-delay';

export type OrchestratorRun = { state: OrchestratorState } | { failure: string; state?: OrchestratorState };

export interface EpisodeInput {
  state: InstanceState;
  history: HistoryEvent[];
  /** Visible messages for this instance, in arrival order. */
  messages: Message[];
  /** Rows of this instance's other pending messages (future timers), dropped if the execution ends. */
  otherPendingRows: string[];
  now: number;
  /** Which timers are long, and their sub-timers' length (default: the Azure Storage provider's). */
  longTimers?: LongTimerLimits;
  newId(): string;
  run(history: HistoryEvent[], state: InstanceState): Promise<OrchestratorRun>;
}

export interface EpisodeResult {
  write: EpisodeWrite;
  /** The history of the (possibly new) current execution, for the cache. */
  history: HistoryEvent[];
  /** The execution reached a terminal status. */
  ended: boolean;
  /** Rows of messages left by earlier executions (late activity results, timers): deleted apart, as they may be gone. */
  staleRows: string[];
}

const json = (value: unknown): string | undefined => (value === undefined ? undefined : JSON.stringify(value));
/** The SDK JSON-encodes string inputs of actions itself (Utils.processInput); other values are sent raw. */
const actionInput = (value: unknown): string | undefined => (typeof value === 'string' ? value : json(value));

/**
 * One orchestration episode: turn messages into history, replay the SDK's handler over it, and
 * turn the new actions into history, timers and work. Task ids are numbered as the SDK numbers
 * them: in yield order, depth-first through Task.any/Task.all, and retries consume one id for the
 * backoff timer after every failure and one for each new attempt (allocated as the SDK processes
 * the failure or the timer, so those messages are put first in the episode).
 */
/** `state` must not be terminal: the engine consumes late messages of ended instances itself. */
export async function runEpisode(input: EpisodeInput): Promise<EpisodeResult> {
  const state: InstanceState = JSON.parse(JSON.stringify(input.state));
  const { now } = input;
  const limits = input.longTimers ?? AZURE_STORAGE_LONG_TIMERS;
  const newEvents: HistoryEvent[] = [historyEvent(EventType.OrchestratorStarted, now)];
  const newMessages: Message[] = [];
  const newWork: WorkItem[] = [];
  const timerMessage = (timerId: number, fireAt: string): Message => ({
    instanceId: state.instanceId,
    executionId: state.executionId,
    id: input.newId(),
    visibleAt: Date.parse(fireAt),
    body: { type: 'timerFired', timerId, fireAt },
  });
  const createTimer = (dueAt: number): number => {
    const timerId = state.nextTaskId++;
    const fireAt = new Date(dueAt).toISOString();
    newEvents.push(historyEvent(EventType.TimerCreated, now, { EventId: timerId, FireAt: fireAt }));
    newMessages.push(timerMessage(timerId, fireAt));
    return timerId;
  };
  const schedule = (name: string, activityInput: string | undefined): number => {
    const taskId = state.nextTaskId++;
    newEvents.push(historyEvent(EventType.TaskScheduled, now, { EventId: taskId, Name: name, Input: activityInput }));
    newWork.push({ instanceId: state.instanceId, executionId: state.executionId, taskId, name, input: activityInput });
    return taskId;
  };
  const end = (): EpisodeResult => {
    newEvents.push(historyEvent(EventType.OrchestratorCompleted, now));
    return finish(state, input, newEvents, [...deleteRows, ...input.otherPendingRows], [], [], true, staleRows);
  };

  const { current, deleteRows, staleRows } = consumed(state, input.messages);
  const terminate = current.find((m) => m.body.type === 'terminate');
  if (terminate && terminate.body.type === 'terminate') {
    // DTFx records the termination with the reason as it was given (plain text), then completes the execution as
    // Terminated with the reason as its result.
    const reason = terminate.body.reason;
    newEvents.push(historyEvent(EventType.ExecutionTerminated, now, { Input: reason }));
    newEvents.push(
      historyEvent(EventType.ExecutionCompleted, now, { OrchestrationStatus: 'Terminated', Result: reason }),
    );
    Object.assign(state, { status: 'Terminated', output: json(reason) ?? null });
    return end();
  }

  const isRetryStep = (m: Message): boolean => {
    if (m.body.type === 'taskFailed') return m.body.taskId in state.retries;
    if (m.body.type === 'timerFired') {
      const tracker = state.retries[m.body.timerId];
      return !!tracker && tracker.failures < tracker.options.maxNumberOfAttempts;
    }
    return false;
  };
  for (const message of [...current.filter(isRetryStep), ...current.filter((m) => !isRetryStep(m))]) {
    const body = message.body;
    // A message's event keeps the time it happened (raised, completed, fired), not the episode's.
    const at = Math.min(message.visibleAt, now);
    switch (body.type) {
      case 'start':
        newEvents.push(
          historyEvent(EventType.ExecutionStarted, at, { Name: state.name, Input: state.input ?? undefined }),
        );
        state.status = 'Running';
        break;
      case 'event':
        newEvents.push(historyEvent(EventType.EventRaised, at, { Name: body.name, Input: body.input }));
        break;
      case 'taskCompleted':
        newEvents.push(
          historyEvent(EventType.TaskCompleted, at, { TaskScheduledId: body.taskId, Result: body.result }),
        );
        delete state.retries[body.taskId];
        break;
      case 'taskFailed': {
        newEvents.push(
          historyEvent(EventType.TaskFailed, at, {
            TaskScheduledId: body.taskId,
            Reason: body.reason,
            Details: body.details,
          }),
        );
        const tracker = state.retries[body.taskId];
        if (tracker) {
          delete state.retries[body.taskId];
          tracker.failures++;
          const timerId = state.nextTaskId++;
          // After the last attempt DurableTask.Core's retry interceptor still creates the timer, due at once (kept so
          // that older histories replay): the failure surfaces now, not after another back-off.
          const last = tracker.failures >= tracker.options.maxNumberOfAttempts;
          const fireAt = new Date(last ? now : now + retryDelayMs(tracker.options, tracker.failures)).toISOString();
          newEvents.push(historyEvent(EventType.TimerCreated, now, { EventId: timerId, FireAt: fireAt }));
          newMessages.push(timerMessage(timerId, fireAt));
          state.retries[timerId] = tracker;
        }
        break;
      }
      case 'timerFired': {
        newEvents.push(historyEvent(EventType.TimerFired, at, { TimerId: body.timerId, FireAt: body.fireAt }));
        const long = state.longTimers?.[body.timerId];
        if (long && state.longTimers) {
          delete state.longTimers[body.timerId];
          const next = long.canceled ? undefined : nextSubTimer(limits, now, Date.parse(long.fireAt));
          if (next !== undefined) {
            const subTimer = createTimer(next);
            state.longTimers[subTimer] = { ...long, secondSubTimer: long.secondSubTimer ?? subTimer };
          }
        }
        const tracker = state.retries[body.timerId];
        if (tracker) {
          delete state.retries[body.timerId];
          if (tracker.failures < tracker.options.maxNumberOfAttempts) {
            state.retries[schedule(tracker.functionName, tracker.input)] = tracker;
          }
        }
        break;
      }
      case 'terminate':
        break;
    }
  }

  const played = input.history.map((e) => ({ ...e, IsPlayed: true }));
  const run = await input.run([...played, ...newEvents], state);
  const orchestratorState = run.state;
  if (orchestratorState?.customStatus !== undefined) state.customStatus = json(orchestratorState.customStatus) ?? null;
  let failure = 'failure' in run ? run.failure : undefined;
  let continueAsNewInput: { value: string | undefined } | undefined;
  const actions = (orchestratorState?.actions ?? []).flat();
  let leaf = leaves(actions.slice(0, state.actionsSeen)).length;
  const walk = (action: OrchestratorAction): void => {
    if (action.actionType !== ActionType.WhenAny && action.actionType !== ActionType.WhenAll) leaf++;
    switch (action.actionType) {
      case ActionType.CallActivity:
        schedule(action.functionName ?? '', actionInput(action.input));
        break;
      case ActionType.CallActivityWithRetry: {
        const taskId = schedule(action.functionName ?? '', actionInput(action.input));
        state.retries[taskId] = {
          functionName: action.functionName ?? '',
          input: actionInput(action.input),
          options: action.retryOptions as RetryOptions,
          failures: 0,
        };
        break;
      }
      case ActionType.CreateTimer: {
        const fireAt = new Date(action.fireAt ?? now);
        const { dueAt, long } = firstSubTimer(limits, now, fireAt.getTime());
        const timerId = createTimer(dueAt);
        if (long) (state.longTimers ??= {})[timerId] = { fireAt: fireAt.toISOString(), leaf: leaf - 1 };
        break;
      }
      case ActionType.WaitForExternalEvent:
        break;
      case ActionType.WhenAny:
      case ActionType.WhenAll:
        (action.compoundActions ?? []).forEach(walk);
        break;
      case ActionType.ContinueAsNew:
        continueAsNewInput = { value: actionInput(action.input) };
        break;
      default:
        failure ??= `Action type ${action.actionType} (sub-orchestrations, entities, durable HTTP) is not supported by the local Durable host`;
    }
  };
  let nonDeterministic: string | undefined;
  if (failure === undefined) {
    actions.slice(state.actionsSeen).forEach(walk);
    state.actionsSeen = actions.length;
    const all = leaves(actions);
    for (const long of Object.values(state.longTimers ?? {})) {
      if (!all[long.leaf]?.isCanceled || long.canceled) continue;
      long.canceled = true;
      if (long.secondSubTimer !== undefined)
        nonDeterministic ??= lostSubTimer(long.secondSubTimer, [...input.history, ...newEvents]);
    }
    state.awaitedEvents = awaitedEvents(actions, [...input.history, ...newEvents]);
  }

  if (failure !== undefined || nonDeterministic !== undefined) {
    // DurableTask.Core fails an instance it cannot replay with the exception's message alone.
    const output = nonDeterministic ?? `Orchestrator function '${state.name}' failed: ${failure}`;
    newEvents.push(
      historyEvent(EventType.ExecutionCompleted, now, { OrchestrationStatus: 'Failed', Result: json(output) }),
    );
    Object.assign(state, { status: 'Failed', output: json(output) ?? null });
    return end();
  }
  if (continueAsNewInput) {
    newEvents.push(
      historyEvent(EventType.ExecutionCompleted, now, {
        OrchestrationStatus: 'ContinuedAsNew',
        Result: continueAsNewInput.value,
      }),
    );
    newEvents.push(historyEvent(EventType.OrchestratorCompleted, now));
    return {
      ...continueAsNew(state, input, newEvents, [...deleteRows, ...input.otherPendingRows], continueAsNewInput.value),
      staleRows,
    };
  }
  if (orchestratorState?.isDone) {
    newEvents.push(
      historyEvent(EventType.ExecutionCompleted, now, {
        OrchestrationStatus: 'Completed',
        Result: json(orchestratorState.output),
      }),
    );
    Object.assign(state, { status: 'Completed', output: json(orchestratorState.output) ?? null });
    return end();
  }
  newEvents.push(historyEvent(EventType.OrchestratorCompleted, now));
  return finish(state, input, newEvents, deleteRows, newMessages, newWork, false, staleRows);
}

/**
 * Why the Durable Task extension fails an instance whose long timer was cancelled after its first sub-timer fired: its
 * out-of-process shim replays the cancelled timer by creating the first sub-timer and cancelling it at once, so the
 * later sub-timers are created no more and the next task takes the second one's ID. DurableTask.Core's
 * TaskOrchestrationContext.HandleTimerCreatedEvent then finds that task (an activity: the first message) or none (the
 * second; another timer passes this check, and the IDs after it fail the same way).
 */
function lostSubTimer(taskId: number, history: HistoryEvent[]): string {
  const taker = history.find((e) => e.EventType === EventType.TaskScheduled && e.EventId === taskId + 1);
  return taker
    ? `Non-Deterministic workflow detected: A previous execution of this orchestration scheduled a timer task with sequence number ${taskId} named but the current orchestration replay instead produced a ScheduleTaskOrchestratorAction action with this sequence number. Was a change made to the orchestrator code after this instance had already started running?`
    : `Non-Deterministic workflow detected: A previous execution of this orchestration scheduled a timer task with sequence number ${taskId} but the current replay execution hasn't (yet?) scheduled this task. Was a change made to the orchestrator code after this instance had already started running?`;
}

/** Events and terminations are for the instance, whichever execution was current when they were sent. */
function consumed(state: InstanceState, messages: Message[]) {
  const current = messages.filter(
    (m) => m.executionId === state.executionId || m.body.type === 'event' || m.body.type === 'terminate',
  );
  const rowsOf = (list: Message[]) => list.flatMap((m) => (m.rowKey ? [m.rowKey] : []));
  return { current, deleteRows: rowsOf(current), staleRows: rowsOf(messages.filter((m) => !current.includes(m))) };
}

/**
 * The episode instead of one whose writes the store cannot hold: the execution fails with the reason, consuming the
 * same messages, and none of what they carried is kept.
 */
export function failedEpisode(input: EpisodeInput, reason: string): EpisodeResult {
  const state: InstanceState = JSON.parse(JSON.stringify(input.state));
  const { deleteRows, staleRows } = consumed(state, input.messages);
  const output = `Orchestrator function '${state.name}' failed: ${reason}`;
  Object.assign(state, { status: 'Failed', output: json(output) ?? null });
  const newEvents = [
    historyEvent(EventType.OrchestratorStarted, input.now),
    historyEvent(EventType.ExecutionCompleted, input.now, { OrchestrationStatus: 'Failed', Result: json(output) }),
    historyEvent(EventType.OrchestratorCompleted, input.now),
  ];
  return finish(state, input, newEvents, [...deleteRows, ...input.otherPendingRows], [], [], true, staleRows);
}

/**
 * Names with more waits issued than events received. Over-counting (a wait reused in several
 * Task.any calls) only makes an event start an episode it did not need; a name someone waits
 * for always has more waits than events, because an event received before its wait is matched
 * to that wait as soon as the wait is issued.
 */
function awaitedEvents(actions: OrchestratorAction[], history: HistoryEvent[]): string[] {
  const balance = new Map<string, number>();
  const count = (action: OrchestratorAction): void => {
    if (action.actionType === ActionType.WaitForExternalEvent && action.externalEventName) {
      balance.set(action.externalEventName, (balance.get(action.externalEventName) ?? 0) + 1);
    }
    action.compoundActions?.forEach(count);
  };
  actions.forEach(count);
  for (const e of history) {
    if (e.EventType === EventType.EventRaised && e.Name && balance.has(e.Name))
      balance.set(e.Name, (balance.get(e.Name) as number) - 1);
  }
  return [...balance].filter(([, open]) => open > 0).map(([name]) => name);
}

function finish(
  state: InstanceState,
  input: EpisodeInput,
  newEvents: HistoryEvent[],
  deleteRows: string[],
  newMessages: Message[],
  newWork: WorkItem[],
  ended: boolean,
  staleRows: string[],
): EpisodeResult {
  if (newEvents.length > 0) {
    state.nextSeq += 1;
    state.lastUpdatedAt = new Date(input.now).toISOString();
  }
  return {
    write: { state, newEvents, deleteRows, newMessages, newWork },
    history: [...input.history, ...newEvents],
    ended,
    staleRows,
  };
}

function continueAsNew(
  state: InstanceState,
  input: EpisodeInput,
  newEvents: HistoryEvent[],
  deleteRows: string[],
  newInput: string | undefined,
): Omit<EpisodeResult, 'staleRows'> {
  state.nextSeq += 1;
  const executionId = input.newId();
  const start: Message = {
    instanceId: state.instanceId,
    executionId,
    id: input.newId(),
    visibleAt: input.now,
    body: { type: 'start' },
  };
  Object.assign(state, {
    executionId,
    input: newInput ?? null,
    output: null,
    status: 'Running',
    historyStart: state.nextSeq,
    actionsSeen: 0,
    nextTaskId: 0,
    retries: {},
    longTimers: undefined,
    awaitedEvents: undefined,
    lastUpdatedAt: new Date(input.now).toISOString(),
  });
  return { write: { state, newEvents, deleteRows, newMessages: [start], newWork: [] }, history: [], ended: false };
}

/** The actions that schedule something, depth-first through Task.any/Task.all, in the order the SDK numbers them. */
function leaves(actions: OrchestratorAction[]): OrchestratorAction[] {
  return actions.flatMap((action) =>
    action.actionType === ActionType.WhenAny || action.actionType === ActionType.WhenAll
      ? leaves(action.compoundActions ?? [])
      : [action],
  );
}
