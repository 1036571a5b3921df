import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { DurableClient } from 'durable-functions';
import type { z } from 'zod';
import type { AppServices } from '../composition';
import type { Caller } from '../domain/payer-account';
import type { ApiOperation } from './api-operation';
import { API_OPERATIONS } from './api-operations';
import { authenticate } from './authenticate';
import { problem } from './problem';
import { readJsonBody } from './request-body';
import { readParam, readQuery } from './request-query';

/** What the composition root hands every HTTP function with its request: the services, and the durable client. */
export interface HttpScope {
  services: AppServices;
  client: DurableClient;
}

/** An HTTP function's body, as src/hosting runs it. */
export type HttpEndpoint = (
  request: HttpRequest,
  context: InvocationContext,
  scope: HttpScope,
) => Promise<HttpResponseInit>;

type Operations = (typeof API_OPERATIONS)[number];
export type OperationId = Operations['operationId'];
type SignedInOperationId = Exclude<Operations, { access: 'anonymous' }>['operationId'];
type Operation<K extends OperationId> = Extract<Operations, { operationId: K }>;

// An optional body that was left out is read as {}: its schema's defaults apply.
type BodyOf<K extends OperationId> =
  Operation<K> extends { body: { schema: infer S extends z.ZodType } } ? z.output<S> : undefined;
type QueryOf<K extends OperationId> =
  Operation<K> extends { query: infer S extends z.ZodType } ? z.output<S> : undefined;
type ParamsOf<K extends OperationId> =
  Operation<K> extends { params: infer P extends Record<string, z.ZodType> }
    ? { [N in keyof P]: z.output<P[N]> }
    : undefined;

/** A signed-in request that passed its operation's checks: the caller, and its body, query and path, validated. */
export interface SignedInRequest<K extends OperationId> extends HttpScope {
  caller: Caller;
  body: BodyOf<K>;
  query: QueryOf<K>;
  params: ParamsOf<K>;
  request: HttpRequest;
  context: InvocationContext;
}

/**
 * An operation of API_OPERATIONS that needs a signed-in caller, with what its entry declares checked before `handle`
 * runs: the caller's token and role (`access`), then its path parameters, query and JSON body by their schemas. So
 * what the OpenAPI document says an operation takes is exactly what it is held to; any refusal is a problem answer.
 */
export function signedIn<K extends SignedInOperationId>(
  operationId: K,
  handle: (request: SignedInRequest<K>) => Promise<HttpResponseInit>,
): HttpEndpoint {
  const operation: ApiOperation | undefined = API_OPERATIONS.find((o) => o.operationId === operationId);
  if (!operation) throw new Error(`No operation ${operationId} in API_OPERATIONS`);
  const { access, body, query, params } = operation;
  if (access === 'anonymous') throw new Error(`${operationId} is anonymous: it takes no signed-in caller`);
  return async (request, context, scope) => {
    const auth = await authenticate(request, scope.services, access === 'signedIn' ? 'member' : access, context);
    if (!auth.ok) return auth.response;
    const pathValues: Record<string, unknown> = {};
    for (const [name, schema] of Object.entries(params ?? {})) {
      const value = readParam(request, name, schema);
      if (!value.ok) return problem(value.error);
      pathValues[name] = value.value;
    }
    const queryValue = query ? readQuery(request, query) : undefined;
    if (queryValue && !queryValue.ok) return problem(queryValue.error);
    const bodyValue = body ? await readJsonBody(request, body.schema, { optional: body.optional }) : undefined;
    if (bodyValue && !bodyValue.ok) return problem(bodyValue.error);
    return handle({
      ...scope,
      caller: auth.caller,
      body: bodyValue?.value as BodyOf<K>,
      query: queryValue?.value as QueryOf<K>,
      params: (params ? pathValues : undefined) as ParamsOf<K>,
      request,
      context,
    });
  };
}
