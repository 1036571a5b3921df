import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { LoopbackTls } from '../tls';

export interface HttpsListener {
  /** `https://127.0.0.1:PORT` */
  url: string;
  close(): Promise<void>;
}

/**
 * The HTTPS server every stand-in runs on loopback: a handler that must not throw, and a last-resort
 * answer (logged by message only: never a token or a body) when it does anyway.
 */
export async function listenHttps(
  name: string,
  tls: LoopbackTls,
  port: number | undefined,
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  unexpected: (res: ServerResponse) => void,
): Promise<HttpsListener> {
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error(`${name} stand-in: ${req.method} failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) unexpected(res);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
