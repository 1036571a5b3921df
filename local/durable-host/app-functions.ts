import type { InstanceState } from './durable-store';
import type { ActivityOutcome, EngineFunctions } from './engine';
import type { OrchestratorRun } from './episode';
import type { FunctionRegistry, RegisteredFunction } from './functions-core-shim';
import type { HistoryEvent } from './history';
import type { Invoker, RpcTypedData } from './invoker';
import { fromTypedData } from './invoker';
import type { OrchestratorState } from './orchestrator-state';
import { parseOrchestratorFailure } from './orchestrator-state';
import type { LongTimerLimits } from './long-timers';
import { AZURE_STORAGE_LONG_TIMERS } from './long-timers';

/** Runs the app's orchestrator and activity functions through the library's invocation model. */
export class AppDurableFunctions implements EngineFunctions {
  constructor(
    private readonly registry: FunctionRegistry,
    private readonly invoker: Invoker,
    private readonly longTimers: LongTimerLimits = AZURE_STORAGE_LONG_TIMERS,
    /** The durable client bindings an activity declares, bound as for any trigger. */
    private readonly clientInputs: (fn: RegisteredFunction) => Record<string, RpcTypedData> = () => ({}),
  ) {}

  hasOrchestrator(name: string): boolean {
    return this.registry.get(name)?.trigger.type === 'orchestrationTrigger';
  }

  async runOrchestrator(name: string, history: HistoryEvent[], state: InstanceState): Promise<OrchestratorRun> {
    const fn = this.registry.get(name);
    if (!fn) return { failure: `No orchestrator function named '${name}' is registered` };
    const bindingInfo = {
      history,
      input: state.input === null ? undefined : JSON.parse(state.input),
      instanceId: state.instanceId,
      isReplaying: history.some((e) => e.IsPlayed),
      parentInstanceId: undefined,
      // As the extension tells the SDK with its Azure Storage provider: the registration's 7-day expiry is a long timer.
      maximumShortTimerDuration: this.longTimers.maximumShortTimer.timeSpan,
      longRunningTimerIntervalDuration: this.longTimers.interval.timeSpan,
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
    };
    try {
      const result = await this.invoker.invoke(fn, { [fn.triggerName]: { json: JSON.stringify(bindingInfo) } });
      return { state: fromTypedData(result.returnValue) as OrchestratorState };
    } catch (error) {
      const { error: message, state: failedState } = parseOrchestratorFailure(
        (error as Error).message ?? String(error),
      );
      return { failure: message, state: failedState };
    }
  }

  async runActivity(name: string, input: string | undefined, instanceId: string): Promise<ActivityOutcome> {
    const fn = this.registry.get(name);
    if (!fn || fn.trigger.type !== 'activityTrigger') {
      // The extension's TaskNonexistentActivityShim.
      const message = `Activity function '${name}' does not exist.`;
      return {
        reason: `Activity function '${name}' failed: ${message}`,
        details: `instance ${instanceId}: ${message}`,
      };
    }
    try {
      const result = await this.invoker.invoke(fn, {
        [fn.triggerName]: input === undefined ? {} : { json: input },
        ...this.clientInputs(fn),
      });
      return { result: JSON.stringify(fromTypedData(result.returnValue) ?? null) };
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      // The extension's TaskActivityShim reports the message it cuts out of the Functions host's
      // `Result: Failure\nException: <message>\nStack: …` after `\nException:`, so with the space that follows it.
      return { reason: `Activity function '${name}' failed:  ${err.message}`, details: err.stack ?? '' };
    }
  }
}
