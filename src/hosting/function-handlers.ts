import type { HttpHandler, InvocationContext, Timer, TimerHandler } from '@azure/functions';
import * as df from 'durable-functions';
import type { AppServices } from '../composition';
import { appServices } from '../composition';
import type { HttpEndpoint } from '../http/endpoint';
import { internalError } from '../http/problem';

/**
 * The Functions runtime's handlers for the product's bodies, used by the registrations in functions/: each hands its
 * body the services (built once by the composition root) and the durable client of its invocation, and loads the
 * body's module only when the function first runs (`load`).
 */

/** An HTTP function; an unexpected fault is logged by name and message (never the request) and answered 500. */
export function httpHandler(load: () => HttpEndpoint): HttpHandler {
  return async (request, context) => {
    try {
      return await load()(request, context, { services: appServices(), client: df.getClient(context) });
    } catch (error) {
      logFault(context, error);
      return internalError();
    }
  };
}

/** An activity: a fault is thrown on, so the orchestration's retry policy decides. */
export function activityHandler<I, O>(
  load: () => (input: I, context: InvocationContext, services: AppServices) => Promise<O>,
): (input: I, context: InvocationContext) => Promise<O> {
  return (input, context) => load()(input, context, appServices());
}

/** What a body that starts or reads orchestrations is handed: the services and its invocation's durable client. */
export interface FunctionScope {
  services: AppServices;
  client: df.DurableClient;
}

/** An activity with a durable client binding (it starts orchestrations); a fault is thrown on, as for any activity. */
export function activityWithClientHandler<I, O>(
  load: () => (input: I, context: InvocationContext, scope: FunctionScope) => Promise<O>,
): (input: I, context: InvocationContext) => Promise<O> {
  return (input, context) => load()(input, context, { services: appServices(), client: df.getClient(context) });
}

/** A timer function with a durable client; a fault is logged by name and message and fails the run. */
export function timerHandler(
  load: () => (timer: Timer, context: InvocationContext, scope: FunctionScope) => Promise<unknown>,
): TimerHandler {
  return async (timer, context) => {
    try {
      await load()(timer, context, { services: appServices(), client: df.getClient(context) });
    } catch (error) {
      logFault(context, error);
      throw error;
    }
  };
}

function logFault(context: InvocationContext, error: unknown): void {
  context.error(
    `${context.functionName} failed: ${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`,
  );
}
