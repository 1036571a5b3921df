/**
 * Azure Communication Services Email stand-in — LOCAL DEV AND TEST ONLY, never deployed. An HTTPS server on
 * 127.0.0.1 speaking the data-plane REST API that `@azure/communication-email`'s `EmailClient` uses
 * (azure-rest-api-specs, specification/communication/data-plane/Email/stable/2025-09-01; the SDK 1.1.0 sends
 * api-version 2025-09-01):
 *
 * - `POST /emails:send?api-version=…` (body: EmailMessage, optional `Operation-Id` header) → 202
 *   `{id, status: "Running"}` with `Operation-Location: {endpoint}/emails/operations/{id}?api-version=…`,
 *   `Retry-After` (seconds) and `x-ms-request-id`, as in the spec's SendEmail example;
 * - `GET /emails/operations/{id}?api-version=…` → 200 `{id, status}`: `Running` (with `Retry-After`) while the
 *   message is still being handed to the SMTP catcher or for `runningPolls` polls, then `Succeeded` — or
 *   `Failed` with `error: {code: "EmailDropped", message}` when the catcher refused it.
 *
 * Authentication (auth.ts): the connection string's HMAC-SHA256 scheme, verified with `accessKey`, or — with
 * `entra` — Entra bearer tokens for `https://communication.azure.com`. Errors in ACS's shape (errors.ts).
 * Accepted messages are forwarded by SMTP (nodemailer) to `smtp` — the local maildev — so a person sees them in
 * the same inbox, and kept in memory (`sent()`).
 *
 * Stand-in routes (not ACS): `GET /_control/health`, `GET /_control/sent`, and the shared fault injection
 * (`/_control/faults`, `/_control/requests`, see ../fault-injection.ts). Clients must trust `tls.cert`
 * (`new EmailClient(connectionString, { tlsOptions: { ca } })`, or NODE_EXTRA_CA_CERTS).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenHttps } from '../https-listener';
import { sendJson } from '../json-response';
import { createTransport, type Transporter } from 'nodemailer';
import type { LoopbackTls } from '../../tls';
import type { EntraIdStandIn } from '../entra-id/server';
import { FaultInjection } from '../fault-injection';
import { requestPreamble } from '../request-preamble';
import { createAcsAuth } from './auth';
import { AcsError, acsErrors, acsFaultBody } from './errors';
import { domainOf, parseEmailMessage, toNodemailerMessage, type AcsEmailMessage } from './message';

/** LOCAL ONLY: the default access key of the stand-in's connection string (base64, like a real one). */
export const DEFAULT_ACS_ACCESS_KEY = Buffer.from('local-acs-email-stand-in-key-not-a-secret!!').toString('base64');
/** The sender domain the stand-in treats as linked by default (an Azure-managed domain looks like `<guid>.azurecomm.net`). */
export const DEFAULT_ACS_SENDER_DOMAIN = 'acs-local.example';
export const DEFAULT_ACS_SENDER_ADDRESS = `DoNotReply@${DEFAULT_ACS_SENDER_DOMAIN}`;
/** The request size limit of ACS Email (the spec: 10 MB including attachments). */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export interface AcsEmailStandInOptions {
  tls: LoopbackTls;
  /** 0 or absent: a free port */
  port?: number;
  /** The access key the HMAC signatures are checked with (base64; default DEFAULT_ACS_ACCESS_KEY). */
  accessKey?: string;
  /** Enables `Authorization: Bearer` (TokenCredential) with tokens from this Entra stand-in. */
  entra?: EntraIdStandIn;
  /** Where accepted messages are delivered by SMTP (the local maildev). Absent: kept in memory only. */
  smtp?: { host: string; port: number };
  /** Sender domains linked to the resource; others → 404 DomainNotLinked. Default [DEFAULT_ACS_SENDER_DOMAIN]; [] = any. */
  senderDomains?: string[];
  /** `Retry-After` on Running answers (default 1; the spec's examples show 20 and 100). */
  retryAfterSeconds?: number;
  /** How many polls answer `Running` before the final status (default 0: the first poll is final). */
  runningPolls?: number;
  /** ms since epoch, for x-ms-date skew and token expiry (default Date.now) */
  clock?: () => number;
}

export type AcsSendStatus = 'Running' | 'Succeeded' | 'Failed';

/** One accepted send operation. */
export interface AcsSentEmail {
  operationId: string;
  message: AcsEmailMessage;
  /** How the caller authenticated. */
  auth: 'hmac' | 'bearer';
  receivedAt: number;
  status: AcsSendStatus;
  /** What the SMTP catcher answered (when `smtp` is set and delivery finished). */
  smtp?: { messageId: string; accepted: string[]; rejected: string[] };
  error?: { code: string; message: string };
}

