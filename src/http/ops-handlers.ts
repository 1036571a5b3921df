import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { DurableClient } from 'durable-functions';
import { listRegistrations, registrationHistory } from '../app/ops-registrations';
import { appServices } from '../composition';
import { ErrorCode } from '../domain/error-codes';
import { TransientError } from '../domain/transient-error';
import { InvalidContinuationToken } from '../ports/workflow-records';
import { authenticate } from './authenticate';
import { json, problem } from './problem';
import { readParam, readQuery } from './request-query';
import { CONTINUATION_TOKEN_REFUSED, instanceIdParam, opsRegistrationsQuery } from './schemas';

const NO_STORE = { 'cache-control': 'no-store' };

/** GET /api/ops/registrations: registration orchestrations page by page (ops role). */
export async function listRegistrationsHandler(
  request: HttpRequest,
  client: DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const services = appServices();
  const auth = await authenticate(request, services, { ops: true });
  if (!auth.ok) return auth.response;
  const query = readQuery(request, opsRegistrationsQuery);
  if (!query.ok) return problem(query.error);
  const { status, ...rest } = query.value;
  return unavailableOnFault(context, async () => {
    let page;
    try {
      page = await listRegistrations({ ...rest, statuses: status }, { records: services.workflowRecords(client) });
    } catch (error) {
      if (!(error instanceof InvalidContinuationToken)) throw error;
      return problem({
        code: ErrorCode.InvalidField,
        field: 'continuationToken',
        message: `continuationToken: ${CONTINUATION_TOKEN_REFUSED}`,
      });
    }
    context.info('Ops listed registrations', {
      userId: auth.caller.userId,
      count: page.items.length,
      more: !!page.continuationToken,
    });
    return json(200, page, NO_STORE);
  });
}

/** GET /api/ops/registrations/{instanceId}/history: one registration's redacted timeline (ops role). */
export async function registrationHistoryHandler(
  request: HttpRequest,
  client: DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const services = appServices();
  const auth = await authenticate(request, services, { ops: true });
  if (!auth.ok) return auth.response;
  const instanceId = readParam(request, 'instanceId', instanceIdParam);
  if (!instanceId.ok) return problem(instanceId.error);
  return unavailableOnFault(context, async () => {
    const result = await registrationHistory(instanceId.value, { records: services.workflowRecords(client) });
    context.info('Ops read a registration history', {
      userId: auth.caller.userId,
      registrationId: instanceId.value,
      found: result.ok,
    });
    return result.ok ? json(200, result.value, NO_STORE) : problem(result.error);
  });
}

/** The durable management API failing or out of reach: 503, logged without its address (it carries the system key). */
async function unavailableOnFault(
  context: InvocationContext,
  answer: () => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  try {
    return await answer();
  } catch (error) {
    if (!(error instanceof TransientError)) throw error;
    context.warn(`Durable management API unavailable: ${error.message}`);
    return problem(
      {
        code: ErrorCode.ServiceUnavailable,
        message: 'The orchestration records cannot be read right now. Try again in a minute.',
      },
      503,
      { 'retry-after': '30' },
    );
  }
}
