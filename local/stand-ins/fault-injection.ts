/**
 * Fault injection for the stand-ins — LOCAL DEV AND TEST ONLY. Any stand-in mounts it in front of its routes:
 *
 *   if (await faults.handleControl(req, res)) return;     // the control routes below
 *   if (await faults.intercept(req, res, { headers })) return;  // an injected answer was sent
 *   … the stand-in's own routes …
 *
 * Control routes (JSON):
 * - `POST /_control/faults` `{match?, status?, body?, headers?, retryAfterSeconds?, latencyMs?, latencyMaxMs?, count}`
 *   queues a fault for the next `count` requests whose `"METHOD /path"` (path without the query) matches the regular
 *   expression `match` (absent: every request). With `status` the stand-in answers with that status, `body`
 *   (JSON, or text when a string; absent: the stand-in's own error shape) and `headers` (+ `Retry-After`);
 *   with `latencyMs` the answer is delayed (by a uniformly random time up to `latencyMaxMs` when given); with
 *   `latencyMs` and no `status` the request is then served as usual. Answers 201 with the queued rule. Bad input → 400.
 * - `GET /_control/faults` lists the rules with `hits` (requests they applied to) and `remaining`.
 * - `DELETE /_control/faults` clears every rule.
 * - `GET /_control/requests` is the log of the requests the stand-in received (not the control routes):
 *   method, path, arrival time, status, the fault that applied and its delay. Never bodies, query strings or headers
 *   (so no secrets, codes or Authorization values). `DELETE /_control/requests` empties it.
 * The same is available in-process: `inject`, `clear`, `rules`, `requests`, `clearRequests`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';

const MAX_CONTROL_BODY_BYTES = 64 * 1024;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Visible ASCII, space and tab: no CR/LF (header injection), nothing Node would refuse at writeHead.
const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

const isRegExp = (source: string) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
};

/** The control body of `POST /_control/faults`, and the argument of `inject`. */
export const faultSpecSchema = z
  .strictObject({
    /** A regular expression tested against `"METHOD /path"`, e.g. `^GET /v1/profiles/`. Absent: every request. */
    match: z.string().min(1).max(1000).refine(isRegExp, 'match must be a valid regular expression').optional(),
    /** Answer with this status instead of serving the request. */
    status: z.number().int().min(200).max(599).optional(),
    /** The answer's body: JSON, or text/plain when a string. Absent: the stand-in's own error body. */
    body: z.unknown().optional(),
    headers: z
      .record(
        z.string().regex(HEADER_NAME, 'a header name'),
        z.string().max(8192).regex(HEADER_VALUE, 'a header value without line breaks'),
      )
      .optional(),
    /** Adds `Retry-After: n` to the answer. */
    retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
    /** Delays the answer (with a status) or the normal handling (without one). */
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    /** With `latencyMs`: each request is delayed by a uniformly random time between the two (a service's spread). */
    latencyMaxMs: z.number().int().min(0).max(600_000).optional(),
    /** How many of the next matching requests this fault applies to. */
    count: z.number().int().min(1).max(1_000_000),
  })
  .refine((f) => f.status !== undefined || f.latencyMs !== undefined, {
    message: 'a fault needs a status, a latencyMs, or both',
  })
  .refine((f) => f.latencyMaxMs === undefined || (f.latencyMs !== undefined && f.latencyMaxMs >= f.latencyMs), {
    message: 'latencyMaxMs needs a latencyMs no greater than it',
  })
  .refine(
    (f) =>
      f.status !== undefined || (f.body === undefined && f.headers === undefined && f.retryAfterSeconds === undefined),
    {
      message: 'body, headers and retryAfterSeconds need a status',
    },
  );

export type FaultSpec = z.infer<typeof faultSpecSchema>;

/** A queued rule as the control route and `rules()` show it. */
export interface FaultRule extends FaultSpec {
  id: string;
  /** Requests this rule has applied to so far. */
  hits: number;
  /** Matching requests it will still apply to. */
  remaining: number;
}

