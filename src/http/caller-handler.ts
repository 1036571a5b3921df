import type { CallerView } from '../domain/payer-account';
import { isOperator } from './authenticate';
import { signedIn } from './endpoint';
import { json } from './problem';

/**
 * GET /api/me: who the token signs in as here and what it may do, so a frontend offers only the
 * actions the caller holds the app role for (the roles are configuration, so frontends cannot know them).
 */
export const caller = signedIn('getCaller', async ({ caller: signedInCaller, services: { config } }) => {
  const view: CallerView = {
    organizationId: signedInCaller.organizationId,
    canManage: signedInCaller.roles.includes(config.API_WRITE_ROLE),
    canOperate: isOperator(signedInCaller, config),
    manageRole: config.API_WRITE_ROLE,
  };
  return json(200, view, { 'cache-control': 'no-store' });
});
