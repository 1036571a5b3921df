import { clientInfo } from './access-token';
import { consentPage, errorPage, sessionGonePage, signInPage } from './authorize-pages';
import { validateAuthorizeRequest, type ResponseMode } from './authorize-request';
import { AuthorizationState, type AuthorizeRequest, type ConsentGrant } from './authorization-state';
import { secretsEqual } from './client-auth';
import { ControlRouteError, type ControlAuthorizeRequest } from './control';
import type { Directory } from './directory';
import { aadsts, EntraError, entraErrorResponse, entraTimestamp } from './errors';
import type { EntraTenant, EntraUser } from './fixtures';
import { htmlAnswer, redirectAnswer, type HttpAnswer } from './http';

/**
 * `GET /{tenant}/oauth2/v2.0/authorize` and the pages behind it: sign-in (pick or type a fixture user, then
 * the password), consent (the permissions, Accept / Cancel), then a 302 back to the app:
 * `redirect_uri?code=…&state=…&session_state=…`, or `?error=access_denied&error_subcode=cancel…` (after `#` instead
 * with `response_mode=fragment`).
 * `POST /_control/authorize` runs the very same steps without HTML.
 */

export interface AuthorizeDeps {
  directory: Directory;
  authorization: AuthorizationState;
  clock: () => number;
  baseUrl: () => string;
}

/** The IDs of the request being answered (they appear in Entra's error descriptions and pages). */
export interface RequestIds {
  traceId: string;
  correlationId: string;
}

const authorizePath = (tenantSegment: string) => `/${encodeURIComponent(tenantSegment)}/oauth2/v2.0/authorize`;

/** The redirect URI with the answer's parameters in its query string, or in its fragment. */
function answerLocation(redirectUri: string, mode: ResponseMode, params: [string, string | undefined][]): string {
  const url = new URL(redirectUri);
  const answer = mode === 'fragment' ? new URLSearchParams() : url.searchParams;
  for (const [name, value] of params) if (value !== undefined) answer.append(name, value);
  if (mode === 'fragment') url.hash = answer.toString();
  return url.toString();
}

/** The redirect that carries an error back to the app, in Entra's shape. */
function errorLocation(
  deps: AuthorizeDeps,
  target: { redirectUri: string; responseMode: ResponseMode; state?: string },
  err: EntraError,
  ids: RequestIds,
  subcode?: string,
): string {
  const { body } = entraErrorResponse(err, { now: deps.clock(), ...ids, baseUrl: deps.baseUrl() });
  return answerLocation(target.redirectUri, target.responseMode, [
    ['error', err.error],
    ['error_description', body.error_description],
    ['error_uri', body.error_uri],
    ['error_subcode', subcode],
    ['state', target.state],
  ]);
}

function errorPageAnswer(deps: AuthorizeDeps, err: EntraError, ids: RequestIds): HttpAnswer {
  return htmlAnswer(400, errorPage(err, { ...ids, timestamp: entraTimestamp(deps.clock()) }));
}

/** The user who signs in: any fixture user (one of another tenant too: the product must check `tid`). */
function signIn(
  deps: AuthorizeDeps,
  request: AuthorizeRequest,
  username: string,
  password: string | undefined,
): EntraUser {
  const user = deps.directory.user(username.trim());
  if (!user) {
    const tenantName = (request.tenant ?? deps.directory.tenantById(request.app.homeTenantId)).displayName;
    throw aadsts.userNotFound(tenantName);
  }
  if (password !== undefined && !secretsEqual(user.password, password)) throw aadsts.invalidPassword();
  return user;
}

/** Accept: a code bound to the app, redirect URI, tenant, user, permissions and PKCE challenge. */
function accept(deps: AuthorizeDeps, request: AuthorizeRequest, user: EntraUser): string {
  const grant: ConsentGrant = {
    clientId: request.app.clientId,
    user,
    tenantId: request.tenant?.tenantId ?? user.tenantId,
    resources: request.consent.resources,
    oidc: request.consent.oidc,
    authTime: deps.clock(),
  };
  const code = deps.authorization.issueCode({
    grant,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    requested: request.requested,
    nonce: request.nonce,
  });
  return answerLocation(request.redirectUri, request.responseMode, [
    ['code', code],
    ['client_info', request.clientInfo ? clientInfo(user) : undefined],
    ['state', request.state],
    ['session_state', AuthorizationState.sessionState()],
  ]);
}

/** Cancel on the consent page: `access_denied`, AADSTS65004, `error_subcode=cancel`. */
const cancel = (deps: AuthorizeDeps, request: AuthorizeRequest, ids: RequestIds) =>
  errorLocation(deps, request, aadsts.userDeclinedConsent(), ids, 'cancel');

function usersOffered(deps: AuthorizeDeps, request: AuthorizeRequest): EntraUser[] {
  const users = deps.directory.fixtures.users;
  return request.tenant
    ? users.filter((u) => u.tenantId.toLowerCase() === request.tenant!.tenantId.toLowerCase())
    : users;
}

