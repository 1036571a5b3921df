import { signedIn } from './endpoint';
import { json } from './problem';

const NO_STORE = { 'cache-control': 'no-store' };

/** GET /api/payer-account/audit: the caller's own organization's trail, newest first. */
export const getAuditTrail = signedIn('getAuditTrail', async ({ caller, query, services }) =>
  json(200, { items: await services.auditTrail.list(caller.organizationId, { limit: query.limit }) }, NO_STORE),
);

/** GET /api/ops/organizations/{organizationId}/audit: any organization's trail (ops role). */
export const getOrganizationAuditTrail = signedIn(
  'getOrganizationAuditTrail',
  async ({ caller, params, query, services, context }) => {
    const items = await services.auditTrail.list(params.organizationId, { limit: query.limit });
    context.info('Ops read an audit trail', {
      userId: caller.userId,
      organizationId: params.organizationId,
      count: items.length,
    });
    return json(200, { items }, NO_STORE);
  },
);
