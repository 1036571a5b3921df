import { performance } from 'node:perf_hooks';
import type { DurableEngine, Stack } from '../local/stack';
import { startStack } from '../local/stack';
import type { RequestLogEntry } from '../local/stand-ins/fault-injection';
import type { FloorTimings, Step2Credentials } from './step2-floor';
import { Step2Floor } from './step2-floor';
import { median, percentile } from './statistics';
import { warningLines } from './host-warnings';

export interface Step2LatencyOptions {
  samples: number;
  warmups: number;
  /**
   * Added by the stand-ins' fault injection to every tenant lookup, token request and Partner
   * Center call (the product's and the floor's alike), to see the ratio at latencies nearer the
   * real services'; 0 (the default) measures plain loopback. The Key Vault stand-in cannot delay.
   */
  standInLatencyMs: number;
  engine: DurableEngine;
  /** Pause between the registration reaching step 2 and the PUT (a person filling the form); not measured. */
  thinkMs: number;
  log(line: string): void;
}

export interface Spread {
  p50: number;
  p99: number;
  min: number;
  max: number;
}

/**
 * Where one PUT's time went, from the stand-ins' request logs (arrival times, same clock): sent →
 * the tenant lookup arrives → the token request arrives → the Partner Center call arrives → answered.
 */
export interface PutSegments {
  /** Authentication, the registration's row read (the trigger's verification starts then, beside the status read). */
  untilTenantLookupMs: number;
  /** Tenant lookup, MSAL set-up. */
  untilTokenRequestMs: number;
  /** The token request. */
  untilPartnerCenterMs: number;
  /** The Partner Center call, raise event, the episode that takes the verdict, the trigger's status look, the audit, the answer. */
  untilAnswerMs: number;
}

export interface Step2LatencyResult {
  samples: number;
  putMs: number[];
  floorMs: number[];
  put: Spread;
  floor: Spread;
  /** PUT / floor, of the p50s and of the p99s. */
  ratioP50: number;
  ratioP99: number;
  /** Medians of each part, over the samples that have all of them. */
  putSegments?: PutSegments;
  floorSegments: Omit<FloorTimings, 'totalMs'>;
  /** Medians, per measured PUT, of the local host's durable storage transactions and episodes (local engine only). */
  storageTransactionsPerPut?: number;
  episodesPerPut?: number;
  hostWarnings: string[];
}

/** Contoso's Partner Center app in the Entra ID fixtures (the integration tests use the same). */
export const CONTOSO_CREDENTIALS: Step2Credentials = {
  applicationId: 'bbbbbbbb-0000-4000-8000-000000000001',
  domain: 'contoso.example',
  secret: 'contoso-pc-secret-value~valid',
};
const USER = 'alice@contoso.example';
const AWAITING = 'awaitingPartnerCenterCredentials';
const TERMINAL = ['Completed', 'Failed', 'Terminated'];
const REQUEST_TIMEOUT_MS = 30_000;
const STEP_DEADLINE_MS = 60_000;
const POLL_MS = 20;

const STOP_GRACE_MS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const spread = (values: number[]): Spread => ({
  p50: percentile(values, 50),
  p99: percentile(values, 99),
  min: Math.min(...values),
  max: Math.max(...values),
});

