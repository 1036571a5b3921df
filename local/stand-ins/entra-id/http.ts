import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson as sendJsonAnswer } from '../json-response';

const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** JSON with the headers Entra sends on every token/discovery answer. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJsonAnswer(res, status, body, { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache', ...headers });
}

/**
 * A route's answer that is not JSON: an HTML page or a redirect (the authorize endpoint). Routes return
 * one of these instead of a JSON value; the server sends it as it is.
 */
export class HttpAnswer {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: string = '',
  ) {}
}

/** Headers of every HTML page: never cached, never framed, no script, no external assets. */
const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store, no-cache',
  Pragma: 'no-cache',
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // No form-action: browsers apply it to the redirect that follows the form POST (to the app).
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
};

export const htmlAnswer = (status: number, html: string) => new HttpAnswer(status, { ...PAGE_HEADERS }, html);

/** 302 to `location`, as Entra answers the authorize endpoint (the code travels in the query). */
export const redirectAnswer = (location: string) =>
  new HttpAnswer(302, {
    Location: location,
    'Cache-Control': 'no-store, no-cache',
    Pragma: 'no-cache',
    'Referrer-Policy': 'no-referrer',
  });

export function sendAnswer(res: ServerResponse, answer: HttpAnswer, headers: Record<string, string> = {}): void {
  res.writeHead(answer.status, { ...headers, ...answer.headers, 'Content-Length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}
