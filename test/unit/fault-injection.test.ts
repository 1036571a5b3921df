import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjection, FaultSpecError } from '../../local/stand-ins/fault-injection';

/** A tiny stand-in: fault injection in front of one route that echoes 200 {served: path}. */
let server: Server;
let base: string;
let faults: FaultInjection;

beforeAll(async () => {
  faults = new FaultInjection({ defaultBody: (status, { path }) => ({ defaultFor: status, path }) });
  server = createServer((req, res) => {
    void (async () => {
      if (await faults.handleControl(req, res)) return;
      if (await faults.intercept(req, res, { headers: { 'x-stand-in': 'yes' } })) return;
      const text = JSON.stringify({ served: req.url });
      res.writeHead(200, { 'Content-Type': 'application/json', 'x-stand-in': 'yes' });
      res.end(text);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  faults.clear();
  faults.clearRequests();
});

const control = (method: string, path: string, body?: unknown) =>
  fetch(`${base}${path}`, {
    method,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('control route validation', () => {
  it.each([
    ['no count', { status: 503 }],
    ['count 0', { status: 503, count: 0 }],
    ['neither status nor latency', { count: 1 }],
    ['status out of range', { status: 700, count: 1 }],
    ['an invalid regular expression', { match: '(', status: 503, count: 1 }],
    ['an unknown field', { status: 503, count: 1, sttaus: 500 }],
    ['a header value with a line break', { status: 503, count: 1, headers: { 'x-a': 'b\r\nSet-Cookie: x' } }],
    ['a body without a status', { latencyMs: 5, body: { a: 1 }, count: 1 }],
    ['a negative Retry-After', { status: 429, retryAfterSeconds: -1, count: 1 }],
    ['a latency spread without its lower bound', { status: 503, latencyMaxMs: 50, count: 1 }],
    ['a latency spread whose upper bound is below its lower', { latencyMs: 50, latencyMaxMs: 40, count: 1 }],
  ])('refuses %s with 400 and queues nothing', async (_what, spec) => {
    const res = await control('POST', '/_control/faults', spec);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; issues: unknown[] };
    expect(body.error).toBe('invalid_fault');
    expect(body.issues.length).toBeGreaterThan(0);
    expect(faults.rules()).toEqual([]);
  });

  it('refuses a body that is not JSON with 400', async () => {
    const res = await control('POST', '/_control/faults', '{not json');
    expect(res.status).toBe(400);
    expect(faults.rules()).toEqual([]);
  });

  it('refuses the same input in-process with a FaultSpecError', () => {
    expect(() => faults.inject({ count: 1 } as never)).toThrow(FaultSpecError);
    expect(faults.rules()).toEqual([]);
  });
});

describe('injected answers', () => {
  it('answers the next `count` matching requests with the fault, then serves normally', async () => {
    const created = await control('POST', '/_control/faults', {
      match: '^GET /a$',
      status: 429,
      retryAfterSeconds: 7,
      body: { code: 429 },
      headers: { 'x-extra': '1' },
      count: 2,
    });
    expect(created.status).toBe(201);
    const rule = (await created.json()) as { id: string; remaining: number; hits: number };
    expect(rule).toMatchObject({ remaining: 2, hits: 0 });

    const other = await fetch(`${base}/b`);
    expect(other.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${base}/a`);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.headers.get('x-extra')).toBe('1');
      expect(res.headers.get('x-stand-in')).toBe('yes');
      expect(await res.json()).toEqual({ code: 429 });
    }
    const third = await fetch(`${base}/a`);
    expect(third.status).toBe(200);

    const listed = (await (await control('GET', '/_control/faults')).json()) as {
      faults: { id: string; hits: number; remaining: number }[];
    };
    expect(listed.faults).toEqual([expect.objectContaining({ id: rule.id, hits: 2, remaining: 0 })]);
  });

  it('matches the path without its query string, and the method', async () => {
    faults.inject({ match: '^POST /token$', status: 503, count: 1 });
    expect((await fetch(`${base}/token?x=1`)).status).toBe(200);
    const res = await fetch(`${base}/token?x=1`, { method: 'POST', body: 'secret=hunter2' });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ defaultFor: 503, path: '/token' });
  });

  it('sends a string body as text', async () => {
    faults.inject({ status: 502, body: 'upstream went away', count: 1 });
    const res = await fetch(`${base}/x`);
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('upstream went away');
  });

  it('delays and then serves when the fault has latency only', async () => {
    faults.inject({ latencyMs: 300, count: 1 });
    const started = Date.now();
    const res = await fetch(`${base}/slow`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ served: '/slow' });
    expect(faults.rules()[0]).toMatchObject({ hits: 1, remaining: 0 });
  });

  it('delays and then answers with the status when the fault has both', async () => {
    faults.inject({ latencyMs: 200, status: 504, count: 1 });
    const started = Date.now();
    const res = await fetch(`${base}/slow`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(res.status).toBe(504);
  });

  it('delays each request by its own time within latencyMs..latencyMaxMs, logged with the request', async () => {
    faults.inject({ match: '^GET /spread$', latencyMs: 20, latencyMaxMs: 60, count: 8 });
    for (let i = 0; i < 8; i++) {
      const started = Date.now();
      expect((await fetch(`${base}/spread`)).status).toBe(200);
      const delay = faults.requests().at(-1)?.delayMs as number;
      expect(delay).toBeGreaterThanOrEqual(20);
      expect(delay).toBeLessThanOrEqual(60);
      expect(Date.now() - started).toBeGreaterThanOrEqual(delay - 1);
    }
    expect(new Set(faults.requests().map((r) => r.delayMs)).size).toBeGreaterThan(1);
  });

  it('applies the first rule with requests left, in the order they were queued', async () => {
    faults.inject({ status: 500, count: 1 });
    faults.inject({ status: 503, count: 1 });
    expect((await fetch(`${base}/q`)).status).toBe(500);
    expect((await fetch(`${base}/q`)).status).toBe(503);
    expect((await fetch(`${base}/q`)).status).toBe(200);
  });

  it('DELETE /_control/faults clears pending faults', async () => {
    faults.inject({ status: 500, count: 5 });
    const res = await control('DELETE', '/_control/faults');
    expect(await res.json()).toEqual({ cleared: 1 });
    expect((await fetch(`${base}/q`)).status).toBe(200);
    expect(faults.rules()).toEqual([]);
  });
});

describe('request log', () => {
  it('records method, path, time, status and the fault of every request, but not control calls, queries or bodies', async () => {
    const rule = faults.inject({ match: '^POST ', status: 401, count: 1 });
    await fetch(`${base}/one?code=supersecret`, { headers: { authorization: 'Bearer eyJsecret' } });
    await fetch(`${base}/two`, { method: 'POST', body: 'client_secret=hunter2' });
    await control('GET', '/_control/faults');

    const res = await control('GET', '/_control/requests');
    const { requests } = (await res.json()) as { requests: Record<string, unknown>[] };
    expect(requests).toHaveLength(2);
    expect(requests[0]).toEqual({
      method: 'GET',
      path: '/one',
      time: expect.any(String),
      at: expect.any(Number),
      status: 200,
    });
    expect(requests[1]).toEqual({
      method: 'POST',
      path: '/two',
      time: expect.any(String),
      at: expect.any(Number),
      status: 401,
      faultId: rule.id,
    });
    expect(new Date(requests[0].time as string).getTime()).toBe(requests[0].at);
    expect(requests[1].at as number).toBeGreaterThanOrEqual(requests[0].at as number);
    const text = JSON.stringify(requests);
    for (const secret of ['supersecret', 'eyJsecret', 'hunter2']) expect(text).not.toContain(secret);

    await control('DELETE', '/_control/requests');
    expect(faults.requests()).toEqual([]);
  });
});
