/**
 * Partner API stand-in — LOCAL DEV AND TEST ONLY, never deployed. An HTTPS server on 127.0.0.1 standing in for
 * `https://api.partner.microsoft.com`: it serves
 * `GET /v1.0/sales/pricesheets(Market='US',PricesheetView='azure_consumption')/$value` (any two-letter market,
 * views azure_consumption / azure_reservations, `?timeline=&month=`) as a CSV file (price-sheets.ts), only to
 * App+User tokens for its audience whose user is an Admin agent or Sales agent of a CSP partner tenant
 * (token-check.ts), and answers errors in the Partner API's `{statusCode, message}` shape (errors.ts).
 *
 * Stand-in routes (not the Partner API): `GET /_control/health`, and the shared fault injection
 * (`/_control/faults`, `/_control/requests`, see ../fault-injection.ts) — e.g. a 429 with `Retry-After`.
 * Clients must trust `tls.cert`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenHttps } from '../https-listener';
import { headerOr, logFault, sendJson } from '../json-response';
import type { LoopbackTls } from '../../tls';
import type { EntraIdStandIn } from '../entra-id/server';
import { FaultInjection } from '../fault-injection';
import { requestPreamble } from '../request-preamble';
import { loadPartnerCenterFixtures, PartnerDirectory, type PartnerCenterFixtures } from '../partner-center/fixtures';
import { PartnerApiError, partnerApiErrors, partnerApiFaultBody } from './errors';
import {
  loadPriceSheetFixtures,
  matchPriceSheetPath,
  parsePriceSheetRequest,
  priceSheetParts,
  type PriceSheetFixtures,
} from './price-sheets';
import { createPartnerApiTokenCheck } from './token-check';

export interface PartnerApiStandInOptions {
  tls: LoopbackTls;
  /** 0 or absent: a free port */
  port?: number;
  /** The Entra ID stand-in that issues the tokens (its JWKS, issuers, and its users' Partner Center roles). */
  entra: EntraIdStandIn;
  /** Which tenants are CSP partners: the Partner Center stand-in's fixtures (default: its bundled ones). */
  fixtures?: PartnerCenterFixtures;
  /** The rows served per view (default: price-sheets.json). */
  priceSheets?: PriceSheetFixtures;
  /** ms since epoch, for token expiry (default Date.now) */
  clock?: () => number;
  /**
   * The least size of a served sheet in bytes: its rows repeat until the file is that large, as the real whole price
   * list is (the documented example answers `Content-Length: 42180180`). Default: the fixture rows once.
   */
  sheetBytes?: number;
}

/** One price sheet download the stand-in served (for tests: who got what). */
export interface PriceSheetDownload {
  tenantId: string;
  userPrincipalName: string;
  market: string;
  view: string;
  timeline: string;
  month?: string;
  at: number;
  /** The file's size (its Content-Length) and how much of it the client took before it went away. */
  bytes: number;
  bytesSent: number;
}

export interface PartnerApiStandIn {
  /** `https://127.0.0.1:PORT`: the stand-in for `https://api.partner.microsoft.com` */
  url: string;
  fixtures: PartnerCenterFixtures;
  priceSheets: PriceSheetFixtures;
  /** Injected faults (status, Retry-After, latency, count) and the request log. */
  faults: FaultInjection;
  /** Price sheets served so far, oldest first. */
  downloads(): PriceSheetDownload[];
  /**
   * Why the last tokens were answered 401 (the wire answer never says), oldest first, at most 100: e.g.
   * `ERR_JWT_CLAIM_VALIDATION_FAILED (aud)`, `ERR_JWS_SIGNATURE_VERIFICATION_FAILED`, `ERR_JWT_EXPIRED (exp)`.
   */
  tokenRejections(): string[];
  stop(): Promise<void>;
}

