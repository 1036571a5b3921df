import * as path from 'node:path';
import { entryPoints } from '../../local/durable-host/app-loader';
import { AppDurableFunctions } from '../../local/durable-host/app-functions';
import { AdjustableClock } from '../../local/durable-host/clock';
import type { DurableStore, InstanceState } from '../../local/durable-host/durable-store';
import { Engine } from '../../local/durable-host/engine';
import { FunctionRegistry, useRegistry } from '../../local/durable-host/functions-core-shim';
import { Invoker } from '../../local/durable-host/invoker';
import type { LongTimerLimits } from '../../local/durable-host/long-timers';
import { MemoryDurableStore } from '../../local/durable-host/memory-durable-store';

export const SAMPLE_APP = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'sample-app');

export interface InProcessEngine {
  engine: Engine;
  clock: AdjustableClock;
  store: DurableStore;
  registry: FunctionRegistry;
  logs: string[];
  run(name: string, instanceId: string, input?: unknown): Promise<InstanceState>;
  settle(): Promise<InstanceState[]>;
}

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

const registries = new Map<string, FunctionRegistry>();

/** An app's registrations (its package.json `main`), loaded once per jest module registry. */
export function appRegistry(appRoot: string): FunctionRegistry {
  let registry = registries.get(appRoot);
  if (!registry) {
    registry = new FunctionRegistry();
    registries.set(appRoot, registry);
    useRegistry(registry);
    for (const file of entryPoints(appRoot)) require(file);
    // @azure/functions hands its programming model over once per module registry.
    registry.programmingModel ??= [...registries.values()].find((r) => r.programmingModel)?.programmingModel;
  }
  return registry;
}

/**
 * An app's orchestrators and activities, invoked through the library as the engine invokes them (the SDK told the
 * Azure Storage provider's long-timer thresholds, or `longTimers`).
 */
export function appFunctions(appRoot: string, logs: string[] = [], longTimers?: LongTimerLimits): AppDurableFunctions {
  const registry = appRegistry(appRoot);
  const invoker = new Invoker(registry, (level, _category, fn, message) => logs.push(`${level} ${fn}: ${message}`));
  return new AppDurableFunctions(registry, invoker, longTimers);
}

export const sampleAppRegistry = (): FunctionRegistry => appRegistry(SAMPLE_APP);
export const sampleAppFunctions = (logs: string[] = []): AppDurableFunctions => appFunctions(SAMPLE_APP, logs);

/** The real engine, SDK and app registrations in this process, over the in-memory store. */
export function inProcessEngine(store: DurableStore = new MemoryDurableStore()): InProcessEngine {
  const registry = sampleAppRegistry();
  const logs: string[] = [];
  const clock = new AdjustableClock();
  const engine = new Engine(store, clock, sampleAppFunctions(logs), { log: (m) => logs.push(m) });
  const started: string[] = [];
  const settle = async () => {
    await engine.whenIdle();
    return Promise.all(started.map(async (id) => (await engine.getState(id)) as InstanceState));
  };
  return {
    engine,
    clock,
    store,
    registry,
    logs,
    settle,
    async run(name, instanceId, input) {
      started.push(instanceId);
      await engine.start(name, instanceId, input === undefined ? undefined : JSON.stringify(input));
      await engine.whenIdle();
      return (await engine.getState(instanceId)) as InstanceState;
    },
  };
}
