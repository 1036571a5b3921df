import type { Agent } from 'node:https';
import { request } from 'node:https';

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: any;
}

/**
 * A real HTTPS call (redirects are not followed) through `agent`, which trusts only the loopback certificate;
 * a form or a JSON body, and a JSON answer parsed.
 */
export function httpsCall(
  agent: Agent,
  method: string,
  url: string,
  body?: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> },
): Promise<HttpResult> {
  const payload = body?.form
    ? new URLSearchParams(body.form).toString()
    : body?.json !== undefined
      ? JSON.stringify(body.json)
      : undefined;
  const contentType = body?.form ? 'application/x-www-form-urlencoded' : 'application/json';
  return new Promise((resolve, reject) => {
    const headers = { ...(payload ? { 'Content-Type': contentType } : {}), ...body?.headers };
    const req = request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const json = String(res.headers['content-type'] ?? '').startsWith('application/json');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          body: json && text ? JSON.parse(text) : undefined,
        });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
