/**
 * What a conformance scenario observes of one engine, as the app and its users see it, in a form where two engines'
 * observations can be compared leaf by leaf: times and generated IDs are replaced by what they are (`<time Z>`,
 * `<instance 1>`), durations by coarse buckets, and history events by their type, name and fields.
 */
import type { Stack } from '../../../local/stack';

const DAY_MS = 24 * 3600_000;
const TERMINAL = ['Completed', 'Failed', 'Terminated'];

/** One answer of the durable management API (status, the headers a client acts on, the body normalised). */
export interface ManagementAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** One showHistory event, normalised: type, name, which fields it carries (and their JSON kind), selected values. */
export interface HistoryItem {
  type: string;
  name?: string;
  fields: Record<string, string>;
  status?: string;
  /** TimerCreated: how far ahead it is due, from the event's time (bucketed). */
  fireIn?: string;
  /** TimerFired: it fired more than 100 ms before its FireAt. */
  firedEarly?: true;
  /** TimerFired: how many more timers due at the same instant fired right after it (see foldCoincidentTimers). */
  coincident?: number;
  reason?: string;
  input?: unknown;
  result?: unknown;
}

export interface Observation {
  runtimeStatus: string;
  output: unknown;
  /** Distinct consecutive custom statuses seen while polling, as `step/status/error code`. */
  customStatuses: string[];
  /** Activity calls in history order: `Name:completed|failed|scheduled`. */
  activities: string[];
  /** The management API's answers, by what was asked. */
  management: Record<string, ManagementAnswer>;
  /** The final showHistory (showHistoryOutput=true), normalised. */
  history: HistoryItem[];
  /** The shapes of the times each history field carries. */
  timeShapes: Record<string, string[]>;
  /** The ops timeline (GET /api/ops/registrations/{id}/history), normalised; registration scenarios only. */
  timeline?: unknown;
  /** The app's own answers a user sees (status codes, error codes), by step. */
  api?: Record<string, unknown>;
  /** Anything else the scenario establishes (e.g. the long timer's sub-timer). */
  facts?: Record<string, unknown>;
}

/** Replaces what differs between any two runs: instance IDs, the host's address, keys, times and generated IDs. */
export class Normaliser {
  private readonly ids = new Map<string, string>();
  private readonly literal = new Map<string, string>();

  constructor(stack: Stack) {
    this.literal.set(stack.host.url, '<host>');
    this.literal.set(new URL(stack.host.url).host, '<host>');
    this.literal.set(stack.settings.LocalHost__MasterKey, '<key>');
    this.literal.set(encodeURIComponent(stack.settings.LocalHost__MasterKey), '<key>');
  }

  /** An instance (or other generated) ID, named by the order it was first seen in. */
  id(value: string, label = 'instance'): string {
    if (!this.ids.has(value))
      this.ids.set(value, `<${label} ${[...this.ids.values()].filter((v) => v.startsWith(`<${label} `)).length + 1}>`);
    return this.ids.get(value) as string;
  }

  text(value: string): string {
    const time = timeShape(value);
    if (time) return time;
    let out = value;
    for (const [from, to] of [...this.ids, ...this.literal]) out = out.split(from).join(to);
    return out
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g, (t) => timeShape(t) as string)
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/gi, (u) =>
        FIXTURE_GUID.test(u) ? u : '<uuid>',
      );
  }

  /** A JSON value with every string normalised, volatile keys' values named, and JSON held in strings parsed. */
  value(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.value(v));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([key]) => !DROPPED_KEYS.has(key))
          .map(([key, v]) => [key, VOLATILE_KEYS.has(key) && typeof v === 'string' ? `<${key}>` : this.value(v)]),
      );
    }
    return value;
  }
}

/** Fixture GUIDs (tenants, apps, users) repeat one digit group (`22222222-2222-4222-8222-…`, `bbbbbbbb-0000-…`). */
const FIXTURE_GUID = /^([0-9a-f])\1{7}-/i;
/** Values generated per run that carry no meaning for the comparison. */
const VOLATILE_KEYS = new Set([
  'linkId',
  'submissionId',
  'version',
  'correlationId',
  'traceId',
  'requestId',
  'consentedAt',
  'registeredAt',
]);
/** Measured, not meant: differs from run to run on one engine. */
const DROPPED_KEYS = new Set(['durationMs']);

/** `<time Z>`, `<time .f Z>`, `<time .f +00:00>`…: how a time is written, not which time it is. */
export function timeShape(value: string): string | undefined {
  const m = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(value);
  if (!m) return undefined;
  return `<time${m[1] ? ' .f' : ''} ${m[2]}>`;
}

/**
 * How far ahead a timer is due, from its TimerCreated: whole seconds for the retry back-offs, coarse beyond. The
 * extension records TimerCreated after the episode's start, from which the SDK computed FireAt, so a 1 s back-off can
 * show as 0.98 s or, on a busy machine, less: seconds are rounded up, and only a timer due within 250 ms is `0s`.
 */