export async function startPartnerApiStandIn(options: PartnerApiStandInOptions): Promise<PartnerApiStandIn> {
  const fixtures = options.fixtures ?? loadPartnerCenterFixtures();
  const priceSheets = options.priceSheets ?? loadPriceSheetFixtures();
  const clock = options.clock ?? Date.now;
  const { entra } = options;
  const rejections: string[] = [];
  const tokens = createPartnerApiTokenCheck({
    jwksUri: entra.jwksUri('common'),
    issuersFor: (tid) => [entra.v1Issuer(tid), entra.issuer(tid)],
    directory: new PartnerDirectory(fixtures),
    users: () => entra.fixtures.users,
    ca: options.tls.cert,
    clock,
    onReject: (reason) => {
      rejections.push(reason);
      if (rejections.length > 100) rejections.shift();
    },
  });
  const faults = new FaultInjection({ defaultBody: (status) => partnerApiFaultBody(status) });
  const served: PriceSheetDownload[] = [];
  let baseUrl = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers: Record<string, string> = {
      'Request-ID': randomUUID(),
      'MS-CorrelationId': headerOr(req, 'ms-correlationid'),
      'MS-RequestId': headerOr(req, 'ms-requestid'),
    };
    const target = await requestPreamble(req, res, {
      baseUrl,
      faults,
      headers,
      invalidUri: () => sendError(res, partnerApiErrors.badRequest('The request URI is not valid.'), headers),
    });
    if (!target) return;
    const { url, pathname } = target;

    try {
      const keys = matchPriceSheetPath(pathname);
      if (keys === undefined) throw partnerApiErrors.notFound(pathname);
      if (req.method !== 'GET' && req.method !== 'HEAD') throw partnerApiErrors.methodNotAllowed(req.method ?? '');
      // Authentication first, as a gateway does: an anonymous caller learns nothing about the URL's validity.
      const caller = await tokens.check(req.headers.authorization);
      if (keys === 'malformed') {
        throw partnerApiErrors.badRequest(
          "Expected /v1.0/sales/pricesheets(Market='{market}',PricesheetView='{view}')/$value.",
        );
      }
      const request = parsePriceSheetRequest(keys, url.searchParams);
      const { header, body } = priceSheetParts(priceSheets[request.view], request);
      const chunk = Buffer.from(body);
      const repeats = Math.max(1, Math.ceil(((options.sheetBytes ?? 0) - Buffer.byteLength(header)) / chunk.length));
      const download: PriceSheetDownload = {
        tenantId: caller.tenantId,
        userPrincipalName: caller.user.userPrincipalName,
        ...request,
        at: clock(),
        bytes: Buffer.byteLength(header) + repeats * chunk.length,
        bytesSent: 0,
      };
      served.push(download);
      res.writeHead(200, {
        ...headers,
        'Content-Type': 'application/octet-stream',
        'Content-Disposition': 'attachment; filename=sheets.csv',
        'Cache-Control': 'private',
        'Content-Length': download.bytes,
      });
      if (req.method === 'HEAD') return void res.end();
      await streamSheet(res, Buffer.from(header), chunk, repeats, (n) => (download.bytesSent += n));
    } catch (err) {
      if (err instanceof PartnerApiError) return sendError(res, err, headers);
      logFault('partner-api', req.method, pathname, err);
      sendJson(res, 500, partnerApiFaultBody(500), headers);
    }
  }

  const listener = await listenHttps('partner-api', options.tls, options.port, handle, (res) =>
    sendJson(res, 500, partnerApiFaultBody(500)),
  );
  baseUrl = listener.url;

  return {
    url: baseUrl,
    fixtures,
    priceSheets,
    faults,
    downloads: () => served.map((d) => ({ ...d })),
    tokenRejections: () => [...rejections],
    stop: () => {
      tokens.close();
      return listener.close();
    },
  };
}

function sendError(res: ServerResponse, err: PartnerApiError, headers: Record<string, string>): void {
  sendJson(res, err.status, err.toBody(), { ...headers, ...err.headers });
}

/** Writes the header, then the rows `repeats` times, as fast as the client reads; stops when it goes away. */
async function streamSheet(
  res: ServerResponse,
  header: Buffer,
  rows: Buffer,
  repeats: number,
  sent: (bytes: number) => void,
): Promise<void> {
  const write = async (part: Buffer) => {
    if (!res.write(part))
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done).off('close', done);
          resolve();
        };
        res.on('drain', done).on('close', done);
      });
    if (!res.destroyed) sent(part.length);
  };
  await write(header);
  for (let i = 0; i < repeats && !res.destroyed; i++) await write(rows);
  if (!res.destroyed) res.end();
}
