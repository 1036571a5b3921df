import type { HttpResponseInit } from '@azure/functions';
import type { ConsentPage } from '../app/consent-flow';
import { completeConsent, completeConsentWithCode, startConsent as start } from '../app/consent-flow';
import { requestConsentLink as request } from '../app/request-consent-link';
import { AuditAction } from '../domain/audit';
import { ErrorCode } from '../domain/error-codes';
import { readPastedConsent } from '../domain/pasted-consent';
import type { PayerAccountRecord } from '../domain/payer-account';
import { auditByCaller } from './audit';
import { consentEmailRefusal } from './consent-email-quota';
import { consentPageHtml } from './consent-page';
import type { HttpEndpoint } from './endpoint';
import { signedIn } from './endpoint';
import { json, problem, statusOf } from './problem';
import type { ConsentReceived } from './response-schemas';
import { consentCallbackQuery, consentStartQuery } from './schemas';

/**
 * A consent page for the admin's browser: its status from the code of a refusal, 200 for everything else; with a
 * way back to the wizard.
 */
function render(page: ConsentPage, wizardUrl: string): HttpResponseInit {
  if (page.kind === 'redirect')
    return { status: 302, headers: { location: page.location, 'cache-control': 'no-store' } };
  return {
    status: page.code ? statusOf(page.code) : 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    },
    body: consentPageHtml(page.title, page.message, { wizardUrl, problem: !!page.code || !!page.refused }),
  };
}

/** PUT: step 3 — confirm the verified IDs and get a consent link (e-mailed to the admin when given). */
export const requestConsentLink = signedIn(
  'requestConsentLink',
  async ({ caller, body, services, client, context }) => {
    const tooMany = body.adminEmail ? await consentEmailRefusal(caller, services) : undefined;
    if (tooMany) return tooMany;
    const { redirectUri, ...rest } = body;
    const result = await request(
      caller,
      { ...rest, redirectUri: redirectUri === 'callback' ? services.consentCallbackUrl : redirectUri },
      services.consentLinks(client),
    );
    if (!result.ok)
      return problem(result.error, result.error.code === ErrorCode.ConfirmationMismatch ? 422 : undefined);
    const { registrationId, ...view } = result.value;
    await auditByCaller(services, context, caller, AuditAction.ConsentLinkRequested, registrationId, {
      emailed: !!view.emailedTo,
      redirectUri,
      newSecret: rest.secret !== undefined,
      expiresAt: view.expiresAt,
    });
    context.info('Consent link issued', { organizationId: caller.organizationId, emailed: !!view.emailedTo });
    return json(200, view);
  },
);

/** GET /api/consent/start?ticket=… — the link in the e-mail (anonymous: the signed ticket protects it). */
export const startConsent: HttpEndpoint = async (request, _context, { services, client }) => {
  const query = consentStartQuery.safeParse(Object.fromEntries(request.query));
  // An unusable ticket gets the same plain page as a forged one.
  return render(await start(query.success ? query.data.ticket : '', services.consentFlow(client)), wizardUrl(services));
};

/** GET /api/consent/callback — the redirect URI: code or error, and the state (anonymous: the state protects it). */
export const consentCallback: HttpEndpoint = async (request, context, { services, client }) => {
  const parsed = consentCallbackQuery.safeParse(Object.fromEntries(request.query));
  const q = parsed.success ? parsed.data : {};
  const page = await completeConsent(
    { state: q.state, code: q.code, error: q.error, errorDescription: q.error_description },
    services.consentFlow(client),
    { awaitVerdict: true },
  );
  context.info('Consent callback', { outcome: page.kind === 'page' ? page.title : 'redirect', error: q.error });
  return render(page, wizardUrl(services));
};

const wizardUrl = (services: { config: { WIZARD_URL?: string; PUBLIC_BASE_URL: string } }) =>
  services.config.WIZARD_URL ?? `${services.config.PUBLIC_BASE_URL}/`;

/** Which workflow a pasted answer belongs to: the registration in progress, or the registered account's re-consent. */
type ConsentAwaiting = 'registration' | 'reconsent';
const awaitingInstance = (record: PayerAccountRecord | undefined, kind: ConsentAwaiting) => {
  if (kind === 'registration') return record?.state === 'registering' ? record.registrationId : undefined;
  return record?.state === 'registered' ? record.reconsentId : undefined;
};

/** POST: the manual path — the person pastes the code or the whole address from the browser. */
export const submitAuthorizationCode = pastedConsent('submitAuthorizationCode', 'registration');
export const submitReconsentAuthorizationCode = pastedConsent('submitReconsentAuthorizationCode', 'reconsent');

function pastedConsent(
  operationId: 'submitAuthorizationCode' | 'submitReconsentAuthorizationCode',
  kind: ConsentAwaiting,
): HttpEndpoint {
  const statusUrl = kind === 'registration' ? '/api/payer-account/registration' : '/api/payer-account';
  // Both operations take the same body (authorizationCodeBody): one of them names the type.
  return signedIn(operationId as 'submitAuthorizationCode', async ({ caller, body, services, client, context }) => {
    const pasted = readPastedConsent(
      body.url !== undefined ? { url: body.url } : { code: body.code ?? '', handMade: body.handMade },
    );
    if (!('kind' in pasted)) return problem(pasted);
    const instanceId = awaitingInstance(await services.payerAccounts.find(caller.organizationId), kind);
    if (!instanceId) {
      return problem({
        code: kind === 'registration' ? ErrorCode.RegistrationNotFound : ErrorCode.ReconsentNotFound,
        message: `Your organization has no ${kind === 'registration' ? 'registration' : 're-consent'} waiting for consent.`,
      });
    }
    const flow = services.consentFlow(client);
    const page =
      pasted.kind === 'code'
        ? await completeConsentWithCode(instanceId, pasted, flow)
        : await completeConsent(pasted, flow, { expectedRegistrationId: instanceId });
    const field = body.url !== undefined ? 'url' : 'code';
    if (page.kind === 'page' && page.code) return refusal(page, field);
    await auditByCaller(services, context, caller, AuditAction.AuthorizationCodePasted, instanceId, {
      pasted: field,
      kind,
      error: pasted.kind === 'answer' ? pasted.error : undefined,
    });
    return json(202, {
      message: page.kind === 'page' && pasted.kind === 'answer' ? page.title : 'Consent received',
      statusUrl,
    } satisfies ConsentReceived);
  });
}

/** A consent page that refused, as the pasted path's problem: its code, and the field only when what was pasted is at fault. */
function refusal(page: Extract<ConsentPage, { kind: 'page' }>, field: 'url' | 'code'): HttpResponseInit {
  const code = page.code ?? ErrorCode.InvalidField;
  return problem({
    code,
    message: `${page.title}. ${page.message}`,
    ...(code === ErrorCode.InvalidField ? { field } : {}),
  });
}
