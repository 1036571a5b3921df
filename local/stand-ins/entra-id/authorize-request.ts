import type { AuthorizationState, AuthorizeRequest, ConsentedResource } from './authorization-state';
import { resolveDelegatedScopes, type DelegatedGrant } from './delegated-scopes';
import type { Directory } from './directory';
import { aadsts, EntraError } from './errors';
import type { EntraApplication, EntraTenant } from './fixtures';
import { microsoftResource, parseScopes, resourceDisplayName, resourceKey } from './resources';

/**
 * Validation of `GET /{tenant}/oauth2/v2.0/authorize`, in Entra's order. Errors about the app or the redirect
 * URI are thrown (`EntraError`): Entra shows them on its own error page and never redirects to an address
 * it cannot trust. Once the redirect URI is known good, errors go back to the app as a redirect
 * (`{ok: false, …}`), with the `state`.
 *
 * The scope may name several resources: consent is asked for all of them, and the code redeems for the first unless
 * the token request names another ("For the /authorize leg of the request, this parameter can cover multiple
 * resources", https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code).
 *
 * PKCE is optional ("recommended for all application types", required only for single-page apps' cross-origin
 * redemption: 9002325 at the token endpoint), as on the page below. Stand-in rules stricter than Entra (so the
 * product gets them right): a `code_challenge` must come with `code_challenge_method=S256`; the scope must name a resource (70011 for only `openid profile`, which Entra reads
 * as Microsoft Graph); `response_mode` is `query` (the default) or `fragment` (what MSAL for the browser asks for),
 * not `form_post` (all three on the page above).
 */
export type AuthorizeValidation =
  | { ok: true; request: AuthorizeRequest }
  | { ok: false; redirectUri: string; state?: string; error: EntraError; responseMode: ResponseMode };

/** Where the answer's parameters travel back to the app: the query string, or the fragment (never sent to servers). */
export type ResponseMode = 'query' | 'fragment';

const PROMPTS_WITH_PAGE = new Set(['login', 'consent', 'select_account', 'create']);
/** base64url(SHA-256(verifier)): 32 bytes → 43 characters, no padding. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function validateAuthorizeRequest(
  directory: Directory,
  authorization: AuthorizationState,
  tenantSegment: string,
  tenant: EntraTenant | undefined,
  query: URLSearchParams,
): AuthorizeValidation {
  const param = (name: string) => {
    const v = query.get(name);
    return v === null || v === '' ? undefined : v;
  };

  // 1. The app, in this tenant (shown on Entra's page).
  const clientId = param('client_id');
  if (!clientId) throw aadsts.missingAuthorizeParameter('client_id');
  const app = tenant ? directory.appInTenant(clientId, tenant.tenantId) : directory.appByClientId(clientId);
  if (!app) throw aadsts.appNotInTenant(clientId, tenant?.displayName ?? tenantSegment);
  if (!tenant && !app.multiTenant) throw aadsts.singleTenantAppOnCommon(app.clientId, app.name);

  // 2. The redirect URI, registered on the app, exactly (shown on Entra's page: never redirected to).
  const redirectUri = param('redirect_uri');
  if (!redirectUri) throw aadsts.noReplyAddress();
  if (!authorization.redirectUris(app).includes(redirectUri))
    throw aadsts.redirectUriNotRegistered(redirectUri, app.clientId);

  // From here on, errors go back to the app, in the response mode it asked for when that is one the stand-in serves.
  const state = query.get('state') ?? undefined;
  const askedMode = param('response_mode');
  const responseMode: ResponseMode = askedMode === 'fragment' ? 'fragment' : 'query';
  const fail = (error: EntraError): AuthorizeValidation => ({ ok: false, redirectUri, state, error, responseMode });

  if (askedMode !== undefined && askedMode !== 'query' && askedMode !== 'fragment') {
    return fail(
      aadsts.standInLimitation(
        `response_mode '${askedMode}' is not served: the stand-in answers with response_mode=query or fragment.`,
      ),
    );
  }
  const responseType = param('response_type');
  if (!responseType) return fail(aadsts.missingAuthorizeParameter('response_type'));
  if (responseType !== 'code') return fail(aadsts.responseTypeNotEnabled(responseType));

  // 3. Scopes: one or more resources, plus optional OIDC scopes.
  const scope = param('scope');
  if (!scope) return fail(aadsts.scopeMissing());
  const resourceTenant = tenant ?? directory.tenantById(app.homeTenantId);
  const { oidc, resourceScopes } = parseScopes(scope);
  if (resourceScopes.length === 0) return fail(aadsts.scopeInvalid(scope));
  const byResource = new Map<string, string[]>();
  for (const s of resourceScopes) {
    const key = s.resource.replace(/\/+$/, '').toLowerCase();
    byResource.set(key, [...(byResource.get(key) ?? []), s.raw]);
  }
  let grants: DelegatedGrant[];
  try {
    grants = [...byResource.values()].map((raws) =>
      resolveDelegatedScopes(directory, resourceTenant, [...raws, ...oidc].join(' ')),
    );
  } catch (err) {
    if (err instanceof EntraError) return fail(err);
    throw err;
  }
  for (const grant of grants) {
    const registrationError = checkAppRegistration(app, grant.resource, grant.scp);
    if (registrationError) return fail(registrationError);
  }
  const requested = grants[0];

  // 4. PKCE: recommended, not required (a confidential client's hand-made sign-in address has none); S256 only.
  const codeChallenge = param('code_challenge');
  if (codeChallenge !== undefined) {
    const method = param('code_challenge_method');
    if (!method) return fail(aadsts.missingAuthorizeParameter('code_challenge_method'));
    if (method === 'plain') return fail(aadsts.standInLimitation('code_challenge_method=plain is refused: use S256.'));
    if (method !== 'S256') return fail(aadsts.invalidCodeChallengeMethod());
    if (!S256_CHALLENGE.test(codeChallenge)) return fail(aadsts.invalidCodeChallengeSize());
  }

  // 5. prompt: none cannot work (the stand-in keeps no browser session); the others show the pages.
  const prompt = param('prompt');
  if (prompt === 'none') return fail(aadsts.loginRequired());

  return {
    ok: true,
    request: {
      tenantSegment,
      tenant,
      app,
      redirectUri,
      responseMode,
      state,
      nonce: param('nonce'),
      loginHint: param('login_hint'),
      prompt: prompt && PROMPTS_WITH_PAGE.has(prompt) ? prompt : undefined,
      clientInfo: query.get('client_info') === '1',
      codeChallenge,
      requested,
      consent: consentFor(app, grants),
    },
  };
}

/**
 * An app whose registration lists its API permissions (`requiredResourceAccess`) may only ask for those:
 * another resource → 650057, another permission of a listed resource → 650056. Apps without the list
 * (fixture apps for the product's own API) may ask for anything their resources expose.
 */
