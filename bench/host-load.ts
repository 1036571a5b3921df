import { writeFileSync } from 'node:fs';
import type { BenchOptions } from './bench-options';
import { startBenchServices } from './bench-services';
import { runBounded } from '../src/app/run-bounded';
import type { InstanceStatus } from './durable-http-client';
import { DurableHttpClient } from './durable-http-client';
import { machineBusySeconds, ownCpuSeconds, processCpuSeconds } from './process-cpu';
import { percentile } from './statistics';
import { warningLines } from './host-warnings';

/** (b)'s part of the bench options, for the app at `appRoot`. */
export interface HostLoadOptions extends Pick<
  BenchOptions,
  | 'orchestrations'
  | 'concurrency'
  | 'timeoutMs'
  | 'pollIntervalMs'
  | 'hostNodeOptions'
  | 'dumpFile'
  | 'hostCpuProfileDir'
> {
  appRoot: string;
  log(line: string): void;
}

export interface HostLoadResult {
  orchestrations: number;
  /** First start request sent → latest `lastUpdatedTime` of any instance. */
  wallMs: number;
  perSecond: number;
  /** First start request sent → last start and raiseEvent answered. */
  submitMs: number;
  /** First start request sent → the poll that saw every instance Completed. */
  observedMs: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /** Client-side durations of the start (HTTP trigger) and raiseEvent requests. */
  startRequestMs: { p50: number; p99: number; max: number };
  raiseRequestMs: { p50: number; p99: number; max: number };
  transactions: number;
  episodes: number;
  monitoringQueries: number;
  /** Warning and error lines the host printed during the run. */
  hostWarnings: string[];
  /** CPU seconds over the measured window; `other` is everything else the machine ran meanwhile. */
  cpuSeconds: { host?: number; azurite?: number; bench: number; other?: number };
}

const ORCHESTRATOR = 'Bench';
const EVENT = 'Proceed';
const FAILED = ['Failed', 'Terminated'];
const LIST_PAGE = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `orchestrations` Bench instances at once through the app's HTTP trigger (at most
 * `concurrency` requests in flight), raising Proceed for each right after its start, and waits
 * until all are Completed. Throws if any ends Failed/Terminated or the deadline passes.
 */