export interface AcsEmailStandIn {
  /** `https://127.0.0.1:PORT` — the ACS endpoint (`new EmailClient(url, credential)`). */
  url: string;
  /** `endpoint=https://127.0.0.1:PORT/;accesskey=…` */
  connectionString: string;
  accessKey: string;
  /** The default sender address on a linked domain. */
  senderAddress: string;
  faults: FaultInjection;
  /** Accepted messages, oldest first (with their current status). */
  sent(): AcsSentEmail[];
  clearSent(): void;
  /** Why the last requests were answered 401 (the wire answer never says), at most 100. */
  authRejections(): string[];
  stop(): Promise<void>;
}

interface Operation {
  record: AcsSentEmail;
  pollsLeft: number;
  delivery: Promise<void>;
}

export async function startAcsEmailStandIn(options: AcsEmailStandInOptions): Promise<AcsEmailStandIn> {
  const accessKey = options.accessKey ?? DEFAULT_ACS_ACCESS_KEY;
  const clock = options.clock ?? Date.now;
  const senderDomains = (options.senderDomains ?? [DEFAULT_ACS_SENDER_DOMAIN]).map((d) => d.toLowerCase());
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  const runningPolls = options.runningPolls ?? 0;
  const rejections: string[] = [];
  const { entra } = options;
  const auth = createAcsAuth({
    accessKey,
    clock,
    ...(entra
      ? {
          entra: {
            jwksUri: entra.jwksUri('common'),
            issuersFor: (tid: string) => [entra.v1Issuer(tid), entra.issuer(tid)],
            ca: options.tls.cert,
          },
        }
      : {}),
    onReject: (reason) => {
      rejections.push(reason);
      if (rejections.length > 100) rejections.shift();
    },
  });
  const transport: Transporter | undefined = options.smtp
    ? createTransport({
        host: options.smtp.host,
        port: options.smtp.port,
        secure: false,
        ignoreTLS: true, // a loopback catcher: no STARTTLS
        connectionTimeout: 5_000,
        greetingTimeout: 5_000,
        socketTimeout: 10_000,
      })
    : undefined;
  const operations = new Map<string, Operation>();
  const faults = new FaultInjection({ defaultBody: (status) => acsFaultBody(status) });
  let baseUrl = '';

  function deliver(record: AcsSentEmail): Promise<void> {
    if (!transport) {
      record.status = 'Succeeded';
      return Promise.resolve();
    }
    return transport.sendMail(toNodemailerMessage(record.message, record.operationId)).then(
      (info: { messageId?: string; accepted?: unknown[]; rejected?: unknown[] }) => {
        const list = (a?: unknown[]) =>
          (a ?? []).map((x) => (typeof x === 'string' ? x : String((x as { address?: unknown }).address ?? x)));
        record.smtp = { messageId: info.messageId ?? '', accepted: list(info.accepted), rejected: list(info.rejected) };
        record.status = 'Succeeded';
      },
      (err: unknown) => {
        record.status = 'Failed';
        record.error = {
          code: 'EmailDropped',
          message: `Email was dropped after several attempts to deliver. (stand-in: SMTP ${options.smtp?.host}:${options.smtp?.port}: ${err instanceof Error ? err.message : String(err)})`,
        };
      },
    );
  }

  async function send(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    caller: 'hmac' | 'bearer',
    apiVersion: string,
    headers: Record<string, string>,
  ) {
    const message = parseEmailMessage(body);
    if (senderDomains.length > 0 && !senderDomains.includes(domainOf(message.senderAddress)))
      throw acsErrors.domainNotLinked();
    const given = req.headers['operation-id'];
    if (
      given !== undefined &&
      (typeof given !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(given))
    ) {
      throw acsErrors.badRequest('The Operation-Id header must be a UUID.', 'Operation-Id');
    }
    const operationId = typeof given === 'string' ? given.toLowerCase() : randomUUID();
    // A repeated Operation-Id (the SDK's retry of a send whose answer was lost) is the same operation: nothing is sent twice.
    if (!operations.has(operationId)) {
      const record: AcsSentEmail = { operationId, message, auth: caller, receivedAt: clock(), status: 'Running' };
      operations.set(operationId, { record, pollsLeft: runningPolls, delivery: deliver(record) });
    }
    sendJson(
      res,
      202,
      { id: operationId, status: operations.get(operationId)!.record.status },
      {
        ...headers,
        'Operation-Location': `${baseUrl}/emails/operations/${operationId}?api-version=${encodeURIComponent(apiVersion)}`,
        'Retry-After': retryAfter,
      },
    );
  }

  async function status(res: ServerResponse, operationId: string, headers: Record<string, string>) {
    const op = operations.get(operationId.toLowerCase());
    if (!op) throw acsErrors.operationNotFound(operationId);
    if (op.pollsLeft > 0) {
      op.pollsLeft -= 1;
      return sendJson(
        res,
        200,
        { id: op.record.operationId, status: 'Running' },
        { ...headers, 'Retry-After': retryAfter },
      );
    }
    // Hand-off to the catcher takes milliseconds: wait for it (bounded) rather than make the client poll again.
    await Promise.race([op.delivery, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    const { record } = op;
    if (record.status === 'Running') {
      return sendJson(
        res,
        200,
        { id: record.operationId, status: 'Running' },
        { ...headers, 'Retry-After': retryAfter },
      );
    }
    sendJson(
      res,
      200,
      { id: record.operationId, status: record.status, ...(record.error ? { error: record.error } : {}) },
      headers,
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const clientRequestId = req.headers['x-ms-client-request-id'];
    const headers: Record<string, string> = {
      'x-ms-request-id': randomUUID(),
      ...(typeof clientRequestId === 'string' && /^[\w-]{1,128}$/.test(clientRequestId)
        ? { 'x-ms-client-request-id': clientRequestId }
        : {}),
    };
    const target = await requestPreamble(req, res, {
      baseUrl,
      faults,
      headers,
      invalidUri: () => sendError(res, acsErrors.badRequest('The request URI is not valid.'), headers),
    });
    if (!target) return;
    const { url, pathname } = target;
    if (pathname === '/_control/sent' && req.method === 'GET')
      return sendJson(res, 200, { sent: [...operations.values()].map((o) => o.record) }, headers);

    try {
      const sendRoute = pathname === '/emails:send';
      const statusRoute = /^\/emails\/operations\/([^/]+)$/.exec(pathname);
      if (!sendRoute && !statusRoute) throw acsErrors.notFound(pathname);
      if (sendRoute && req.method !== 'POST') throw acsErrors.methodNotAllowed(req.method ?? '');
      if (statusRoute && req.method !== 'GET') throw acsErrors.methodNotAllowed(req.method ?? '');

      const body = await readBody(req, MAX_REQUEST_BYTES);
      const caller = await auth.check(req, body);
      const apiVersion = url.searchParams.get('api-version');
      if (apiVersion === null || apiVersion === '') throw acsErrors.missingApiVersion();
      if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion)) throw acsErrors.invalidApiVersion(apiVersion);

      if (sendRoute) return await send(req, res, body, caller.scheme, apiVersion, headers);
      return await status(res, statusRoute![1], headers);
    } catch (err) {
      if (err instanceof AcsError) return sendError(res, err, headers);
      if (err instanceof BodyTooLarge) return sendError(res, acsErrors.tooLarge(MAX_REQUEST_BYTES), headers);
      // The message only: never a body, key or token.
      console.error(
        `acs-email stand-in: ${req.method} ${pathname} failed: ${err instanceof Error ? err.message : String(err)}`,
      );
      sendJson(res, 500, acsFaultBody(500), headers);
    }
  }

  const listener = await listenHttps('acs-email', options.tls, options.port, handle, (res) =>
    sendJson(res, 500, acsFaultBody(500)),
  );
  baseUrl = listener.url;

  return {
    url: baseUrl,
    connectionString: `endpoint=${baseUrl}/;accesskey=${accessKey}`,
    accessKey,
    senderAddress: `DoNotReply@${senderDomains[0] ?? DEFAULT_ACS_SENDER_DOMAIN}`,
    faults,
    sent: () => [...operations.values()].map((o) => structuredClone(o.record)),
    clearSent: () => operations.clear(),
    authRejections: () => [...rejections],
    stop: async () => {
      // Let hand-offs already under way finish, so no half-written SMTP session is cut.
      await Promise.allSettled([...operations.values()].map((o) => o.delivery));
      auth.close();
      transport?.close();
      await listener.close();
    },
  };
}

class BodyTooLarge extends Error {}

/** The whole body; past `limit` the rest is drained (so a 413 can still be answered) and BodyTooLarge thrown. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.once('end', () => (size > limit ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks))));
    req.once('error', reject);
  });
}

function sendError(res: ServerResponse, err: AcsError, headers: Record<string, string>): void {
  sendJson(res, err.status, err.toBody(), { ...headers, 'x-ms-error-code': err.code });
}
