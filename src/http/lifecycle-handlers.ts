import { startReconsent as start } from '../app/start-reconsent';
import { updateApplicationSecret as update } from '../app/update-application-secret';
import { AuditAction } from '../domain/audit';
import { ErrorCode } from '../domain/error-codes';
import { auditByCaller } from './audit';
import { consentEmailRefusal } from './consent-email-quota';
import { signedIn } from './endpoint';
import { json, problem } from './problem';

/** POST /api/payer-account/reconsent: step 3 again for the registered account; answers with the consent link. */
export const startReconsent = signedIn('startReconsent', async ({ caller, body, services, client, context }) => {
  const tooMany = body.adminEmail ? await consentEmailRefusal(caller, services) : undefined;
  if (tooMany) return tooMany;
  const { redirectUri, ...rest } = body;
  const result = await start(
    caller.organizationId,
    caller,
    { ...rest, redirectUri: redirectUri === 'callback' ? services.consentCallbackUrl : redirectUri },
    services.reconsentStart(client),
  );
  if (!result.ok) return problem(result.error);
  const { reconsentId, emailedTo, expiresAt } = result.value;
  await auditByCaller(services, context, caller, AuditAction.ReconsentRequested, reconsentId, {
    emailed: !!emailedTo,
    newSecret: rest.secret !== undefined,
    expiresAt,
  });
  context.info('Re-consent link issued', { organizationId: caller.organizationId, reconsentId, emailed: !!emailedTo });
  return json(202, { ...result.value, statusUrl: '/api/payer-account' }, { location: '/api/payer-account' });
});

/** Refusals that are not about the secret itself, answered with their own status rather than 422 or 503. */
const DECIDED_ELSEWHERE: string[] = [
  ErrorCode.PayerAccountNotFound,
  ErrorCode.ConcurrentChange,
  ErrorCode.SecretStoreUnavailable,
];

/** PUT /api/payer-account/secret: a new application secret, verified before it replaces the old one. */
export const updateApplicationSecret = signedIn(
  'updateApplicationSecret',
  async ({ caller, body, services, context }) => {
    if (body.expiresAt && Date.parse(body.expiresAt) <= services.clock.now().getTime()) {
      return problem({
        code: ErrorCode.InvalidField,
        field: 'expiresAt',
        message: 'must be in the future: this date has passed, so the secret has already expired',
      });
    }
    const result = await update(caller, body, services.secretUpdate);
    if (!result.ok) {
      const { code, aadsts, correlationId, unavailable } = result.error;
      await auditByCaller(services, context, caller, AuditAction.SecretUpdateRefused, undefined, {
        code,
        aadsts,
        correlationId,
      });
      return problem(result.error, DECIDED_ELSEWHERE.includes(code) ? undefined : unavailable ? 503 : 422);
    }
    const { applicationSecret, expiresAt } = result.value;
    await auditByCaller(services, context, caller, AuditAction.SecretUpdated, undefined, {
      version: applicationSecret.version,
      expiresAt,
    });
    context.info('Application secret replaced', {
      organizationId: caller.organizationId,
      version: applicationSecret.version,
    });
    return json(200, result.value);
  },
);
