/**
 * Key Vault stand-in (dev and test only): the secrets data plane over HTTPS on loopback, enough
 * for the real `SecretClient` of @azure/keyvault-secrets, with Key Vault's challenge-based auth.
 */
import { randomUUID } from 'node:crypto';
import * as https from 'node:https';
import * as path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoopbackTls } from '../../tls';
import { KeyVaultError, faultError, kvErrors } from './errors';
import { setTimeout as delay } from 'node:timers/promises';
import { FaultInjector, type FaultPlan } from './faults';
import { handleSecretRequest } from './routes';
import { StateFile } from '../state-file';
import { SecretStoreState, type VaultSnapshot } from './secret-store-state';

export const KEY_VAULT_RESOURCE = 'https://vault.azure.net';
const MAX_BODY_BYTES = 1024 * 1024;

export interface KeyVaultStandInOptions {
  tls: LoopbackTls;
  /** 0 or absent: a free port. */
  port?: number;
  /** The tenant the vault belongs to; must be the last path segment of `authority`. */
  tenantId: string;
  /** The Entra ID (stand-in) authority named in the challenge, e.g. https://127.0.0.1:PORT/<tenantId>. */
  authority: string;
  /** Checks a bearer token (signature, issuer, audience https://vault.azure.net, expiry). Throwing → 500. */
  verifyAccessToken: (token: string) => Promise<boolean>;
  /** Clock for created/updated/deleted dates (Unix seconds). */
  nowSeconds?: () => number;
  /** One line per request (method, path, status); never bodies. */
  log?: (line: string) => void;
  /**
   * A folder to keep the vault in (`secrets.json`: live secrets with every version and attribute, soft-deleted
   * secrets, names as created), saved on every change and loaded at start. Absent: memory only (tests).
   */
  dataDir?: string;
}

export interface KeyVaultStandIn {
  /** The vault URL to give SecretClient, e.g. https://127.0.0.1:PORT */
  url: string;
  faults: FaultInjector;
  state: SecretStoreState;
  stop(): Promise<void>;
}

export async function startKeyVaultStandIn(options: KeyVaultStandInOptions): Promise<KeyVaultStandIn> {
  const authorityPath = new URL(options.authority).pathname;
  if (authorityPath !== `/${options.tenantId}`) {
    // The SDK takes the tenant from the challenge's authorization URL path; anything else breaks token requests.
    throw new Error(`authority must be <host>/${options.tenantId} (got path ${authorityPath})`);
  }
  const challenge = `Bearer authorization="${options.authority}", resource="${KEY_VAULT_RESOURCE}"`;
  const file = options.dataDir ? new StateFile<VaultSnapshot>(path.join(options.dataDir, 'secrets.json')) : undefined;
  const state = new SecretStoreState(options.nowSeconds, file);
  const faults = new FaultInjector();
  let base = '';

  const server = https.createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    handle(req, res).catch((err) => {
      if (res.headersSent) return void res.destroy();
      if (err instanceof KeyVaultError) return sendError(res, err);
      send(res, 500, {
        error: { code: 'InternalServerError', message: `Key Vault stand-in: ${String(err?.message ?? err)}` },
      });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    res.on('finish', () => options.log?.(`key-vault ${method} ${url.pathname} ${res.statusCode}`));

    if (url.pathname.startsWith('/_control/')) return control(method, url.pathname, body, res);
    faults.served++;
    const delayMs = faults.nextDelayMs();
    if (delayMs > 0) await delay(delayMs);

    const authz = req.headers.authorization;
    const token = /^Bearer\s+(\S+)$/i.exec(authz ?? '')?.[1];
    if (!token) {
      return sendError(res, kvErrors.unauthorized('AKV10000: Request is missing a Bearer or PoP token.'), {
        'WWW-Authenticate': challenge,
      });
    }
    if (!(await options.verifyAccessToken(token))) {
      return sendError(
        res,
        kvErrors.unauthorized(
          'AKV10032: Invalid access token: signature, issuer, audience (https://vault.azure.net) or expiry rejected.',
        ),
        {
          'WWW-Authenticate': challenge,
        },
      );
    }

    const fault = faults.take(method);
    if (fault?.kind === 'reset') return void req.socket.destroy();
    if (fault?.kind === 'status') {
      const headers =
        fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : undefined;
      return sendError(res, faultError(fault.status), headers);
    }

    // The SDK sends `api%2Dversion`; URLSearchParams decodes it.
    const apiVersion = url.searchParams.get('api-version');
    if (!apiVersion) return sendError(res, kvErrors.badParameter('The api-version query parameter is required.'));

    let segments: string[];
    try {
      segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
    } catch {
      return sendError(res, kvErrors.badParameter('The request URI is not valid.'));
    }
    if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();

    try {
      const out = handleSecretRequest(state, { method, segments, query: url.searchParams, apiVersion, body, base });
      send(res, out.status, out.body);
    } catch (err) {
      if (err instanceof KeyVaultError) return sendError(res, err);
      throw err;
    }
  }

  function control(method: string, path: string, body: string, res: ServerResponse): void {
    if (path === '/_control/health' && method === 'GET') return send(res, 200, { status: 'ok' });
    if (path === '/_control/faults' && method === 'POST') {
      try {
        faults.inject(JSON.parse(body || '{}') as FaultPlan);
      } catch (err) {
        return send(res, 400, { error: { code: 'BadParameter', message: (err as Error).message } });
      }
      return send(res, 200, { pending: faults.pending });
    }
    if (path === '/_control/faults' && method === 'DELETE') {
      faults.clear();
      return send(res, 200, { pending: 0 });
    }
    if (path === '/_control/reset' && method === 'POST') {
      faults.clear();
      state.clear();
      return send(res, 200, { status: 'ok' });
    }
    return send(res, 404, { error: { code: 'NotFound', message: `No control route ${method} ${path}` } });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    faults,
    state,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new KeyVaultError(413, 'RequestTooLarge', 'The request body is too large.'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'x-ms-request-id': randomUUID(),
    'x-ms-keyvault-service-version': 'stand-in',
    'Cache-Control': 'no-cache',
    ...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, err: KeyVaultError, headers?: Record<string, string>): void {
  send(res, err.status, err.toBody(), headers);
}
