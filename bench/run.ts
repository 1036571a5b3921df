/**
 * `npm run bench`: performance of the Functions app and of the local Durable Functions host.
 *
 * (a) Cold load: the time to `require` every entry point of the deployment package (dist/package, built by
 *     `npm run package`: its package.json `main`, app.js, bundled by tools/bundle-functions.ts, with production
 *     dependencies only) against a bare `require('@azure/functions')`,
 *     each measured with process.hrtime inside fresh `node` processes (spawn time excluded) with the functions-core
 *     shim installed first on both sides; medians of N interleaved runs and their ratio.
 *     Target: app ≤ 1.3 × bare. Skipped, saying so, while the app has no entry points.
 * (b) Host under load (`--only=host`; it was `--only=load` before (d) took that name): Azurite and the local
 *     host (child processes, loopback only) serving the sample app; 500 `Bench` orchestrations (5 activities,
 *     then the external event `Proceed`) started at once through the app's HTTP trigger with 64 requests in
 *     flight, each followed by raising `Proceed` through the management API, until all are Completed (5-minute
 *     bound).
 *     Reports orchestrations/s (first start → last `lastUpdatedTime`), p50/p99 of each instance's
 *     createdTime → lastUpdatedTime, and storage transactions per orchestration and per episode
 *     (delta of /admin/host/stats, less the bench's own list queries).
 *     Targets: ≥ 100 orchestrations/s on 2 cores; ≤ 2 storage transactions per episode.
 * (c) Step 2 latency, what a person feels after clicking "Register Credentials": the whole product
 *     on loopback (local/stack.ts: Azurite, the Entra ID, Key Vault and Partner Center stand-ins, the
 *     host); p50/p99 of `PUT /api/payer-account/registration/partner-center-credentials` until its
 *     200, each on a fresh registration waiting at step 2, one at a time, against the floor — the
 *     same Key Vault write, tenant lookup, token request and Partner Center call made directly from
 *     this process against the same stand-ins (step2-floor.ts); interleaved, after warm-ups. Run on
 *     each engine (the local host's, and Microsoft's Durable Task extension in the reference host, the
 *     production-like figure) with the stand-ins answering at once and in 100 ms per call; the
 *     reference runs are reported as skipped, with the reason, where the .NET SDK cannot restore it.
 *     The PUT verifies in the trigger (beside the Key Vault write), hands the orchestration the verdict in
 *     the event and answers once the orchestration has published it (one episode), so the figure is the
 *     trigger's own work plus one engine hop. `--step2-think-ms` waits that long before each PUT, as a
 *     person filling the form, so the engine's queues go idle first.
 *     Targets: PUT p50 ≤ 1.5 × floor p50; on the local engine on bare loopback, PUT p50 − floor p50
 *     ≤ 10 ms. This process calls the HTTPS stand-ins itself, so it re-runs itself with
 *     NODE_EXTRA_CA_CERTS naming the loopback certificate when that is not set.
 * (d) API load (`--only=load`, api-load.ts): 200 CSP partners (generated fixtures: each its own tenant, Partner
 *     Center app and admin, so each a distinct caller with its own organization claim) registering at once through
 *     the stack's API: step 1, step 2, step 3, the admin's consent at the Entra ID stand-in and the callback, until
 *     GET /api/payer-account answers the account; the stand-ins answering at realistic latencies (Entra ID tokens
 *     150 ms, Key Vault 20 ms, Partner Center 100–300 ms; `--load-*` options); after one warm-up registration.
 *     Reports p50/p99 per step, every unexpected answer with its reason (target: 0), and the host's throughput
 *     (registrations and requests per second); on each engine, the reference one skipped, with the reason, where
 *     the .NET SDK cannot restore it.
 * (e) The keep-alive round (`--only=keepalive`, keep-alive.ts): `--accounts=N` (1,000 by default) registered accounts
 *     seeded into a local stack (local/seed-registered-accounts.ts), every Entra ID request answered in 150 ms and
 *     every Key Vault request in 20 ms (options), one round run through the timer; prints `keep-alive round: N
 *     accounts in S s, R accounts/s, C calls/account, peak RSS M MiB` (the host's VmHWM).
 *     Targets: ≥ 17 accounts/s (10,000 in 10 minutes), ≤ 6 Entra ID + Key Vault calls per account, all refreshed.
 *
 * Prints one table with the targets and whether each is met. Exits 1 when a part could not be
 * measured (an entry point failed to load, an orchestration failed, the deadline passed); an
 * unmet target is reported, not an error. Options: see bench-options.ts (`--only=cold|host|step2|load|keepalive`,
 * `--host-cpu-prof=DIR` to write a CPU profile of the host, ...).
 */
