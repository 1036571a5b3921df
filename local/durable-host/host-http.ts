import { IncomingMessage, ServerResponse } from 'node:http';

export interface HostRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface HostResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

/** Azure Functions rejects request bodies over 100 MB; locally a smaller cap keeps tests honest. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export async function readRequest(req: IncomingMessage, origin: string): Promise<HostRequest | 'tooLarge'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return 'tooLarge';
    chunks.push(chunk as Buffer);
  }
  return { method: req.method ?? 'GET', url: new URL(req.url ?? '/', origin), headers: req.headers, body: Buffer.concat(chunks) };
}

export function writeResponse(res: ServerResponse, response: HostResponse): void {
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}

export const json = (status: number, value: unknown, headers: Record<string, string> = {}): HostResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(value),
});
