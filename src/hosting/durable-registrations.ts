import { app, input, output, trigger } from '@azure/functions';
import type {
  HttpFunctionOptions,
  HttpRequest,
  HttpResponseInit,
  InvocationContext,
  Timer,
  TimerTriggerOptions,
} from '@azure/functions';
import type { DurableClient, OrchestrationHandler } from 'durable-functions';

/**
 * Registrations equivalent to durable-functions' `df.app.*`, without loading durable-functions
 * (about ten times the Functions library's own load time) until a function first runs.
 */
type Listener = (orchestrationTrigger: unknown, context: InvocationContext) => Promise<unknown>;

// Bindings are named explicitly: the library would otherwise hash each binding to name it.
const durableClient = () => input.generic({ type: 'durableClient', name: 'durableClient' });

export function registerOrchestration(name: string, orchestrator: OrchestrationHandler): void {
  let listener: Listener | undefined;
  app.generic(name, {
    trigger: trigger.generic({ type: 'orchestrationTrigger', name: 'orchestrationContext' }),
    handler: (orchestrationTrigger: unknown, context: InvocationContext) => {
      // The same factory df.app.orchestration uses (durable-functions is pinned).
      listener ??= (
        require('durable-functions/lib/src/util/testingUtils') as {
          createOrchestrator(fn: OrchestrationHandler): Listener;
        }
      ).createOrchestrator(orchestrator);
      return listener(orchestrationTrigger, context);
    },
  });
}

export function registerActivity<I, O>(
  name: string,
  handler: (input: I, context: InvocationContext) => Promise<O>,
): void {
  app.generic(name, { trigger: trigger.generic({ type: 'activityTrigger', name: 'activityInput' }), handler });
}

export type DurableHttpHandler = (
  request: HttpRequest,
  client: DurableClient,
  context: InvocationContext,
) => Promise<HttpResponseInit>;
export type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;
type HttpRoute = Pick<HttpFunctionOptions, 'route' | 'methods' | 'authLevel'>;

/** An unexpected fault becomes the problem response every endpoint answers, logged by name and message, without the request. */
async function answerOrProblem(
  name: string,
  context: InvocationContext,
  answer: () => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  try {
    return await answer();
  } catch (error) {
    context.error(
      `${name} failed: ${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`,
    );
    const { internalError } = require('../http/problem') as typeof import('../http/problem');
    return internalError();
  }
}

/** An HTTP trigger with a durable client. */
export function registerDurableHttp(name: string, options: HttpRoute & { handler: () => DurableHttpHandler }): void {
  const { handler, route, methods, authLevel } = options;
  app.generic(name, {
    trigger: trigger.generic({ type: 'httpTrigger', name: 'request', route, methods, authLevel }),
    return: output.generic({ type: 'http', name: '$return' }),
    extraInputs: [durableClient()],
    handler: (request: HttpRequest, context: InvocationContext) =>
      answerOrProblem(name, context, () => {
        const client = (require('durable-functions') as typeof import('durable-functions')).getClient(context);
        return handler()(request, client, context);
      }),
  });
}

/** An HTTP trigger without a durable client. */
export function registerHttp(name: string, options: HttpRoute & { handler: () => HttpHandler }): void {
  const { handler, route, methods, authLevel } = options;
  app.http(name, {
    route,
    methods,
    authLevel,
    handler: (request, context) => answerOrProblem(name, context, () => handler()(request, context)),
  });
}

export type DurableTimerHandler = (timer: Timer, client: DurableClient, context: InvocationContext) => Promise<void>;

/**
 * A timer trigger with a durable client. `schedule` is NCRONTAB (`{second} {minute} {hour} {day} {month} {day-of-week}`),
 * a TimeSpan, or a `%Setting%` reference. A fault is logged by name and message and fails the invocation.
 */
export function registerDurableTimer(
  name: string,
  options: Pick<TimerTriggerOptions, 'schedule' | 'runOnStartup'> & { handler: () => DurableTimerHandler },
): void {
  const { handler, schedule, runOnStartup } = options;
  app.generic(name, {
    trigger: trigger.generic({
      type: 'timerTrigger',
      name: 'timer',
      schedule,
      ...(runOnStartup === undefined ? {} : { runOnStartup }),
      useMonitor: true,
    }),
    extraInputs: [durableClient()],
    handler: async (timer: Timer, context: InvocationContext) => {
      try {
        const client = (require('durable-functions') as typeof import('durable-functions')).getClient(context);
        await handler()(timer, client, context);
      } catch (error) {
        context.error(
          `${name} failed: ${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`,
        );
        throw error;
      }
    },
  });
}

/** Loads a module on first call; the type import costs nothing at start-up. */
export function lazy<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}