import { cpus } from 'node:os';
import * as path from 'node:path';
import type { DurableEngine } from '../local/stack';
import type { ApiLoadRun } from './api-load-report';
import { apiLoadRows, runApiLoadBench } from './api-load-report';
import type { BenchOptions } from './bench-options';
import { parseBenchOptions, REPO_ROOT, SAMPLE_APP } from './bench-options';
import type { ColdLoadOutcome } from './cold-load';
import { measureColdLoad } from './cold-load';
import type { HostLoadResult } from './host-load';
import { measureHostLoad } from './host-load';
import { reexecTrustingLoopbackTls } from './loopback-trust';
import type { KeepAliveBenchResult } from './keep-alive';
import { measureKeepAlive } from './keep-alive';
import { formatTable } from './report-table';
import type { Step2LatencyResult } from './step2-latency';
import { measureStep2Latency } from './step2-latency';
import { engineRunFailure } from './engine-run-failure';
import { logHostWarnings } from './host-warnings';

const TARGETS = {
  coldRatio: 1.3,
  perSecond: 100,
  transactionsPerEpisode: 2,
  step2Ratio: 1.5,
  step2AddedMs: 10,
  keepAlivePerSecond: 17,
  keepAliveCallsPerAccount: 6,
};

const ms = (value: number) => `${value.toFixed(1)} ms`;
const met = (ok: boolean) => (ok ? 'yes' : 'NO');
const log = (line: string) => process.stdout.write(`${line}\n`);

function coldRows(outcome: ColdLoadOutcome, runs: number): string[][] {
  if (outcome.kind === 'skipped')
    return [
      [
        '(a) cold load',
        'SKIPPED: the app has no entry points yet (see above)',
        `≤ ${TARGETS.coldRatio.toFixed(2)}×`,
        '-',
      ],
    ];
  if (outcome.kind === 'failed')
    return [['(a) cold load', 'FAILED (see above)', `≤ ${TARGETS.coldRatio.toFixed(2)}×`, 'NO']];
  const { baseline, app, ratio } = outcome;
  return [
    [
      '(a) bare require(@azure/functions)',
      `median ${ms(baseline.median)} (min ${baseline.min.toFixed(1)}, max ${baseline.max.toFixed(1)}; n=${runs})`,
      '',
      '',
    ],
    [
      `(a) app entry points (${outcome.entryPoints.length} files, ${outcome.functions} fns)`,
      `median ${ms(app.median)} (min ${app.min.toFixed(1)}, max ${app.max.toFixed(1)}; n=${runs})`,
      '',
      '',
    ],
    [
      '(a) cold load ratio app / bare',
      `${ratio.toFixed(2)}× (medians)`,
      `≤ ${TARGETS.coldRatio.toFixed(2)}×`,
      met(ratio <= TARGETS.coldRatio),
    ],
  ];
}

