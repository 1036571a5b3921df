import * as path from 'node:path';
import { entryPoints } from '../../local/durable-host/app-loader';
import { AppDurableFunctions } from '../../local/durable-host/app-functions';
import { AdjustableClock } from '../../local/durable-host/clock';
import { DurableStore, InstanceState } from '../../local/durable-host/durable-store';
import { Engine } from '../../local/durable-host/engine';
import { FunctionRegistry, useRegistry } from '../../local/durable-host/functions-core-shim';
import { Invoker } from '../../local/durable-host/invoker';
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

let loaded: FunctionRegistry | undefined;

/** The real engine, SDK and app registrations in this process, over the in-memory store. */
export function inProcessEngine(store: DurableStore = new MemoryDurableStore()): InProcessEngine {
  if (!loaded) {
    loaded = new FunctionRegistry();
    useRegistry(loaded);
    for (const file of entryPoints(SAMPLE_APP)) require(file);
  }
  const registry = loaded;
  const logs: string[] = [];
  const clock = new AdjustableClock();
  const invoker = new Invoker(registry, (level, _category, fn, message) => logs.push(`${level} ${fn}: ${message}`));
  const engine = new Engine(store, clock, new AppDurableFunctions(registry, invoker), { log: (m) => logs.push(m) });
  const started: string[] = [];
  const settle = async () => {
    await engine.whenIdle();
    return Promise.all(started.map(async (id) => (await engine.getState(id)) as InstanceState));
  };
  return {
    engine, clock, store, registry, logs, settle,
    async run(name, instanceId, input) {
      started.push(instanceId);
      await engine.start(name, instanceId, input === undefined ? undefined : JSON.stringify(input));
      await engine.whenIdle();
      return (await engine.getState(instanceId)) as InstanceState;
    },
  };
}