export function durationBucket(ms: number): string {
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (abs < 250) return '0s';
  if (abs < 2500) return `${sign}${Math.ceil(abs / 1000)}s`;
  if (abs < 3600_000) return `${sign}<1h`;
  if (abs < 2 * DAY_MS) return `${sign}${Math.round(abs / 3600_000)}h`;
  return `${sign}${Math.round((abs / DAY_MS) * 10) / 10}d`;
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

const parseJson = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
};

/** The durable management API through the host's public webhooks, with the system key, as an operator calls it. */
export class Management {
  constructor(private readonly stack: Stack) {}

  url(path: string, query: Record<string, string> = {}): string {
    const q = new URLSearchParams({ ...query, code: this.stack.settings.LocalHost__MasterKey });
    return `${this.stack.host.url}/runtime/webhooks/durabletask/${path}?${q}`;
  }

  private async send(method: string, path: string, query: Record<string, string> = {}, body?: unknown) {
    const res = await fetch(this.url(path, query), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: parseJson(text) } satisfies RawAnswer;
  }

  status(id: string, query: Record<string, string> = {}): Promise<RawAnswer> {
    return this.send('GET', `instances/${encodeURIComponent(id)}`, query);
  }

  history(id: string): Promise<RawAnswer> {
    return this.status(id, { showHistory: 'true', showHistoryOutput: 'true' });
  }

  raise(id: string, event: string, data: unknown): Promise<RawAnswer> {
    return this.send('POST', `instances/${encodeURIComponent(id)}/raiseEvent/${encodeURIComponent(event)}`, {}, data);
  }

  terminate(id: string, reason: string): Promise<RawAnswer> {
    return this.send('POST', `instances/${encodeURIComponent(id)}/terminate`, { reason });
  }

  purge(id: string): Promise<RawAnswer> {
    return this.send('DELETE', `instances/${encodeURIComponent(id)}`);
  }

  /** Polls until the instance has ended (however it ended); the last answer (showHistory). */
  async settled(id: string, timeoutMs = 60_000): Promise<RawAnswer> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const answer = await this.history(id);
      if (TERMINAL.includes(answer.body?.runtimeStatus)) return answer;
      if (Date.now() > until) throw new Error(`instance ${id} still ${answer.body?.runtimeStatus ?? answer.status}`);
      await sleep(50);
    }
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The answer as compared: status, Location / Retry-After / content type, the body normalised. */
export function answerOf(raw: RawAnswer, n: Normaliser): ManagementAnswer {
  const headers: Record<string, string> = {};
  for (const name of ['location', 'retry-after', 'content-type']) {
    const value = raw.headers.get(name);
    if (value !== null) headers[name] = name === 'location' ? normaliseUrl(value, n) : value;
  }
  const body = raw.body === undefined ? n.text(raw.text) : n.value(withoutHistory(raw.body));
  return { status: raw.status, headers, body };
}

const withoutHistory = (body: unknown) => {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const { historyEvents: _dropped, ...rest } = body as Record<string, unknown>;
  return rest;
};

/** A URL as path + sorted query, normalised (the key, the host, instance IDs). */
function normaliseUrl(value: string, n: Normaliser): string {
  const url = new URL(value);
  const query = [...url.searchParams].sort(([a], [b]) => a.localeCompare(b));
  return n.text(`${url.origin}${url.pathname}?${query.map(([k, v]) => `${k}=${v}`).join('&')}`);
}

/** The distinct consecutive custom statuses of one instance, polled until stopped. */
export class CustomStatusWatch {
  readonly seen: string[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly management: Management,
    private readonly id: string,
  ) {
    this.loop = this.poll();
  }

  private async poll(): Promise<void> {
    while (this.running) {
      if (await this.once()) return;
      await sleep(10);
    }
  }

  /** One poll; whether the instance has ended. */
  private async once(): Promise<boolean> {
    const answer = await this.management.status(this.id).catch(() => undefined);
    const label = customStatusLabel(answer?.body?.customStatus);
    if (label && this.seen.at(-1) !== label) this.seen.push(label);
    return TERMINAL.includes(answer?.body?.runtimeStatus);
  }

  /** Waits (up to `timeoutMs`) until a status matching `pattern` has been seen; whether it was. */
  async sees(pattern: RegExp, timeoutMs = 10_000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.seen.some((s) => pattern.test(s))) return true;
      await sleep(10);
    }
    return false;
  }

  /** Stops polling, after one last poll: the status the instance ended with is always seen. */
  async stop(): Promise<string[]> {
    this.running = false;
    await this.loop;
    await this.once();
    return [...this.seen];
  }
}

/** `step/status/error code` of the registration's published progress; a sample orchestrator's status as JSON. */
export function customStatusLabel(status: unknown): string | undefined {
  if (status === null || status === undefined) return undefined;
  if (typeof status === 'object' && 'status' in status) {
    const s = status as { step?: string; status?: string; error?: { code?: string } };
    return `${s.step ?? ''}/${s.status ?? ''}/${s.error?.code ?? ''}`;
  }
  return JSON.stringify(status);
}

