/**
 * Partner Center stand-in — LOCAL DEV AND TEST ONLY, never deployed. An HTTPS server on 127.0.0.1 serving
 * `GET /v1/profiles/legalbusiness`, `GET /v1/customers?size=N` and `GET /v1/profiles/mpn` (App+User only)
 * over fixtures, checking every request's bearer token against the Entra ID stand-in, and answering errors in
 * Partner Center's shape (errors.ts) with `MS-CorrelationId` / `MS-RequestId` headers.
 *
 * Stand-in routes (not Partner Center): `GET /_control/health`, and the shared fault injection
 * (`/_control/faults`, `/_control/requests`, see ../fault-injection.ts) — e.g. a 429 with `Retry-After`.
 * Clients must trust `tls.cert`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenHttps } from '../https-listener';
import { headerOr, logFault, sendJson } from '../json-response';
import type { LoopbackTls } from '../../tls';
import type { EntraIdStandIn } from '../entra-id/server';
import { FaultInjection } from '../fault-injection';
import { requestPreamble } from '../request-preamble';
import { PartnerCenterError, partnerCenterFaultBody, pcErrors } from './errors';
import { loadPartnerCenterFixtures, PartnerDirectory, type PartnerCenterFixtures } from './fixtures';
import { buildRoutes } from './routes';
import { createTokenCheck, type PartnerCenterCaller } from './token-check';

export interface PartnerCenterStandInOptions {
  tls: LoopbackTls;
  /** 0 or absent: a free port */
  port?: number;
  /** The Entra ID stand-in that issues the tokens (its JWKS, issuers, and its users' Partner Center roles). */
  entra: EntraIdStandIn;
  fixtures?: PartnerCenterFixtures;
  /** ms since epoch, for token expiry (default Date.now) */
  clock?: () => number;
}

export interface PartnerCenterStandIn {
  /** `https://127.0.0.1:PORT`: the stand-in for `https://api.partnercenter.microsoft.com` */
  url: string;
  fixtures: PartnerCenterFixtures;
  /** Injected faults (status, Retry-After, latency, count) and the request log. */
  faults: FaultInjection;
  stop(): Promise<void>;
}

export async function startPartnerCenterStandIn(options: PartnerCenterStandInOptions): Promise<PartnerCenterStandIn> {
  const fixtures = options.fixtures ?? loadPartnerCenterFixtures();
  const directory = new PartnerDirectory(fixtures);
  const { entra } = options;
  const tokens = createTokenCheck({
    jwksUri: entra.jwksUri('common'),
    issuersFor: (tid) => [entra.v1Issuer(tid), entra.issuer(tid)],
    directory,
    ca: options.tls.cert,
    clock: options.clock,
  });
  const routes = buildRoutes(directory);
  const faults = new FaultInjection({ defaultBody: (status) => partnerCenterFaultBody(status) });
  let baseUrl = '';

  /** A user's Partner Center roles (Admin agent, Sales agent…) from the Entra fixtures; undefined if unknown. */
  const partnerCenterRoles = (caller: PartnerCenterCaller): string[] | undefined => {
    const oid = caller.userObjectId?.toLowerCase();
    const user = entra.fixtures.users.find(
      (u) => u.objectId.toLowerCase() === oid && u.tenantId.toLowerCase() === caller.tenantId,
    );
    return user ? (user.partnerCenterRoles ?? []) : undefined;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = {
      'MS-CorrelationId': headerOr(req, 'ms-correlationid'),
      'MS-RequestId': headerOr(req, 'ms-requestid'),
    };
    const target = await requestPreamble(req, res, {
      baseUrl,
      faults,
      headers,
      invalidUri: () => sendError(res, pcErrors.invalidInput('The request URI is not valid.'), headers),
    });
    if (!target) return;
    const { url, pathname } = target;

    try {
      const matching = routes.filter((r) => r.pattern.test(pathname));
      if (matching.length === 0) throw pcErrors.notFound(pathname);
      const route = matching.find((r) => r.method === req.method);
      if (!route)
        throw pcErrors.methodNotAllowed(
          req.method ?? '',
          pathname,
          matching.map((r) => r.method),
        );
      const caller = await tokens.check(req.headers.authorization);
      if (route.appUserOnly && caller.appOnly) throw pcErrors.appOnlyNotSupported();
      if (!caller.appOnly) {
        const roles = partnerCenterRoles(caller);
        const allowed = route.userRoles ? route.userRoles.some((r) => roles?.includes(r)) : roles?.length !== 0;
        if (!allowed) throw pcErrors.roleNotAllowed();
      }
      sendJson(res, 200, route.handle(caller, url, req), headers);
    } catch (err) {
      if (err instanceof PartnerCenterError) return sendError(res, err, headers);
      logFault('partner-center', req.method, pathname, err);
      sendJson(res, 500, partnerCenterFaultBody(500), headers);
    }
  }

  const listener = await listenHttps('partner-center', options.tls, options.port, handle, (res) =>
    sendJson(res, 500, partnerCenterFaultBody(500)),
  );
  baseUrl = listener.url;

  return {
    url: baseUrl,
    fixtures,
    faults,
    stop: () => {
      tokens.close();
      return listener.close();
    },
  };
}

function sendError(res: ServerResponse, err: PartnerCenterError, headers: Record<string, string>): void {
  sendJson(res, err.status, err.toBody(), { ...headers, ...err.headers });
}
