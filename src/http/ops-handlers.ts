import { listKeepAliveRounds as listRounds } from '../app/ops-keep-alive-rounds';
import { listRegistrations as list, registrationHistory as history } from '../app/ops-registrations';
import { ErrorCode } from '../domain/error-codes';
import { InvalidContinuationToken } from '../ports/workflow-records';
import { signedIn } from './endpoint';
import { json, problem } from './problem';
import { unavailableOnFault } from './records-unavailable';
import { CONTINUATION_TOKEN_REFUSED } from './schemas';

const NO_STORE = { 'cache-control': 'no-store' };

/** GET /api/ops/registrations: registration orchestrations page by page (ops role). */
export const listRegistrations = signedIn('listRegistrations', async ({ caller, query, services, client, context }) => {
  const { status, ...rest } = query;
  return unavailableOnFault(context, async () => {
    let page;
    try {
      page = await list({ ...rest, statuses: status }, { records: services.workflowRecords(client) });
    } catch (error) {
      if (!(error instanceof InvalidContinuationToken)) throw error;
      return refusedToken();
    }
    context.info('Ops listed registrations', {
      userId: caller.userId,
      count: page.items.length,
      more: !!page.continuationToken,
    });
    return json(200, page, NO_STORE);
  });
});

/** GET /api/ops/keep-alive-rounds: the token keep-alive rounds page by page, with their counts (ops role). */
export const listKeepAliveRounds = signedIn(
  'listKeepAliveRounds',
  async ({ caller, query, services, client, context }) =>
    unavailableOnFault(context, async () => {
      let page;
      try {
        page = await listRounds(query, { records: services.workflowRecords(client) });
      } catch (error) {
        if (!(error instanceof InvalidContinuationToken)) throw error;
        return refusedToken();
      }
      context.info('Ops listed keep-alive rounds', { userId: caller.userId, count: page.items.length });
      return json(200, page, NO_STORE);
    }),
);

/** GET /api/ops/registrations/{instanceId}/history: one registration's redacted timeline (ops role). */
export const getRegistrationHistory = signedIn(
  'getRegistrationHistory',
  async ({ caller, params, services, client, context }) =>
    unavailableOnFault(context, async () => {
      const result = await history(params.instanceId, { records: services.workflowRecords(client) });
      context.info('Ops read a registration history', {
        userId: caller.userId,
        registrationId: params.instanceId,
        found: result.ok,
      });
      return result.ok ? json(200, result.value, NO_STORE) : problem(result.error);
    }),
);

/** 400 on the field: the engine did not take the continuation token (not one it gave out). */
function refusedToken() {
  return problem({
    code: ErrorCode.InvalidField,
    field: 'continuationToken',
    message: `continuationToken: ${CONTINUATION_TOKEN_REFUSED}`,
  });
}
