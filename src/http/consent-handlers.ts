import type { z } from 'zod';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { DurableClient } from 'durable-functions';
import type { ConsentPage } from '../app/consent-flow';
import { completeConsent, completeConsentWithCode, startConsent } from '../app/consent-flow';
import { requestConsentLink } from '../app/request-consent-link';
import { appServices } from '../composition';
import { ErrorCode } from '../domain/error-codes';
import type { PayerAccountRecord } from '../domain/payer-account';
import { AuditAction } from '../domain/audit';
import { auditByCaller } from './audit';
import { authenticate } from './authenticate';
import { consentEmailRefusal } from './consent-email-quota';
import { consentPageHtml } from './consent-page';
import { json, problem } from './problem';
import { readJsonBody } from './request-body';
import type { ConsentReceived } from './response-schemas';
import { authorizationCodeBody, consentCallbackQuery, consentStartQuery, partnerApiCredentialsBody } from './schemas';

const flowDeps = (client: DurableClient) => {
  const services = appServices();
  return { ...services.consentFlow, workflow: services.workflow(client) };
};

function render(result: ConsentPage): HttpResponseInit {
  if (result.kind === 'redirect')
    return { status: 302, headers: { location: result.location, 'cache-control': 'no-store' } };
  return {
    status: result.status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    },
    body: consentPageHtml(result.title, result.message),
  };
}

/** PUT: step 3 — confirm the verified IDs and get a consent link (e-mailed to the admin when given). */
export async function requestConsentLinkHandler(
  request: HttpRequest,
  client: DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const services = appServices();
  const auth = await authenticate(request, services, { requiredRole: services.config.API_WRITE_ROLE });
  if (!auth.ok) return auth.response;
  const body = await readJsonBody(request, partnerApiCredentialsBody);
  if (!body.ok) return problem(body.error);
  const tooMany = body.value.adminEmail ? await consentEmailRefusal(auth.caller, services) : undefined;
  if (tooMany) return tooMany;
  const { redirectUri, ...rest } = body.value;
  const result = await requestConsentLink(
    auth.caller,
    { ...rest, redirectUri: redirectUri === 'callback' ? services.consentCallbackUrl : redirectUri },
    appServices().consentLinks(client),
  );
  if (!result.ok) return problem(result.error, result.error.code === ErrorCode.ConfirmationMismatch ? 422 : undefined);
  const { registrationId, ...view } = result.value;
  await auditByCaller(services, context, auth.caller, AuditAction.ConsentLinkRequested, registrationId, {
    emailed: !!view.emailedTo,
    redirectUri: redirectUri === 'callback' ? 'callback' : redirectUri,
    newSecret: rest.secret !== undefined,
    expiresAt: view.expiresAt,
  });
  context.info('Consent link issued', { organizationId: auth.caller.organizationId, emailed: !!view.emailedTo });
  return json(200, view);
}

/** GET /api/consent/start?ticket=… — the link in the e-mail. */
export async function startConsentHandler(request: HttpRequest, client: DurableClient): Promise<HttpResponseInit> {
  const query = consentStartQuery.safeParse(Object.fromEntries(request.query));
  // An unusable ticket gets the same plain page as a forged one.
  return render(await startConsent(query.success ? query.data.ticket : '', flowDeps(client)));
}

/** GET /api/consent/callback — the redirect URI: code or error, and the state. */
export async function consentCallbackHandler(
  request: HttpRequest,
  client: DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const parsed = consentCallbackQuery.safeParse(Object.fromEntries(request.query));
  const q: z.infer<typeof consentCallbackQuery> = parsed.success ? parsed.data : {};
  const page = await completeConsent(
    { state: q.state, code: q.code, error: q.error, errorDescription: q.error_description },
    flowDeps(client),
  );
  context.info('Consent callback', { outcome: page.kind === 'page' ? page.title : 'redirect', error: q.error });
  return render(page);
}