export async function measureHostLoad(options: HostLoadOptions): Promise<HostLoadResult> {
  const runId = `b${Date.now().toString(36)}`;
  const services = await startBenchServices({
    appRoot: options.appRoot,
    hubName: 'BenchHub',
    hostNodeOptions: options.hostNodeOptions,
    hostCpuProfileDir: options.hostCpuProfileDir,
  });
  const onSignal = () => void services.stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    options.log(`  host ${services.url} (pid ${services.hostPid}), Azurite pid ${services.azuritePid}`);
    const client = new DurableHttpClient(services.url, services.masterKey);
    const ids = Array.from({ length: options.orchestrations }, (_, i) => `${runId}-${String(i).padStart(5, '0')}`);
    const wanted = new Set(ids);

    // Warm the HTTP path (and the SDK's lazy code) with one instance outside the measured window.
    await client.startOrchestration(ORCHESTRATOR, `${runId}-warmup`);
    await client.raiseEvent(`${runId}-warmup`, EVENT, { warmup: true });
    await waitForAll(client, new Set([`${runId}-warmup`]), Date.now() + 30_000, options.pollIntervalMs);

    const before = await client.stats();
    const listBefore = client.listRequests;
    const cpuBefore = cpuNow(services.hostPid, services.azuritePid);
    const t0 = Date.now();
    const deadline = t0 + options.timeoutMs;
    const requests = await runBounded(ids.length, options.concurrency, async (i) => {
      if (Date.now() > deadline)
        throw new Error(`Timed out: still starting orchestrations (at #${i}) when the deadline passed`);
      const sent = Date.now();
      await client.startOrchestration(ORCHESTRATOR, ids[i]);
      const started = Date.now();
      await client.raiseEvent(ids[i], EVENT, { i });
      return { sent: sent - t0, startMs: started - sent, raiseMs: Date.now() - started };
    });
    const submitMs = Date.now() - t0;
    options.log(`  ${ids.length} started and raised in ${submitMs} ms; waiting for completion`);
    const done = await waitForAll(client, wanted, deadline, options.pollIntervalMs);
    const observedMs = Date.now() - t0;
    const cpuAfter = cpuNow(services.hostPid, services.azuritePid);
    const after = await client.stats();
    const monitoringQueries = client.listRequests - listBefore;
    const hostWarnings = warningLines(services.hostOutput());

    if (options.dumpFile)
      writeFileSync(
        options.dumpFile,
        JSON.stringify({ t0, statuses: done, requests, hostOutput: services.hostOutput() }, null, 1),
      );
    const latencies = done.map((s) => Date.parse(s.lastUpdatedTime) - Date.parse(s.createdTime));
    const lastCompletion = Math.max(...done.map((s) => Date.parse(s.lastUpdatedTime)));
    const wallMs = Math.max(1, lastCompletion - t0);
    return {
      orchestrations: ids.length,
      wallMs,
      perSecond: ids.length / (wallMs / 1000),
      submitMs,
      observedMs,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      latencyMaxMs: Math.max(...latencies),
      transactions: after.storageTransactions - before.storageTransactions - monitoringQueries,
      episodes: after.episodes - before.episodes,
      monitoringQueries,
      hostWarnings,
      startRequestMs: spread(requests.map((r) => r.startMs)),
      raiseRequestMs: spread(requests.map((r) => r.raiseMs)),
      cpuSeconds: cpuUsed(cpuBefore, cpuAfter),
    };
  } catch (error) {
    const output = services.hostOutput();
    if (output) options.log(`  host output (last 3000 chars):\n${output.slice(-3000)}`);
    throw error;
  } finally {
    await services.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

const spread = (values: number[]) => ({
  p50: percentile(values, 50),
  p99: percentile(values, 99),
  max: Math.max(...values),
});

function cpuNow(hostPid: number, azuritePid: number) {
  return {
    host: processCpuSeconds(hostPid),
    azurite: processCpuSeconds(azuritePid),
    bench: ownCpuSeconds(),
    machine: machineBusySeconds(),
  };
}

function cpuUsed(before: ReturnType<typeof cpuNow>, after: ReturnType<typeof cpuNow>): HostLoadResult['cpuSeconds'] {
  const diff = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : a - b);
  const host = diff(after.host, before.host);
  const azurite = diff(after.azurite, before.azurite);
  const bench = after.bench - before.bench;
  const machine = diff(after.machine, before.machine);
  const other =
    machine === undefined || host === undefined || azurite === undefined
      ? undefined
      : Math.max(0, machine - host - azurite - bench);
  return { host, azurite, bench, other };
}

/** Polls the instance list until every wanted instance is Completed; fails fast on Failed/Terminated. */
async function waitForAll(
  client: DurableHttpClient,
  wanted: Set<string>,
  deadline: number,
  intervalMs: number,
): Promise<InstanceStatus[]> {
  const maxPages = Math.ceil(wanted.size / LIST_PAGE) + 5;
  let completed = 0;
  // Looks at least once, so a late call still reports how far the instances got.
  for (let first = true; first || Date.now() < deadline; first = false) {
    const states = (await client.listByStatus(['Completed', ...FAILED], LIST_PAGE, maxPages)).filter((s) =>
      wanted.has(s.instanceId),
    );
    const failed = states.filter((s) => FAILED.includes(s.runtimeStatus));
    if (failed.length > 0) {
      const sample = failed
        .slice(0, 3)
        .map((s) => `${s.instanceId} ${s.runtimeStatus}: ${JSON.stringify(s.output)}`)
        .join('\n    ');
      throw new Error(`${failed.length} orchestration(s) ended Failed/Terminated, e.g.\n    ${sample}`);
    }
    completed = states.length;
    if (completed === wanted.size) return states;
    await sleep(intervalMs);
  }
  throw new Error(`Timed out: ${completed} of ${wanted.size} orchestrations Completed before the deadline`);
}