function loadRows(result: HostLoadResult | Error | undefined): string[][] {
  if (result === undefined) return [];
  if (result instanceof Error) return [['(b) host under load', `FAILED: ${result.message.split('\n')[0]}`, '', 'NO']];
  const perEpisode = result.transactions / result.episodes;
  return [
    [
      '(b) throughput',
      `${result.perSecond.toFixed(1)} orch/s (${result.orchestrations} in ${(result.wallMs / 1000).toFixed(2)} s)`,
      `≥ ${TARGETS.perSecond}/s`,
      met(result.perSecond >= TARGETS.perSecond),
    ],
    [
      '(b) start→completion p50 / p99',
      `${result.latencyP50Ms} / ${result.latencyP99Ms} ms (max ${result.latencyMaxMs})`,
      '',
      '',
    ],
    [
      '(b) storage tx / orchestration',
      `${(result.transactions / result.orchestrations).toFixed(2)} (${result.transactions} tx)`,
      '',
      '',
    ],
    [
      '(b) storage tx / episode',
      `${perEpisode.toFixed(2)} (${result.episodes} episodes, ${(result.episodes / result.orchestrations).toFixed(1)}/orch)`,
      `≤ ${TARGETS.transactionsPerEpisode}`,
      met(perEpisode <= TARGETS.transactionsPerEpisode),
    ],
  ];
}

/** One step-2 run: an engine at a stand-in latency; skipped (with the reason) where the reference engine cannot run. */
interface Step2Run {
  engine: DurableEngine;
  standInLatencyMs: number;
  outcome: Step2LatencyResult | Error | { skipped: string };
}

function step2Rows(run: Step2Run): string[][] {
  const target = `≤ ${TARGETS.step2Ratio.toFixed(2)}×`;
  const label = `(c) ${run.engine}, stand-ins +${run.standInLatencyMs} ms/call:`;
  const { outcome } = run;
  if (outcome instanceof Error) return [[`${label} step 2`, `FAILED: ${outcome.message.split('\n')[0]}`, target, 'NO']];
  if ('skipped' in outcome) return [[`${label} step 2`, `SKIPPED: ${outcome.skipped.split('\n')[0]}`, target, '-']];
  const spread = (s: Step2LatencyResult['put']) =>
    `${ms(s.p50)} / ${ms(s.p99)} (min ${s.min.toFixed(1)}, max ${s.max.toFixed(1)}; n=${outcome.samples})`;
  return [
    [`${label} PUT p50 / p99`, spread(outcome.put), '', ''],
    [`${label} floor p50 / p99`, spread(outcome.floor), '', ''],
    [
      `${label} ratio p50 PUT / floor`,
      `${outcome.ratioP50.toFixed(2)}× (p99 ${outcome.ratioP99.toFixed(2)}×)`,
      target,
      met(outcome.ratioP50 <= TARGETS.step2Ratio),
    ],
    // What the orchestration path adds on bare loopback, where the ratio says little (the floor is a few ms).
    ...(run.engine === 'local' && run.standInLatencyMs === 0
      ? [
          [
            `${label} added p50 (PUT − floor)`,
            ms(outcome.put.p50 - outcome.floor.p50),
            `≤ ${TARGETS.step2AddedMs} ms`,
            met(outcome.put.p50 - outcome.floor.p50 <= TARGETS.step2AddedMs),
          ],
        ]
      : []),
  ];
}

async function runStep2(engine: DurableEngine, standInLatencyMs: number, options: BenchOptions): Promise<Step2Run> {
  log(
    `(c) step 2 latency on the ${engine} engine, stand-ins +${standInLatencyMs} ms/call: PUT partner-center-credentials until 200 vs the same calls made directly, ${options.step2Samples} each after ${options.step2Warmups} warm-ups` +
      (options.step2ThinkMs > 0 ? `, each PUT ${options.step2ThinkMs} ms after step 2 is reached` : ''),
  );
  try {
    const result = await measureStep2Latency({
      samples: options.step2Samples,
      warmups: options.step2Warmups,
      standInLatencyMs,
      engine,
      thinkMs: options.step2ThinkMs,
      log,
    });
    const p = result.putSegments;
    const f = result.floorSegments;
    if (p) {
      log(
        `  PUT medians: sent → tenant lookup arrives ${p.untilTenantLookupMs} ms (auth, registration row; the verification starts beside the status read and the Key Vault write); ` +
          `→ token request ${p.untilTokenRequestMs} ms (tenant lookup, MSAL); → Partner Center call ${p.untilPartnerCenterMs} ms (token); ` +
          `→ answer ${p.untilAnswerMs.toFixed(1)} ms (Partner Center, raise event, the episode taking the verdict, status look, audit)`,
      );
    }
    log(
      `  floor medians: Key Vault write ${ms(f.keyVaultWriteMs)}, tenant lookup ${ms(f.tenantLookupMs)}, token ${ms(f.tokenMs)}, Partner Center ${ms(f.partnerCenterMs)}`,
    );
    if (result.storageTransactionsPerPut !== undefined)
      log(
        `  per PUT (medians): ${result.storageTransactionsPerPut} durable storage transactions, ${result.episodesPerPut} episodes`,
      );
    logHostWarnings(log, result.hostWarnings);
    return { engine, standInLatencyMs, outcome: result };
  } catch (error) {
    return { engine, standInLatencyMs, outcome: engineRunFailure(log, 'c', error) };
  }
}

