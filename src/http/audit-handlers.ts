import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { appServices } from '../composition';
import { authenticate } from './authenticate';
import { json, problem } from './problem';
import { readParam, readQuery } from './request-query';
import { auditQuery, organizationIdParam } from './schemas';

const NO_STORE = { 'cache-control': 'no-store' };

/** GET /api/payer-account/audit: the caller's own organization's trail, newest first. */
export async function organizationAuditHandler(request: HttpRequest): Promise<HttpResponseInit> {
  const services = appServices();
  const auth = await authenticate(request, services);
  if (!auth.ok) return auth.response;
  const query = readQuery(request, auditQuery);
  if (!query.ok) return problem(query.error);
  return json(
    200,
    { items: await services.auditTrail.list(auth.caller.organizationId, { limit: query.value.limit }) },
    NO_STORE,
  );
}

/** GET /api/ops/organizations/{organizationId}/audit: any organization's trail (ops role). */
export async function opsAuditHandler(
  request: HttpRequest,
  _client: unknown,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const services = appServices();
  const auth = await authenticate(request, services, { ops: true });
  if (!auth.ok) return auth.response;
  const organizationId = readParam(request, 'organizationId', organizationIdParam);
  if (!organizationId.ok) return problem(organizationId.error);
  const query = readQuery(request, auditQuery);
  if (!query.ok) return problem(query.error);
  const items = await services.auditTrail.list(organizationId.value, { limit: query.value.limit });
  context.info('Ops read an audit trail', {
    userId: auth.caller.userId,
    organizationId: organizationId.value,
    count: items.length,
  });
  return json(200, { items }, NO_STORE);
}
