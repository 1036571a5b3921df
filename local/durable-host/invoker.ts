import { randomUUID } from 'node:crypto';
import type { FunctionRegistry, RegisteredFunction } from './functions-core-shim';

/** Typed data as the worker protocol carries it (the subset our triggers use). */
export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  int?: number | null;
  double?: number | null;
  http?: RpcHttpData | null;
}

export interface RpcHttpData {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  params?: Record<string, string>;
  body?: RpcTypedData | null;
  statusCode?: string;
  cookies?: unknown[];
}

export type LogSink = (level: string, category: string, functionName: string, message: string) => void;

export interface InvocationResult {
  returnValue: RpcTypedData | null | undefined;
}

/**
 * Invokes a registered function through the library's own invocation model, exactly as the
 * Functions worker does: build arguments from RPC input data, run the handler, convert the result.
 */
export class Invoker {
  constructor(
    private readonly registry: FunctionRegistry,
    private readonly log: LogSink,
  ) {}

  async invoke(fn: RegisteredFunction, inputData: Record<string, RpcTypedData>): Promise<InvocationResult> {
    const model = this.registry.programmingModel;
    if (!model) throw new Error('The app did not set a programming model: is @azure/functions loaded?');
    const invocationId = randomUUID();
    const functionName = fn.metadata.name;
    const coreCtx = {
      invocationId,
      state: 'invocation',
      metadata: fn.metadata,
      request: {
        invocationId,
        functionId: functionName,
        inputData: Object.entries(inputData).map(([name, data]) => ({ name, data })),
        triggerMetadata: {},
      },
      log: (level: string, category: string, message: string) => this.log(level, category, functionName, message),
    };
    const invocation = model.getInvocationModel(coreCtx);
    const { context, inputs } = await invocation.getArguments();
    const result = await invocation.invokeFunction(context, inputs, fn.callback);
    const response = await invocation.getResponse(context, result);
    return { returnValue: response.returnValue as RpcTypedData | null | undefined };
  }
}

/** Turns typed data back into a JS value (the inverse of the library's toRpcTypedData). */
export function fromTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.json !== undefined && data.json !== null) return JSON.parse(data.json);
  if (data.string !== undefined && data.string !== null) return data.string;
  if (data.int !== undefined && data.int !== null) return data.int;
  if (data.double !== undefined && data.double !== null) return data.double;
  if (data.bytes) return Buffer.from(data.bytes);
  return undefined;
}

export function bindingNameOfType(fn: RegisteredFunction, type: string): string | undefined {
  return Object.entries(fn.metadata.bindings).find(([, b]) => b.type === type)?.[0];
}