async function runKeepAlive(options: BenchOptions): Promise<KeepAliveBenchResult | Error> {
  log(
    `(e) keep-alive round: ${options.keepAliveAccounts} registered accounts, Entra ID +${options.keepAliveEntraLatencyMs} ms and Key Vault +${options.keepAliveKeyVaultLatencyMs} ms per request`,
  );
  try {
    const r = await measureKeepAlive({
      accounts: options.keepAliveAccounts,
      entraLatencyMs: options.keepAliveEntraLatencyMs,
      keyVaultLatencyMs: options.keepAliveKeyVaultLatencyMs,
      concurrency: options.keepAliveConcurrency,
      pageSize: options.keepAlivePageSize,
      timeoutMs: options.timeoutMs * 10,
      log,
    });
    const calls = r.entraCallsPerAccount + r.keyVaultCallsPerAccount;
    log(
      `keep-alive round: ${r.accounts} accounts in ${r.seconds.toFixed(1)} s, ${r.perSecond.toFixed(1)} accounts/s, ${calls.toFixed(2)} calls/account, peak RSS ${r.peakRssMiB.toFixed(0)} MiB`,
    );
    const cpu = (s?: number) => (s === undefined ? '?' : `${s.toFixed(1)} s`);
    log(
      `  Entra ID ${r.entraCallsPerAccount.toFixed(2)} + Key Vault ${r.keyVaultCallsPerAccount.toFixed(2)} calls/account; ${r.pages} pages; outcomes ${JSON.stringify(r.counts)}; CPU during the round: host ${cpu(r.hostCpuSeconds)}, Azurite ${cpu(r.azuriteCpuSeconds)}`,
    );
    return r;
  } catch (error) {
    log(`  FAILED (e): ${(error as Error).stack ?? String(error)}`);
    return error as Error;
  }
}