/** The registration API as the person's browser calls it, plus the host's management routes for housekeeping. */
class RegistrationClient {
  constructor(
    private readonly stack: Stack,
    private readonly token: string,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${this.stack.apiBaseUrl}/payer-account/registration${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /** POST a registration and wait until its orchestration waits for Partner Center credentials. */
  async startAtStep2(): Promise<string> {
    const created = await this.call('POST', '', {});
    if (created.status !== 201)
      throw new Error(`POST registration answered ${created.status}: ${JSON.stringify(created.body).slice(0, 300)}`);
    const deadline = Date.now() + STEP_DEADLINE_MS;
    for (;;) {
      const shown = await this.call('GET', '');
      if (shown.status === 200 && shown.body.status === AWAITING) return String(created.body.registrationId);
      if (Date.now() > deadline)
        throw new Error(
          `Registration still '${String(shown.body.status)}' (HTTP ${shown.status}) after ${STEP_DEADLINE_MS} ms`,
        );
      await sleep(POLL_MS);
    }
  }

  /** DELETE the registration, then wait until its orchestration has cleaned up and ended, so nothing overlaps the next sample. */
  async cancelAndAwaitEnd(registrationId: string): Promise<void> {
    const cancelled = await this.call('DELETE', '');
    if (cancelled.status !== 204) throw new Error(`DELETE registration answered ${cancelled.status}`);
    const url = `${this.stack.host.url}/runtime/webhooks/durabletask/instances/${encodeURIComponent(registrationId)}?showInput=false&code=${encodeURIComponent(this.stack.settings.LocalHost__MasterKey)}`;
    const deadline = Date.now() + STEP_DEADLINE_MS;
    for (;;) {
      const res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const status = ((await res.json()) as { runtimeStatus?: string }).runtimeStatus;
      if (status && TERMINAL.includes(status)) return;
      if (Date.now() > deadline)
        throw new Error(`Registration ${registrationId} still ${status} ${STEP_DEADLINE_MS} ms after DELETE`);
      await sleep(POLL_MS);
    }
  }

  /** The local engine's counters; the reference engine's storage is the extension's, which this cannot count. */
  async hostStats(): Promise<HostStats | undefined> {
    if (this.stack.engine === 'reference') return undefined;
    const res = await fetch(`${this.stack.host.url}/admin/host/stats`, {
      headers: { 'x-functions-key': this.stack.settings.LocalHost__MasterKey },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`/admin/host/stats answered ${res.status}`);
    return (await res.json()) as HostStats;
  }
}

interface HostStats {
  storageTransactions: number;
  episodes: number;
}

interface PutSample {
  ms: number;
  segments?: PutSegments;
  stats?: HostStats;
}

/** One measured PUT on a fresh registration waiting at step 2; the registration is gone again afterwards. */
async function measurePut(
  stack: Stack,
  client: RegistrationClient,
  credentials: Step2Credentials,
  thinkMs: number,
): Promise<PutSample> {
  const registrationId = await client.startAtStep2();
  if (thinkMs > 0) await sleep(thinkMs);
  stack.entra.faults.clearRequests();
  stack.partnerCenter.faults.clearRequests();
  const before = await client.hostStats();
  const sentAt = Date.now();
  const t0 = performance.now();
  const answer = await client.call('PUT', '/partner-center-credentials', credentials);
  const ms = performance.now() - t0;
  const after = await client.hostStats();
  if (answer.status !== 200) {
    throw new Error(
      `PUT partner-center-credentials answered ${answer.status} after ${ms.toFixed(0)} ms, expected 200: ${JSON.stringify(answer.body).slice(0, 500)}`,
    );
  }
  const tenantId = String((answer.body.verified as { tenantId?: string } | undefined)?.tenantId);
  const segments = segmentsOf(
    sentAt,
    ms,
    stack.entra.faults.requests(),
    stack.partnerCenter.faults.requests(),
    credentials.domain,
    tenantId,
  );
  await client.cancelAndAwaitEnd(registrationId);
  const stats =
    before && after
      ? {
          storageTransactions: after.storageTransactions - before.storageTransactions,
          episodes: after.episodes - before.episodes,
        }
      : undefined;
  return { ms, segments, stats };
}

function segmentsOf(
  sentAt: number,
  ms: number,
  entra: RequestLogEntry[],
  partnerCenter: RequestLogEntry[],
  domain: string,
  tenantId: string,
): PutSegments | undefined {
  const inWindow = (r: RequestLogEntry) => r.at >= sentAt && r.at <= sentAt + ms + 1;
  const lookup = entra.find(
    (r) => inWindow(r) && r.method === 'GET' && r.path === `/${domain}/v2.0/.well-known/openid-configuration`,
  );
  const token = entra.find((r) => inWindow(r) && r.method === 'POST' && r.path === `/${tenantId}/oauth2/v2.0/token`);
  const profile = partnerCenter.find(
    (r) => inWindow(r) && r.method === 'GET' && r.path === '/v1/profiles/legalbusiness',
  );
  if (!lookup || !token || !profile) return undefined;
  return {
    untilTenantLookupMs: lookup.at - sentAt,
    untilTokenRequestMs: token.at - lookup.at,
    untilPartnerCenterMs: profile.at - token.at,
    untilAnswerMs: sentAt + ms - profile.at,
  };
}

function statsMedians(puts: PutSample[]): Pick<Step2LatencyResult, 'storageTransactionsPerPut' | 'episodesPerPut'> {
  const stats = puts.flatMap((p) => (p.stats ? [p.stats] : []));
  if (stats.length === 0) return {};
  return {
    storageTransactionsPerPut: median(stats.map((s) => s.storageTransactions)),
    episodesPerPut: median(stats.map((s) => s.episodes)),
  };
}

function medianOf<T extends object>(rows: T[], keys: (keyof T)[]): T {
  return Object.fromEntries(keys.map((k) => [k, median(rows.map((r) => r[k] as number))])) as T;
}

/**
 * Step 2 as the person feels it: PUT .../partner-center-credentials until its 200, each on a fresh
 * registration waiting at step 2, one at a time, against the floor (step2-floor.ts) in the same run
 * over the same stand-ins; `warmups` of each first (discarded), then `samples` rounds, the order
 * alternating every round. Throws when a PUT does not answer 200 or a floor call fails.
 */
export async function measureStep2Latency(options: Step2LatencyOptions): Promise<Step2LatencyResult> {
  const stack = await startStack({ engine: options.engine });
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopWithin(stack, STOP_GRACE_MS));
  const onSignal = () => void stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    options.log(
      `  ${stack.engine === 'reference' ? "reference engine (Microsoft's Durable Task extension; DURABLE_ENGINE=reference)" : 'local engine'}: host ${stack.host.url} (pid ${stack.host.pid}), Azurite pid ${stack.azurite.pid}; stand-ins in this process`,
    );
    const client = new RegistrationClient(stack, await stack.tokenFor(USER));
    const floor = new Step2Floor(stack.settings, CONTOSO_CREDENTIALS);
    if (options.standInLatencyMs > 0) {
      const latency = { latencyMs: options.standInLatencyMs, count: 1_000_000 };
      stack.entra.faults.inject({
        match: '^(GET /[^/]+/v2\\.0/\\.well-known/openid-configuration|POST /[^/]+/oauth2/v2\\.0/token)$',
        ...latency,
      });
      stack.partnerCenter.faults.inject({ match: '^GET /v1/profiles/legalbusiness$', ...latency });
      options.log(
        `  the Entra ID and Partner Center stand-ins add ${options.standInLatencyMs} ms to every tenant lookup, token request and Partner Center call`,
      );
    }
    for (let i = 0; i < options.warmups; i++) {
      const put = await measurePut(stack, client, CONTOSO_CREDENTIALS, options.thinkMs);
      const direct = await floor.run();
      options.log(
        `  warm-up ${i + 1}/${options.warmups}: PUT ${put.ms.toFixed(1)} ms, floor ${direct.totalMs.toFixed(1)} ms`,
      );
    }
    const puts: PutSample[] = [];
    const floors: FloorTimings[] = [];
    for (let i = 0; i < options.samples; i++) {
      const order: ('put' | 'floor')[] = i % 2 === 0 ? ['put', 'floor'] : ['floor', 'put'];
      for (const part of order) {
        if (part === 'put') puts.push(await measurePut(stack, client, CONTOSO_CREDENTIALS, options.thinkMs));
        else floors.push(await floor.run());
      }
      const put = puts[i];
      const f = floors[i];
      const s = put.segments;
      options.log(
        `  round ${i + 1}/${options.samples}: PUT ${put.ms.toFixed(1)} ms` +
          (s
            ? ` (→lookup ${s.untilTenantLookupMs}, →token ${s.untilTokenRequestMs}, →PC ${s.untilPartnerCenterMs}, →answer ${s.untilAnswerMs.toFixed(0)})`
            : '') +
          (put.stats ? `, ${put.stats.storageTransactions} tx, ${put.stats.episodes} episodes` : '') +
          `; floor ${f.totalMs.toFixed(1)} ms ` +
          `(KV ${f.keyVaultWriteMs.toFixed(1)}, lookup ${f.tenantLookupMs.toFixed(1)}, token ${f.tokenMs.toFixed(1)}, PC ${f.partnerCenterMs.toFixed(1)})`,
      );
    }
    const putMs = puts.map((p) => p.ms);
    const floorMs = floors.map((f) => f.totalMs);
    const put = spread(putMs);
    const direct = spread(floorMs);
    const segmented = puts.flatMap((p) => (p.segments ? [p.segments] : []));
    return {
      samples: options.samples,
      putMs,
      floorMs,
      put,
      floor: direct,
      ratioP50: put.p50 / direct.p50,
      ratioP99: put.p99 / direct.p99,
      putSegments:
        segmented.length > 0
          ? medianOf(segmented, ['untilTenantLookupMs', 'untilTokenRequestMs', 'untilPartnerCenterMs', 'untilAnswerMs'])
          : undefined,
      floorSegments: medianOf(floors, ['keyVaultWriteMs', 'tenantLookupMs', 'tokenMs', 'partnerCenterMs']),
      ...statsMedians(puts),
      hostWarnings: warningLines(stack.host.output()),
    };
  } catch (error) {
    const output = stack.host.output();
    if (output) options.log(`  host output (last 3000 chars):\n${output.slice(-3000)}`);
    throw error;
  } finally {
    await stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** Stops the stack; SIGKILLs the host and Azurite (this process's children) if that takes longer than `graceMs`. */
export async function stopWithin(stack: Stack, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const outcome = await Promise.race([stack.stop().then(() => 'stopped' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    await stack.host.kill();
    try {
      process.kill(stack.azurite.pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
}
