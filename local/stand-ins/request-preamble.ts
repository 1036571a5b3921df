import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultInjection } from './fault-injection';
import { sendJson } from './json-response';

/**
 * What every stand-in does first: decode the path (a malformed one gets the stand-in's own 400 via
 * `invalidUri`), answer its health route, and apply the control routes and faults of its
 * FaultInjection. Undefined when the request was answered here.
 */
export async function requestPreamble(
  req: IncomingMessage,
  res: ServerResponse,
  options: { baseUrl: string; faults: FaultInjection; headers: Record<string, string>; invalidUri(): void },
): Promise<{ url: URL; pathname: string } | undefined> {
  const url = new URL(req.url ?? '/', options.baseUrl);
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    options.invalidUri();
    return undefined;
  }
  if (pathname === '/_control/health' && req.method === 'GET') {
    sendJson(res, 200, { status: 'ok' }, options.headers);
    return undefined;
  }
  if (await options.faults.handleControl(req, res, pathname)) return undefined;
  if (await options.faults.intercept(req, res, { pathname, headers: options.headers })) return undefined;
  return { url, pathname };
}