function keepAliveRows(result: KeepAliveBenchResult | Error | undefined): string[][] {
  if (result === undefined) return [];
  if (result instanceof Error) return [['(e) keep-alive round', `FAILED: ${result.message.split('\n')[0]}`, '', 'NO']];
  const calls = result.entraCallsPerAccount + result.keyVaultCallsPerAccount;
  const refreshedAll = result.counts.refreshed === result.accounts;
  return [
    [
      `(e) keep-alive, ${result.accounts} accounts`,
      `${result.perSecond.toFixed(1)} accounts/s (${result.seconds.toFixed(1)} s)`,
      `≥ ${TARGETS.keepAlivePerSecond}/s`,
      met(result.perSecond >= TARGETS.keepAlivePerSecond),
    ],
    [
      '(e) Entra ID + Key Vault calls/account',
      calls.toFixed(2),
      `≤ ${TARGETS.keepAliveCallsPerAccount}`,
      met(calls <= TARGETS.keepAliveCallsPerAccount),
    ],
    ['(e) accounts refreshed', `${result.counts.refreshed} of ${result.accounts}`, 'all', met(refreshedAll)],
    ['(e) host peak RSS', `${result.peakRssMiB.toFixed(0)} MiB`, 'flat in N', ''],
  ];
}

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2));
  const runs = (part: NonNullable<typeof options.only>) => options.only === undefined || options.only === part;
  if (runs('step2') || runs('load') || runs('keepalive')) {
    const exitCode = await reexecTrustingLoopbackTls(log);
    if (exitCode !== undefined) return exitCode;
  }
  log(`bench: node ${process.version}, ${cpus().length} cores`);
  let failed = false;

  let cold: ColdLoadOutcome | undefined;
  if (runs('cold')) {
    log(
      `(a) cold load of ${path.relative(REPO_ROOT, options.coldAppRoot) || 'the repo root'}'s entry points vs bare @azure/functions, ${options.coldRuns} runs each`,
    );
    cold = await measureColdLoad(options.coldAppRoot, options.coldRuns, log);
    if (cold.kind === 'skipped') log(`  SKIPPED (a): ${cold.reason}`);
    if (cold.kind === 'failed') {
      failed = true;
      log(`  FAILED (a): entry points ${cold.entryPoints.join(', ')}\n${cold.reason}`);
    }
    if (cold.kind === 'measured') log(`  entry points: ${cold.entryPoints.join(', ')}`);
  }

  let load: HostLoadResult | Error | undefined;
  if (runs('host')) {
    log(
      `(b) host under load (--only=host): ${options.orchestrations} Bench orchestrations, ${options.concurrency} requests in flight`,
    );
    try {
      load = await measureHostLoad({ appRoot: SAMPLE_APP, ...options, log });
      const cpu = load.cpuSeconds;
      const cpuText = (s?: number) => (s === undefined ? '?' : `${s.toFixed(2)} s`);
      log(
        `  submit ${load.submitMs} ms, all seen Completed at ${load.observedMs} ms (${load.monitoringQueries} list queries subtracted from tx)`,
      );
      const r = (x: HostLoadResult['startRequestMs']) => `p50 ${x.p50} / p99 ${x.p99} / max ${x.max} ms`;
      log(
        `  client-side request times: start (HTTP trigger) ${r(load.startRequestMs)}; raiseEvent ${r(load.raiseRequestMs)}`,
      );
      log(
        `  CPU during the run: host ${cpuText(cpu.host)}, Azurite ${cpuText(cpu.azurite)}, bench client ${cpuText(cpu.bench)}, other processes ${cpuText(cpu.other)} (wall ${(load.observedMs / 1000).toFixed(2)} s × ${cpus().length} cores)`,
      );
      logHostWarnings(log, load.hostWarnings);
    } catch (error) {
      failed = true;
      load = error as Error;
      log(`  FAILED (b): ${(error as Error).stack ?? String(error)}`);
    }
  }

  const step2: Step2Run[] = [];
  if (runs('step2')) {
    for (const engine of options.step2Engines) {
      for (const standInLatencyMs of options.step2StandInLatenciesMs) {
        const run = await runStep2(engine, standInLatencyMs, options);
        if (run.outcome instanceof Error) failed = true;
        step2.push(run);
      }
    }
  }

  const apiLoad: ApiLoadRun[] = [];
  if (runs('load')) {
    for (const engine of options.apiLoad.engines) {
      const run = await runApiLoadBench(engine, options.apiLoad, log, options.hostCpuProfileDir);
      if (run.outcome instanceof Error) failed = true;
      apiLoad.push(run);
    }
  }

  let keepAlive: KeepAliveBenchResult | Error | undefined;
  if (runs('keepalive')) {
    keepAlive = await runKeepAlive(options);
    if (keepAlive instanceof Error) failed = true;
  }

  log('');
  log(
    formatTable(
      ['measure', 'result', 'target', 'met'],
      [
        ...(cold ? coldRows(cold, options.coldRuns) : []),
        ...loadRows(load),
        ...step2.flatMap(step2Rows),
        ...apiLoad.flatMap(apiLoadRows),
        ...keepAliveRows(keepAlive),
      ],
    ),
  );
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
