import { checkConnection as check } from '../app/check-connection';
import { supportBundle } from '../app/support-bundle';
import { AuditAction } from '../domain/audit';
import { connectionCheckAuditDetails } from '../domain/connection-check';
import { auditByCaller } from './audit';
import { signedIn } from './endpoint';
import { json, problem } from './problem';
import { unavailableOnFault } from './records-unavailable';

const NO_STORE = { 'cache-control': 'no-store' };

/** POST /api/payer-account/connection-check: every data path proven now, each with its outcome (write role). */
export const checkConnection = signedIn('checkConnection', async ({ caller, services, context }) => {
  const result = await check(caller, services.connectionCheck);
  if (!result.ok) {
    if (!('retryAfterSeconds' in result.error)) return problem(result.error);
    const { retryAfterSeconds, ...error } = result.error;
    return problem(error, undefined, { 'retry-after': String(retryAfterSeconds) });
  }
  const { registrationId, check: done } = result.value;
  await auditByCaller(
    services,
    context,
    caller,
    AuditAction.ConnectionChecked,
    registrationId,
    connectionCheckAuditDetails(done),
  );
  context.info('Connection checked', {
    organizationId: caller.organizationId,
    verdict: done.verdict,
    paths: done.paths.map((p) => `${p.path}:${p.outcome}`).join(' '),
  });
  return json(200, done, NO_STORE);
});

/** GET /api/payer-account/support-bundle: the redacted support details, as JSON and as text (any member). */
export const getSupportBundle = signedIn('getSupportBundle', async ({ caller, services, client, context }) =>
  unavailableOnFault(context, async () => {
    const result = await supportBundle(caller, {
      payerAccounts: services.payerAccounts,
      workflow: services.workflow(client),
      records: services.workflowRecords(client),
      auditTrail: services.auditTrail,
      clock: services.clock,
    });
    if (!result.ok) return problem(result.error);
    await auditByCaller(services, context, caller, AuditAction.SupportBundleRead, result.value.registrationId, {
      microsoftErrors: result.value.microsoftErrors.length,
    });
    return json(200, result.value, NO_STORE);
  }),
);