interface RawEvent {
  EventType: string;
  Timestamp?: string;
  FunctionName?: string;
  Name?: string;
  FireAt?: string;
  Reason?: string;
  Input?: unknown;
  Result?: unknown;
  OrchestrationStatus?: string;
  [field: string]: unknown;
}

/** `Name:completed|failed|scheduled` for each activity event, in history order. */
export function activityCalls(events: RawEvent[]): string[] {
  const kinds: Record<string, string> = {
    TaskCompleted: 'completed',
    TaskFailed: 'failed',
    TaskScheduled: 'scheduled',
  };
  return events
    .filter((e) => kinds[e.EventType])
    .map((e) => `${String(e.FunctionName ?? e.Name)}:${kinds[e.EventType]}`);
}

const PAYLOADS = new Set(['Input', 'Result']);
const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const parsedIfJson = (v: unknown) => (typeof v === 'string' ? (parseJson(v) ?? v) : v);
const firstLine = (v: unknown) => (typeof v === 'string' ? v.split('\n')[0] : v);

/**
 * Consecutive fired timers due at the same instant, as one, counting the others. Every race of the registration waits
 * for its expiry, and a lost race's timer stays pending, so several timers fall due together at the end: the local
 * host records all of them before the instance ends, Microsoft's engine those its queue delivered by then (the rest
 * are dropped with the ended instance). `dueAt` is undefined for anything but a fired timer.
 */
export function foldCoincidentTimers<T>(
  items: T[],
  dueAt: (item: T) => number | undefined,
): { item: T; coincident: number }[] {
  const folded: { item: T; coincident: number; dueAt?: number }[] = [];
  for (const item of items) {
    const due = dueAt(item);
    const last = folded.at(-1);
    if (due !== undefined && last?.dueAt === due) last.coincident++;
    else folded.push({ item, coincident: 0, dueAt: due });
  }
  return folded.map(({ item, coincident }) => ({ item, coincident }));
}

/** The showHistory events, normalised; and the shapes of their times by field. */
export function normaliseHistory(
  events: RawEvent[],
  n: Normaliser,
): { history: HistoryItem[]; timeShapes: Record<string, string[]> } {
  const shapes: Record<string, Set<string>> = {};
  const history = foldCoincidentTimers(events, (e) =>
    e.EventType === 'TimerFired' ? Date.parse(String(e.FireAt)) : undefined,
  ).map(({ item: e, coincident }) => {
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(e)) {
      if (key === 'EventType') continue;
      // A payload held as a string is JSON (as the SDK serialized it) or plain text (as DTFx keeps a reason).
      fields[key] =
        PAYLOADS.has(key) && typeof value === 'string'
          ? `string(${parseJson(value) === undefined ? 'text' : 'json'})`
          : kindOf(value);
      const shape = typeof value === 'string' ? timeShape(value) : undefined;
      if (shape) (shapes[key] ??= new Set()).add(shape);
    }
    const item: HistoryItem = { type: e.EventType, fields };
    const name = e.FunctionName ?? e.Name;
    if (name !== undefined) item.name = String(name);
    if (e.OrchestrationStatus !== undefined) item.status = String(e.OrchestrationStatus);
    const at = Date.parse(String(e.Timestamp));
    const fireAt = Date.parse(String(e.FireAt));
    if (e.EventType === 'TimerCreated') item.fireIn = durationBucket(fireAt - at);
    if (e.EventType === 'TimerFired' && at < fireAt - 100) item.firedEarly = true;
    if (e.Reason !== undefined) item.reason = n.text(String(firstLine(e.Reason)));
    if (e.Input !== undefined && e.Input !== null) item.input = n.value(parsedIfJson(e.Input));
    if (e.Result !== undefined && e.Result !== null) item.result = n.value(parsedIfJson(e.Result));
    if (coincident) item.coincident = coincident;
    return item;
  });
  const timeShapes = Object.fromEntries(
    Object.entries(shapes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, [...v].sort()]),
  );
  return { history, timeShapes };
}

/** The common part of every observation: how the instance ended, its history and the answer once ended. */
export function observeEnded(
  ended: RawAnswer,
  n: Normaliser,
): Pick<Observation, 'runtimeStatus' | 'output' | 'activities' | 'history' | 'timeShapes'> & {
  answer: ManagementAnswer;
} {
  const events = (ended.body?.historyEvents ?? []) as RawEvent[];
  return {
    runtimeStatus: String(ended.body?.runtimeStatus),
    output: n.value(ended.body?.output),
    activities: activityCalls(events),
    ...normaliseHistory(events, n),
    answer: answerOf(ended, n),
  };
}

/** A scenario: drives one stack (either engine) and returns what it observed; the suite runs it on both and compares. */
export interface Scenario<C> {
  name: string;
  /** What it covers, for the test's title. */
  title: string;
  run(context: C): Promise<Observation>;
  /** What either engine must show, beyond agreeing with the other. */
  expected: Partial<Pick<Observation, 'runtimeStatus' | 'output'>>;
}
