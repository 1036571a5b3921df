import { app, input, trigger } from '@azure/functions';
import type { HttpFunctionOptions, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { DurableClient, OrchestrationHandler } from 'durable-functions';
import { ErrorCode } from '../domain/error-codes';

/**
 * Registrations equivalent to durable-functions' `df.app.*`, without loading durable-functions
 * (about ten times the Functions library's own load time) until a function first runs.
 */
type Listener = (orchestrationTrigger: unknown, context: InvocationContext) => Promise<unknown>;

export function registerOrchestration(name: string, orchestrator: OrchestrationHandler): void {
  let listener: Listener | undefined;
  app.generic(name, {
    trigger: trigger.generic({ type: 'orchestrationTrigger' }),
    handler: (orchestrationTrigger: unknown, context: InvocationContext) => {
      // The same factory df.app.orchestration uses (durable-functions is pinned).
      listener ??= (require('durable-functions/lib/src/util/testingUtils') as { createOrchestrator(fn: OrchestrationHandler): Listener })
        .createOrchestrator(orchestrator);
      return listener(orchestrationTrigger, context);
    },
  });
}

export function registerActivity<I, O>(name: string, handler: (input: I, context: InvocationContext) => Promise<O>): void {
  app.generic(name, { trigger: trigger.generic({ type: 'activityTrigger' }), handler });
}

export type DurableHttpHandler = (request: HttpRequest, client: DurableClient, context: InvocationContext) => Promise<HttpResponseInit>;

/** An HTTP trigger with a durable client; an unexpected fault becomes a problem response, logged without the request. */
export function registerDurableHttp(name: string, options: Omit<HttpFunctionOptions, 'handler'> & { handler: () => DurableHttpHandler }): void {
  const { handler, ...rest } = options;
  app.http(name, {
    ...rest,
    extraInputs: [input.generic({ type: 'durableClient' })],
    handler: async (request, context) => {
      try {
        const client = (require('durable-functions') as typeof import('durable-functions')).getClient(context);
        return await handler()(request, client, context);
      } catch (error) {
        context.error(`${name} failed: ${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`);
        return {
          status: 500,
          headers: { 'content-type': 'application/problem+json' },
          body: JSON.stringify({
            type: `urn:octo:payer-registration:error:${ErrorCode.InternalError}`, title: 'Internal Server Error', status: 500,
            code: ErrorCode.InternalError, message: 'Something went wrong on our side. Try again; if it persists, contact support with the time of the request.',
          }),
        };
      }
    },
  });
}

/** Loads a module on first call; the type import costs nothing at start-up. */
export function lazy<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}