function checkAppRegistration(
  app: EntraApplication,
  resource: AuthorizeRequest['requested']['resource'],
  scp: readonly string[],
): EntraError | undefined {
  const listed = app.requiredResourceAccess;
  if (!listed || listed.length === 0) return undefined;
  const key = resourceKey(resource);
  const entry = listed.find((r) => r.resourceAppId.toLowerCase() === key);
  if (!entry) {
    return aadsts.resourceNotInRegistration(
      app.clientId,
      app.name,
      resource.requested,
      microsoftResource(resource.audience)?.appId ?? key,
      listed.map((r) => r.resourceAppId),
    );
  }
  const missing = scp.find((p) => !entry.delegatedScopes.some((d) => d.toLowerCase() === p.toLowerCase()));
  return missing ? aadsts.permissionNotInRegistration(app.clientId, entry.resource) : undefined;
}

/** What Accept grants: the requested permissions plus every delegated permission the registration lists. */
function consentFor(app: EntraApplication, grants: DelegatedGrant[]): AuthorizeRequest['consent'] {
  const resources: ConsentedResource[] = [];
  for (const grant of grants) {
    const key = resourceKey(grant.resource);
    const same = resources.find((e) => e.key === key);
    if (same) same.permissions.push(...grant.scp.filter((p) => !same.permissions.includes(p)));
    else {
      resources.push({
        key,
        uri: grant.resource.requested,
        displayName: resourceDisplayName(grant.resource),
        permissions: [...grant.scp],
      });
    }
  }
  for (const r of app.requiredResourceAccess ?? []) {
    const key = r.resourceAppId.toLowerCase();
    let entry = resources.find((e) => e.key === key);
    if (!entry) {
      entry = {
        key,
        uri: r.resource,
        displayName: microsoftResource(r.resourceAppId)?.displayName ?? r.resource,
        permissions: [],
      };
      resources.push(entry);
    }
    for (const p of r.delegatedScopes) if (!entry.permissions.includes(p)) entry.permissions.push(p);
  }
  return { resources, oidc: [...new Set(grants[0].oidc.map((s) => s.toLowerCase()))] };
}
