import Module from 'node:module';

/** The subset of the worker's `@azure/functions-core` module that `@azure/functions` uses. */
export interface RpcBindingInfo {
  type?: string;
  direction?: 'in' | 'out' | 'inout';
  name?: string;
  [key: string]: unknown;
}

export interface CoreFunctionMetadata {
  name: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: unknown;
}

export type CoreFunctionCallback = (...args: unknown[]) => unknown;

export interface RegisteredFunction {
  metadata: CoreFunctionMetadata;
  callback: CoreFunctionCallback;
  /** The trigger binding's name (random suffix in v4) and its options. */
  triggerName: string;
  trigger: RpcBindingInfo;
}

export interface ProgrammingModel {
  getInvocationModel(coreCtx: unknown): InvocationModel;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: CoreFunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<{ returnValue?: unknown; outputData?: unknown[] }>;
}

/** What the app registered while loading, captured by the shim. */
export class FunctionRegistry {
  readonly functions = new Map<string, RegisteredFunction>();
  programmingModel: ProgrammingModel | undefined;

  register(metadata: CoreFunctionMetadata, callback: CoreFunctionCallback): void {
    const entry = Object.entries(metadata.bindings).find(
      ([, b]) => b.direction === 'in' && /Trigger$/.test(b.type ?? ''),
    );
    if (!entry) throw new Error(`Function ${metadata.name} has no trigger binding`);
    if (this.functions.has(metadata.name)) throw new Error(`Function ${metadata.name} is registered twice`);
    this.functions.set(metadata.name, { metadata, callback, triggerName: entry[0], trigger: entry[1] });
  }

  byTriggerType(type: string): RegisteredFunction[] {
    return [...this.functions.values()].filter((f) => f.trigger.type === type);
  }

  get(name: string): RegisteredFunction | undefined {
    return this.functions.get(name);
  }
}

const CORE_MODULE = '@azure/functions-core';
type ResolveFilename = (request: string, parent: unknown, ...rest: unknown[]) => string;

let current: FunctionRegistry | undefined;

/** The registry that the next registrations go to. */
export function useRegistry(registry: FunctionRegistry): void {
  current = registry;
}

function registry(): FunctionRegistry {
  if (!current) throw new Error('No function registry: call useRegistry() before loading the app');
  return current;
}

/** The module the worker provides as `@azure/functions-core`, reduced to what `@azure/functions` calls. */
export const functionsCore = {
  version: 'local-durable-host',
  hostVersion: '4.0.0-local',
  registerFunction(metadata: CoreFunctionMetadata, callback: CoreFunctionCallback) {
    const target = registry();
    target.register(metadata, callback);
    return { dispose: () => target.functions.delete(metadata.name) };
  },
  setProgrammingModel(model: ProgrammingModel) {
    registry().programmingModel = model;
  },
  getProgrammingModel() {
    return registry().programmingModel;
  },
  registerHook() {
    return { dispose() {} };
  },
  log() {},
};

/**
 * Provides `@azure/functions-core` the way the Functions worker does (by hooking module
 * resolution), so that `@azure/functions` leaves test mode and hands us every registration.
 * Must run before the app's entry points are loaded. (Under jest, moduleNameMapper does the same.)
 */
export function installFunctionsCoreShim(target: FunctionRegistry): void {
  useRegistry(target);
  const modules = Module as unknown as { _resolveFilename: ResolveFilename; _cache: Record<string, unknown> };
  if (modules._cache[CORE_MODULE]) return;
  const original = modules._resolveFilename;
  modules._resolveFilename = function (request: string, parent: unknown, ...rest: unknown[]) {
    if (request === CORE_MODULE) return CORE_MODULE;
    return original.call(this, request, parent, ...rest);
  };
  const cached = new Module(CORE_MODULE);
  cached.exports = functionsCore;
  cached.loaded = true;
  modules._cache[CORE_MODULE] = cached;
}