export interface RequestLogEntry {
  method: string;
  /** The path without its query string. */
  path: string;
  /** Arrival time, ISO 8601 with milliseconds. */
  time: string;
  /** Arrival time, ms since epoch (for measuring the waits between calls). */
  at: number;
  /** The answer's status, once sent. */
  status?: number;
  /** The id of the fault rule that applied (status, latency or both), if any. */
  faultId?: string;
  /** The delay that rule added, in ms. */
  delayMs?: number;
}

export class FaultSpecError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`Invalid fault: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
    this.name = 'FaultSpecError';
  }
}

export interface FaultInjectionOptions {
  /** Body of an injected status when the fault names none: the stand-in's own error shape for that status. */
  defaultBody?: (status: number, request: { method: string; path: string; headers: Record<string, string> }) => unknown;
  /** ms since epoch for the request log (default Date.now); latency always waits in real time. */
  clock?: () => number;
  /** Oldest entries are dropped beyond this (default 1000). */
  maxLogEntries?: number;
}

export interface InterceptOptions {
  /** The request's path if the stand-in already decoded it (default: from `req.url`). */
  pathname?: string;
  /** Headers the stand-in puts on every answer (request/correlation IDs…); a fault's own headers win. */
  headers?: Record<string, string>;
}

interface StoredRule {
  id: string;
  spec: FaultSpec;
  pattern: RegExp | undefined;
  hits: number;
  remaining: number;
}

const CONTROL_PREFIX = '/_control/';

export class FaultInjection {
  private readonly stored: StoredRule[] = [];
  private readonly log: RequestLogEntry[] = [];
  private readonly clock: () => number;
  private readonly maxLogEntries: number;
  private servedCount = 0;

  constructor(private readonly options: FaultInjectionOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.maxLogEntries = options.maxLogEntries ?? 1000;
  }

  /** Queues a fault (validated like the control route; throws `FaultSpecError`). */
  inject(spec: FaultSpec): FaultRule {
    const parsed = faultSpecSchema.safeParse(spec);
    if (!parsed.success) {
      throw new FaultSpecError(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    const rule: StoredRule = {
      id: `fault-${randomUUID()}`,
      spec: parsed.data,
      pattern: parsed.data.match === undefined ? undefined : new RegExp(parsed.data.match),
      hits: 0,
      remaining: parsed.data.count,
    };
    this.stored.push(rule);
    return view(rule);
  }

  /** Removes every rule; answers how many there were. */
  clear(): number {
    return this.stored.splice(0).length;
  }

  /** Every rule queued since the last clear, with its hits (exhausted rules stay listed). */
  rules(): FaultRule[] {
    return this.stored.map(view);
  }

  /** Every request received so far, control routes excluded (the log keeps only the last ones). */
  get served(): number {
    return this.servedCount;
  }

  /** The requests received so far (oldest first), control routes excluded. */
  requests(): RequestLogEntry[] {
    return this.log.map((e) => ({ ...e }));
  }

  clearRequests(): void {
    this.log.length = 0;
  }

  /**
   * Serves the control routes (`/_control/faults`, `/_control/requests`). Answers false for any other path,
   * including the stand-in's own `/_control/…` routes, which it keeps serving itself.
   */
  async handleControl(req: IncomingMessage, res: ServerResponse, pathname = pathOf(req)): Promise<boolean> {
    const method = req.method ?? 'GET';
    if (pathname === '/_control/faults') {
      if (method === 'GET') return sendControl(res, 200, { faults: this.rules() });
      if (method === 'DELETE') return sendControl(res, 200, { cleared: this.clear() });
      if (method === 'POST') {
        let spec: unknown;
        try {
          spec = JSON.parse(await readControlBody(req));
        } catch (err) {
          const message = err instanceof ControlBodyTooLarge ? err.message : 'the body must be a JSON fault';
          return sendControl(res, err instanceof ControlBodyTooLarge ? 413 : 400, {
            error: 'invalid_fault',
            message,
            issues: [],
          });
        }
        try {
          return sendControl(res, 201, this.inject(spec as FaultSpec));
        } catch (err) {
          if (!(err instanceof FaultSpecError)) throw err;
          return sendControl(res, 400, { error: 'invalid_fault', message: err.message, issues: err.issues });
        }
      }
      return sendControl(
        res,
        405,
        { error: 'method_not_allowed', message: `${method} ${pathname}` },
        { Allow: 'GET, POST, DELETE' },
      );
    }
    if (pathname === '/_control/requests') {
      if (method === 'GET') return sendControl(res, 200, { requests: this.requests() });
      if (method === 'DELETE') {
        this.clearRequests();
        return sendControl(res, 200, { cleared: true });
      }
      return sendControl(
        res,
        405,
        { error: 'method_not_allowed', message: `${method} ${pathname}` },
        { Allow: 'GET, DELETE' },
      );
    }
    return false;
  }

  /**
   * Logs the request and applies the first matching fault with requests left: waits its latency, then
   * answers with its status (true: the stand-in must not answer) or lets the stand-in serve it (false).
   * Control routes are neither logged nor faulted.
   */
  async intercept(req: IncomingMessage, res: ServerResponse, options: InterceptOptions = {}): Promise<boolean> {
    const path = options.pathname ?? pathOf(req);
    if (path.startsWith(CONTROL_PREFIX)) return false;
    const method = req.method ?? 'GET';
    const at = this.clock();
    const entry: RequestLogEntry = { method, path, time: new Date(at).toISOString(), at };
    this.log.push(entry);
    this.servedCount++;
    if (this.log.length > this.maxLogEntries) this.log.splice(0, this.log.length - this.maxLogEntries);
    res.once('finish', () => {
      entry.status = res.statusCode;
    });

    const target = `${method} ${path}`;
    const rule = this.stored.find((r) => r.remaining > 0 && (r.pattern === undefined || r.pattern.test(target)));
    if (!rule) return false;
    rule.remaining -= 1;
    rule.hits += 1;
    entry.faultId = rule.id;

    const { status, body, headers, retryAfterSeconds, latencyMs, latencyMaxMs } = rule.spec;
    const delayMs = latencyMs && Math.round(latencyMs + Math.random() * ((latencyMaxMs ?? latencyMs) - latencyMs));
    if (delayMs) {
      entry.delayMs = delayMs;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    if (status === undefined) return false;

    const payload =
      body !== undefined ? body : this.options.defaultBody?.(status, { method, path, headers: options.headers ?? {} });
    const bodiless = status === 204 || status === 304 || method === 'HEAD' || payload === undefined;
    const text = bodiless ? '' : typeof payload === 'string' ? payload : JSON.stringify(payload);
    const contentType = typeof payload === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
    req.resume(); // the request body, if any, is not read: drain it
    res.writeHead(status, {
      ...options.headers,
      ...(bodiless ? {} : { 'Content-Type': contentType }),
      'Content-Length': Buffer.byteLength(text),
      ...(retryAfterSeconds !== undefined ? { 'Retry-After': String(retryAfterSeconds) } : {}),
      ...headers,
    });
    res.end(text);
    return true;
  }
}

function view(rule: StoredRule): FaultRule {
  return { id: rule.id, ...rule.spec, hits: rule.hits, remaining: rule.remaining };
}

function pathOf(req: IncomingMessage): string {
  const raw = (req.url ?? '/').split('?')[0];
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

class ControlBodyTooLarge extends Error {}

async function readControlBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_CONTROL_BODY_BYTES)
      throw new ControlBodyTooLarge(`a fault is at most ${MAX_CONTROL_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendControl(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): true {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
  return true;
}
