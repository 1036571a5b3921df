import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { LoopbackTls } from '../../tls';
import { FaultInjection } from '../fault-injection';
import { controlAuthorize } from './authorize-endpoint';
import type { AuthorizationSnapshot, RedirectPlatform, RevocationAnswer } from './authorization-state';
import { corsFor } from './cors';
import { AuthorizationState } from './authorization-state';
import { ControlRouteError, mintToken, type ControlAuthorizeRequest, type MintOptions } from './control';
import { Directory } from './directory';
import { entraFaultBody } from './error-bodies';
import { aadsts, EntraError, entraErrorResponse } from './errors';
import { loadEntraFixtures, type EntraFixtures } from './fixtures';
import { BodyTooLargeError, HttpAnswer, sendAnswer, sendJson } from './http';
import { microsoftResource } from './resources';
import { buildRoutes } from './routes';
import { StateFile } from '../state-file';
import { createSigningKeys, type SavedSigningKey } from './signing-keys';
import { tenantUrls } from './tenant-urls';
import type { PasswordChange } from './token-revocation';

/**
 * Microsoft Entra ID stand-in — LOCAL DEV AND TEST ONLY, never deployed. An HTTPS server on 127.0.0.1
 * speaking Entra's v2 wire formats (discovery, JWKS, the authorize endpoint with its sign-in and consent pages,
 * the token endpoint's client_credentials / password / authorization_code / refresh_token grants, AADSTS
 * errors) over the fixtures.
 * Clients must trust `tls.cert` (NODE_EXTRA_CA_CERTS, or `tlsOptions: {ca}` for Azure SDK clients).
 */
export interface EntraIdStandInOptions {
  tls: LoopbackTls;
  /** 0 or absent: a free port */
  port?: number;
  fixtures?: EntraFixtures;
  /** ms since epoch; drives iat/nbf/exp, secret expiry, and the lifetimes of codes (10 min) and refresh tokens (90 days unused) (default Date.now) */
  clock?: () => number;
  /** When set, codes, sign-ins and refresh tokens age on this clock instead (tokens' own times stay on `clock`). */
  authorizationClock?: () => number;
  /**
   * A folder to keep the signing key (`signing-key.json`) and what was issued (`authorization.json`: sign-ins in
   * progress, codes, refresh tokens and their revocations, redirect URIs added at run time) in, saved on every change and
   * loaded at start. Absent: a fresh key and memory only (tests).
   */
  dataDir?: string;
}

