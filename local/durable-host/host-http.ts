import type { IncomingMessage, ServerResponse } from 'node:http';

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

export function readRequest(req: IncomingMessage, origin: string): Promise<HostRequest | 'tooLarge'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () =>
      resolve(
        size > MAX_REQUEST_BYTES
          ? 'tooLarge'
          : {
              method: req.method ?? 'GET',
              url: new URL(req.url ?? '/', origin),
              headers: req.headers,
              body: Buffer.concat(chunks),
            },
      ),
    );
  });
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
