import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A JSON answer with its length; the stand-in's own headers (correlation IDs…) go alongside. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** A stand-in's own fault while answering: logged with its message only, never a token or a body. */
export function logFault(standIn: string, method: string | undefined, pathname: string, err: unknown): void {
  console.error(
    `${standIn} stand-in: ${method} ${pathname} failed: ${err instanceof Error ? err.message : String(err)}`,
  );
}

/** The request's header if it is a plausible ID (echoed back, as Microsoft's APIs do), else a new GUID. */
export function headerOr(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return typeof value === 'string' && /^[\w.:-]{1,128}$/.test(value) ? value : randomUUID();
}