export interface EntraIdStandIn {
  /** `https://127.0.0.1:PORT` */
  url: string;
  /** the same as `url`: pass as `authorityHost` to @azure/identity, or `${authorityHost}/${tenant}` as MSAL's authority */
  authorityHost: string;
  /** `iss` of v2.0 tokens (fixture apps, id tokens): `${url}/${tenantId}/v2.0`. Accepts a domain too. */
  issuer(tenantId: string): string;
  /** `iss` of v1.0 tokens for Microsoft APIs (Key Vault, Partner Center, Graph): `https://sts.windows.net/${tenantId}/` */
  v1Issuer(tenantId: string): string;
  /** `${url}/${tenantId}/discovery/v2.0/keys` (every tenant's JWKS holds the same key) */
  jwksUri(tenantId: string): string;
  fixtures: EntraFixtures;
  /** Signs arbitrary claims with the stand-in's key (or a foreign one); fills iat/nbf/exp unless given. */
  mintToken(claims: Record<string, unknown>, options?: MintOptions): Promise<string>;
  /**
   * Fault injection on every Entra route, the token endpoint included (also over HTTP: `/_control/faults`,
   * `/_control/requests`). A fault without a body answers in Entra's error shape; for an exact AADSTS answer
   * pass `aadstsErrorBody(code).body` (error-bodies.ts).
   */
  faults: FaultInjection;
  /**
   * Registers a redirect URI on a fixture app at run time (also `POST /_control/applications/{clientId}/redirect-uris`
   * `{uri, platform}`): the product's callback URL, whose port varies (`web`, the default), or the wizard's address
   * (`spa`: the token endpoint then answers that origin's browser with CORS). Exact matching, as Entra: scheme,
   * host, port, path, trailing slash. Answers the app's redirect URIs. Throws for an unknown app or a URI Entra would
   * refuse (not absolute, a fragment, `http` off loopback). The fixtures themselves are left unchanged.
   */
  addRedirectUri(clientId: string, uri: string, platform?: RedirectPlatform): string[];
  /** The app's redirect URIs: the fixture's, then those added at run time. */
  redirectUris(clientId: string): string[];
  /**
   * What a browser does on the sign-in and consent pages, without HTML (also `POST /_control/authorize`): the
   * authorize URL's validations, the sign-in (`password` defaults to the fixture user's own), then Accept or
   * Cancel. Answers `{location}`, the redirect the browser would follow (`code`/`state`/`session_state`, or an
   * `error`). Errors Entra shows on its own page (unknown app, unregistered redirect URI…) and sign-in
   * failures (50034, 50126) throw an `EntraError`.
   */
  authorize(request: ControlAuthorizeRequest): Promise<{ location: string }>;
  /**
   * Sets the access-token version a Microsoft API's registration accepts (by URI or app ID; 1.0 unless set), as its
   * `accessTokenAcceptedVersion` would: v2.0 tokens carry `preferred_username` and no `amr`, `upn` or `unique_name`.
   */
  setAccessTokenVersion(resource: string, version: '1.0' | '2.0'): void;
  /**
   * Removes (or restores) a Microsoft API's service principal in a tenant (by URI or app ID): its tokens are then
   * refused with AADSTS500011, as Entra refuses a resource not installed in the tenant.
   */
  setServicePrincipal(tenantId: string, resource: string, present: boolean): void;
  /**
   * An admin revokes the user's sessions (Graph `revokeSignInSessions`; also `POST /_control/revoke` `{username}`):
   * every refresh token of the user issued so far, whatever the client, then fails with AADSTS50173.
   */
  revokeRefreshTokens(username: string): RevocationAnswer;
  /**
   * The user's password changes (also `POST /_control/password-change` `{username, how}`), as the "Token revocation"
   * table of https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens has it: public clients' refresh
   * tokens then fail with AADSTS50173; confidential clients' (the product's) stay valid unless an admin reset the
   * password in the Entra admin center (`how`, default `user-change`).
   */
  changePassword(username: string, how?: PasswordChange): RevocationAnswer & { how: PasswordChange };
  /**
   * A new refresh token carrying the same consent as `token`, as if the admin had consented again (benches and tests
   * that seed many registered accounts without a sign-in each).
   */
  issueRefreshTokenLike(token: string): string;
  /** How many times Entra ID answered a redemption of this refresh token with tokens (0 for an unknown one). */
  refreshTokenRedemptions(token: string): number;
  stop(): Promise<void>;
}

