import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { appServices } from '../composition';
import { authenticate, isOperator } from './authenticate';
import { json } from './problem';
import type { CallerView } from '../domain/payer-account';

/**
 * GET /api/me: who the token signs in as here and what it may do, so a frontend offers only the
 * actions the caller holds the app role for (the roles are configuration, so frontends cannot know them).
 */
export async function callerHandler(request: HttpRequest): Promise<HttpResponseInit> {
  const services = appServices();
  const auth = await authenticate(request, services);
  if (!auth.ok) return auth.response;
  const { API_WRITE_ROLE } = services.config;
  const view: CallerView = {
    organizationId: auth.caller.organizationId,
    canManage: auth.caller.roles.includes(API_WRITE_ROLE),
    canOperate: isOperator(auth.caller, services.config),
    manageRole: API_WRITE_ROLE,
  };
  return json(200, view, { 'cache-control': 'no-store' });
}