/** Which workflow a pasted answer belongs to: the registration in progress, or the registered account's re-consent. */
type ConsentAwaiting = 'registration' | 'reconsent';
const awaitingInstance = (record: PayerAccountRecord | undefined, kind: ConsentAwaiting) =>
  kind === 'registration'
    ? record?.state === 'registering'
      ? record.registrationId
      : undefined
    : record?.state === 'registered'
      ? record.reconsentId
      : undefined;

/** POST: the manual path — the person pastes the code or the whole address from the browser. */
export const pastedAuthorizationCodeHandler = pastedAuthorizationCode('registration');
export const pastedReconsentCodeHandler = pastedAuthorizationCode('reconsent');

function pastedAuthorizationCode(kind: ConsentAwaiting) {
  const statusUrl = kind === 'registration' ? '/api/payer-account/registration' : '/api/payer-account';
  return async (request: HttpRequest, client: DurableClient, context: InvocationContext): Promise<HttpResponseInit> => {
    const services = appServices();
    const auth = await authenticate(request, services, { requiredRole: services.config.API_WRITE_ROLE });
    if (!auth.ok) return auth.response;
    const body = await readJsonBody(request, authorizationCodeBody);
    if (!body.ok) return problem(body.error);
    const address = body.value.url ? new URL(body.value.url) : undefined;
    // The pasted address's parameters are held to what the callback accepts from Microsoft.
    const pasted = address
      ? consentCallbackQuery.safeParse(
          Object.fromEntries(
            ['state', 'code', 'error', 'error_description'].map((name) => [
              name,
              address.searchParams.get(name) ?? undefined,
            ]),
          ),
        )
      : undefined;
    if (pasted && !pasted.success) {
      return problem({
        code: ErrorCode.InvalidField,
        field: 'url',
        message: `url: its ${pasted.error.issues[0]?.path.join('.')} is longer than Microsoft sends; paste the address exactly as the browser showed it.`,
      });
    }
    const state = pasted?.data?.state;
    const code = address ? pasted?.data?.code : body.value.code;
    const error = pasted?.data?.error;
    const instanceId = awaitingInstance(await services.payerAccounts.find(auth.caller.organizationId), kind);
    if (!instanceId) {
      return problem({
        code: kind === 'registration' ? ErrorCode.RegistrationNotFound : ErrorCode.ReconsentNotFound,
        message: `Your organization has no ${kind === 'registration' ? 'registration' : 're-consent'} waiting for consent.`,
      });
    }
    if (!address && code) {
      const pageResult = await completeConsentWithCode(instanceId, code, flowDeps(client));
      if (pageResult.kind === 'page' && pageResult.status >= 400) return refusal(pageResult, 'code');
      await auditByCaller(services, context, auth.caller, AuditAction.AuthorizationCodePasted, instanceId, {
        pasted: 'code',
        kind,
      });
      return json(202, { message: 'Consent received', statusUrl } satisfies ConsentReceived);
    }
    if (!state || (!code && !error)) {
      return problem({
        code: ErrorCode.InvalidField,
        field: 'url',
        message:
          "Paste the whole address from the browser's address bar after consenting: it looks like https://localhost/?code=…&state=…&session_state=…",
      });
    }
    const page = await completeConsent(
      { state, code, error, errorDescription: pasted?.data?.error_description },
      flowDeps(client),
      instanceId,
    );
    if (page.kind === 'page' && page.status >= 400) return refusal(page, 'url');
    await auditByCaller(services, context, auth.caller, AuditAction.AuthorizationCodePasted, instanceId, {
      pasted: 'url',
      kind,
      error: error ?? undefined,
    });
    return json(202, { message: page.kind === 'page' ? page.title : 'accepted', statusUrl } satisfies ConsentReceived);
  };
}

/** A consent page that refused, as the pasted path's problem: its code, and the field only when what was pasted is at fault. */
function refusal(page: Extract<ConsentPage, { kind: 'page' }>, field: 'url' | 'code'): HttpResponseInit {
  const code = page.code ?? ErrorCode.InvalidField;
  return problem(
    { code, message: `${page.title}. ${page.message}`, ...(code === ErrorCode.InvalidField ? { field } : {}) },
    page.status,
  );
}