export async function startEntraIdStandIn(options: EntraIdStandInOptions): Promise<EntraIdStandIn> {
  const fixtures = options.fixtures ?? loadEntraFixtures();
  const clock = options.clock ?? Date.now;
  const directory = new Directory(fixtures);
  const file = <T>(name: string) => (options.dataDir ? new StateFile<T>(path.join(options.dataDir, name)) : undefined);
  const keys = await createSigningKeys(file<SavedSigningKey>('signing-key.json'));
  let baseUrl = '';

  const authorization = new AuthorizationState(
    directory,
    options.authorizationClock ?? clock,
    file<AuthorizationSnapshot>('authorization.json'),
  );
  const routes = buildRoutes({ directory, keys, clock, baseUrl: () => baseUrl, authorization });
  const faults = new FaultInjection({
    // The answer's own trace and correlation IDs, as in Entra's errors.
    defaultBody: (status, { headers }) =>
      entraFaultBody(status, {
        now: clock(),
        traceId: headers['x-ms-request-id'] ?? randomUUID(),
        correlationId: headers['client-request-id'] ?? randomUUID(),
        baseUrl,
      }),
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const traceId = randomUUID();
    const clientRequestId = req.headers['client-request-id'];
    const correlationId = typeof clientRequestId === 'string' && clientRequestId ? clientRequestId : randomUUID();
    const headers: Record<string, string> = { 'x-ms-request-id': traceId, 'client-request-id': correlationId };
    const url = new URL(req.url ?? '/', baseUrl);
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'Malformed path.' }, headers);
    }
    const cors = corsFor(req, pathname, () => authorization.spaOrigins());
    if (cors.preflight) {
      res.writeHead(204, { ...headers, ...cors.headers });
      return void res.end();
    }
    Object.assign(headers, cors.headers);
    if (await faults.handleControl(req, res, pathname)) return;
    if (
      await faults.intercept(req, res, {
        pathname,
        headers: { ...headers, 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' },
      })
    )
      return;
    const matching = routes.map((r) => ({ r, m: r.pattern.exec(pathname) })).filter((x) => x.m !== null);
    const route = matching.find((x) => x.r.method === req.method);
    if (!route) {
      if (matching.length === 0)
        return sendJson(res, 404, { error: 'not_found', error_description: `No route ${pathname}` }, headers);
      return sendJson(
        res,
        405,
        { error: 'method_not_allowed' },
        { ...headers, Allow: matching.map((x) => x.r.method).join(', ') },
      );
    }
    try {
      const result = await route.r.handle(route.m!, req, url, { traceId, correlationId });
      if (result instanceof HttpAnswer) return sendAnswer(res, result, headers);
      sendJson(res, 200, result, headers);
    } catch (err) {
      if (err instanceof EntraError) {
        const { status, body } = entraErrorResponse(err, { now: clock(), traceId, correlationId, baseUrl });
        return sendJson(res, status, body, headers);
      }
      if (err instanceof ControlRouteError)
        return sendJson(res, err.status, { error: err.error, error_description: err.message }, headers);
      if (err instanceof BodyTooLargeError)
        return sendJson(res, 413, { error: 'invalid_request', error_description: err.message }, headers);
      if (err instanceof SyntaxError || (err instanceof Error && err.name === 'ZodError')) {
        return sendJson(
          res,
          400,
          { error: 'invalid_request', error_description: `Bad control request: ${err.message}` },
          headers,
        );
      }
      // The message only: request bodies (secrets, passwords) are never logged.
      console.error(
        `entra-id stand-in: ${req.method} ${pathname} failed: ${err instanceof Error ? err.message : String(err)}`,
      );
      sendJson(
        res,
        500,
        { error: 'server_error', error_description: 'Internal error in the Entra ID stand-in.' },
        headers,
      );
    }
  }

  const server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error(`entra-id stand-in: ${req.method} failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent)
        sendJson(res, 500, { error: 'server_error', error_description: 'Internal error in the Entra ID stand-in.' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tenantIdFor = (t: string) => directory.tenant(t)?.tenantId ?? t;

  return {
    url: baseUrl,
    authorityHost: baseUrl,
    issuer: (t) => tenantUrls(baseUrl, tenantIdFor(t)).issuer,
    v1Issuer: (t) => tenantUrls(baseUrl, tenantIdFor(t)).v1Issuer,
    jwksUri: (t) => tenantUrls(baseUrl, tenantIdFor(t)).jwksUri,
    fixtures,
    mintToken: (claims, mintOptions) => mintToken(keys, clock(), claims, mintOptions),
    faults,
    addRedirectUri: (clientId, uri, platform) => authorization.addRedirectUri(clientId, uri, platform),
    issueRefreshTokenLike: (token) => authorization.issueRefreshTokenLike(token),
    refreshTokenRedemptions: (token) => authorization.refreshToken(token)?.redemptions ?? 0,
    setServicePrincipal: (tenantId, resource, present) => {
      const api = microsoftResource(resource);
      if (!api) throw new Error(`setServicePrincipal: ${resource} is not a Microsoft API the stand-in knows`);
      directory.setServicePrincipal(tenantIdFor(tenantId), api.appId, present);
    },
    setAccessTokenVersion: (resource, version) => {
      const api = microsoftResource(resource);
      if (!api) throw new Error(`setAccessTokenVersion: ${resource} is not a Microsoft API the stand-in knows`);
      directory.setAccessTokenVersion(api.appId, version);
    },
    redirectUris: (clientId) => {
      const app = directory.appByClientId(clientId);
      if (!app)
        throw new ControlRouteError(404, 'not_found', `No application with client ID '${clientId}' in the fixtures.`);
      return authorization.redirectUris(app);
    },
    authorize: async (request) =>
      controlAuthorize(
        { directory, authorization, clock, baseUrl: () => baseUrl },
        request,
        { traceId: randomUUID(), correlationId: randomUUID() },
        (segment) =>
          ['common', 'organizations'].includes(segment.toLowerCase())
            ? undefined
            : (directory.tenant(segment) ?? throwTenantNotFound(segment)),
      ),
    revokeRefreshTokens: (username) => authorization.revokeSignInSessions(username),
    changePassword: (username, how = 'user-change') => authorization.changePassword(username, how),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function throwTenantNotFound(segment: string): never {
  throw aadsts.tenantNotFound(segment);
}