/** `GET /{tenant}/oauth2/v2.0/authorize`: the sign-in page, Entra's error page, or an error redirect. */
export function authorizeGet(
  deps: AuthorizeDeps,
  tenantSegment: string,
  tenant: EntraTenant | undefined,
  query: URLSearchParams,
  ids: RequestIds,
): HttpAnswer {
  let validation;
  try {
    validation = validateAuthorizeRequest(deps.directory, deps.authorization, tenantSegment, tenant, query);
  } catch (err) {
    if (err instanceof EntraError) return errorPageAnswer(deps, err, ids);
    throw err;
  }
  if (!validation.ok) return redirectAnswer(errorLocation(deps, validation, validation.error, ids));
  const request = validation.request;
  const interaction = deps.authorization.startInteraction(request);
  return htmlAnswer(
    200,
    signInPage({
      request,
      interactionId: interaction.id,
      action: authorizePath(tenantSegment),
      users: usersOffered(deps, request),
      username: request.loginHint,
    }),
  );
}

/** An Entra error page for an unknown tenant in the path (before any validation). */
export function authorizeTenantError(deps: AuthorizeDeps, err: EntraError, ids: RequestIds): HttpAnswer {
  return errorPageAnswer(deps, err, ids);
}

/**
 * `POST /{tenant}/oauth2/v2.0/authorize[/consent]` from the pages: `interaction` plus `action` = `signin`
 * (with `account` or `username`, and `password`), `accept` or `cancel`.
 */
export function authorizePost(
  deps: AuthorizeDeps,
  tenantSegment: string,
  form: URLSearchParams,
  ids: RequestIds,
): HttpAnswer {
  const interaction = deps.authorization.interaction(form.get('interaction') ?? '');
  if (!interaction || interaction.request.tenantSegment.toLowerCase() !== tenantSegment.toLowerCase()) {
    return htmlAnswer(400, sessionGonePage());
  }
  const { request } = interaction;
  const action = form.get('action');
  const showSignIn = (error?: string, username?: string) =>
    htmlAnswer(
      200,
      signInPage({
        request,
        interactionId: interaction.id,
        action: authorizePath(tenantSegment),
        users: usersOffered(deps, request),
        username,
        error,
      }),
    );

  if (action === 'signin' || action === null) {
    const username = (form.get('username') ?? '').trim() || (form.get('account') ?? '').trim();
    if (!username) return showSignIn('Enter a username, or pick an account from the list.');
    let user: EntraUser;
    try {
      user = deps.authorization.signedIn(interaction, signIn(deps, request, username, form.get('password') ?? ''));
    } catch (err) {
      if (err instanceof EntraError) return showSignIn(err.message, username);
      throw err;
    }
    return htmlAnswer(
      200,
      consentPage({
        request,
        interactionId: interaction.id,
        action: `${authorizePath(tenantSegment)}/consent`,
        user,
      }),
    );
  }
  if (action === 'accept' || action === 'cancel') {
    if (!interaction.user) return showSignIn('Sign in first.');
    deps.authorization.endInteraction(interaction.id);
    return redirectAnswer(action === 'accept' ? accept(deps, request, interaction.user) : cancel(deps, request, ids));
  }
  return showSignIn(`Unknown action.`);
}

/**
 * `POST /_control/authorize`: the same validations as the GET, the same sign-in rules, then the decision.
 * Answers `{location}`; Entra's page errors (and a wrong password or unknown user) throw `EntraError`.
 */
export function controlAuthorize(
  deps: AuthorizeDeps,
  body: ControlAuthorizeRequest,
  ids: RequestIds,
  tenantOf: (segment: string) => EntraTenant | undefined,
): { location: string } {
  let url: URL;
  try {
    url = new URL(body.authorizeUrl);
  } catch {
    throw new ControlRouteError(400, 'invalid_request', 'authorizeUrl is not an absolute URL.');
  }
  const base = new URL(deps.baseUrl());
  if (url.protocol !== base.protocol || ![base.host, `localhost:${base.port}`].includes(url.host)) {
    throw new ControlRouteError(
      400,
      'invalid_request',
      `authorizeUrl must point at this stand-in (${deps.baseUrl()}).`,
    );
  }
  const m = /^\/([^/]+)\/oauth2\/v2\.0\/authorize$/.exec(decodeURIComponent(url.pathname));
  if (!m) throw new ControlRouteError(400, 'invalid_request', 'authorizeUrl must be /{tenant}/oauth2/v2.0/authorize?…');
  const tenant = tenantOf(m[1]);
  const validation = validateAuthorizeRequest(deps.directory, deps.authorization, m[1], tenant, url.searchParams);
  if (!validation.ok) return { location: errorLocation(deps, validation, validation.error, ids) };
  const request = validation.request;
  const user = signIn(
    deps,
    request,
    body.username,
    body.password ?? deps.directory.user(body.username.trim())?.password,
  );
  return { location: body.decision === 'accept' ? accept(deps, request, user) : cancel(deps, request, ids) };
}
