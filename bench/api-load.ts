import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Polling, RegisteringOrganization } from '../local/registration-driver';
import { registerOrganization, RegistrationStepError } from '../local/registration-driver';
import type { DurableEngine, Stack } from '../local/stack';
import { startStack } from '../local/stack';
import { generatePartners } from '../local/stand-ins/generated-partners';
import type { ApiLoadSettings, LatencyRange, StandInLatencies } from './api-load-options';
import { runBounded } from '../src/app/run-bounded';
import { machineBusySeconds, ownCpuSeconds, processCpuSeconds } from './process-cpu';
import { stopWithin } from './step2-latency';
import { warningLines } from './host-warnings';

/** The admin's page when the checks outlast its wait (CONSENT_VERDICT_WAIT_SECONDS): the registration goes on. */
const CONSENT_RECEIVED = 'Consent received';

export const LOAD_STEPS = ['step 1', 'step 2', 'step 3', 'consent', 'registration'] as const;
export type LoadStep = (typeof LOAD_STEPS)[number];

/** An unexpected answer: which organization, at which step, and what was answered. */
export interface LoadError {
  organization: string;
  step: string;
  reason: string;
}

export interface LoadRun {
  organizations: number;
  /** Registrations whose account GET /api/payer-account answered, with the organization's own tenant and app. */
  registered: number;
  errors: LoadError[];
  /** Each step's times, ms, over the registrations that got through it; `registration` is step 1 to registered. */
  stepMs: Record<LoadStep, number[]>;
  /** The titles of the pages the admins saw after Microsoft's redirect, counted. */
  adminPages: Record<string, number>;
  /**
   * Answers the API gives by design when Microsoft's checks outlast its wait, not errors but the person waits on:
   * step 2's 202 (the wizard then reads the registration until verified), the admin's 'Consent received' page.
   */
  late: { step2Pending: number; consentReceived: number };
  /** The first request sent → the last registration settled. */
  wallMs: number;
  /** Answers from the host (the API's and the admin's pages), of which `polls` were looks while waiting for a state. */
  answers: number;
  polls: number;
}

export interface Caller {
  organization: RegisteringOrganization;
  token: string;
}

/**
 * Registers every caller's organization at once through the API (registration-driver.ts: steps 1 to 3, the admin's
 * consent and the callback), each on its own; collects each step's time and every unexpected answer with its reason.
 */
export async function driveRegistrations(
  stack: Pick<Stack, 'apiBaseUrl' | 'entra'>,
  callers: Caller[],
  options: { polling: Polling; requestTimeoutMs: number },
): Promise<LoadRun> {
  const run: LoadRun = {
    organizations: callers.length,
    registered: 0,
    errors: [],
    stepMs: Object.fromEntries(LOAD_STEPS.map((step) => [step, []])) as unknown as LoadRun['stepMs'],
    adminPages: {},
    late: { step2Pending: 0, consentReceived: 0 },
    wallMs: 0,
    answers: 0,
    polls: 0,
  };
  const started = performance.now();
  await Promise.all(
    callers.map(async ({ organization, token }) => {
      const failed = (step: string, reason: string) =>
        run.errors.push({ organization: organization.domain, step, reason });
      const t0 = performance.now();
      try {
        const { account, adminPage, step2Pending, unexpected } = await registerOrganization(
          stack,
          organization,
          token,
          {
            polling: options.polling,
            requestTimeoutMs: options.requestTimeoutMs,
            onStep: (step, ms) => run.stepMs[step].push(ms),
            onAnswer: ({ poll }) => {
              run.answers += 1;
              if (poll) run.polls += 1;
            },
          },
        );
        for (const wrong of unexpected) failed(wrong.step, wrong.reason);
        run.adminPages[adminPage] = (run.adminPages[adminPage] ?? 0) + 1;
        if (step2Pending) run.late.step2Pending += 1;
        if (adminPage === CONSENT_RECEIVED) run.late.consentReceived += 1;
        if (account?.tenantId !== organization.tenantId || account?.applicationId !== organization.applicationId) {
          failed('registration', `GET /api/payer-account answered another account: ${JSON.stringify(account)}`);
          return;
        }
        run.registered += 1;
        run.stepMs.registration.push(performance.now() - t0);
        if (adminPage !== 'Registered' && adminPage !== CONSENT_RECEIVED)
          failed('consent', `the admin's page said '${adminPage}', not 'Registered'`);
      } catch (error) {
        if (error instanceof RegistrationStepError) failed(error.step, error.reason);
        else failed('(driver)', error instanceof Error ? error.message : String(error));
      }
    }),
  );
  run.wallMs = performance.now() - started;
  return run;
}

const PROFILER = path.join(__dirname, 'cpu-profile-preload.js');
const TOKEN = '^POST /[^/]+/oauth2/v2\\.0/token$';
const ALWAYS = 1_000_000;

/** Stand-in calls counted over a window: Entra ID's token requests, the Partner Center and Partner API calls. */
export interface StandInCalls {
  entraTokens: number;
  partnerCenter: number;
  partnerApi: number;
}

/**
 * Makes the stand-ins answer at `latencies` from now on (Key Vault through its own latency setting, the others through
 * latency-only fault rules, which also count the requests they delay); answers a counter of the calls so far.
 */
export function slowStandIns(stack: Stack, latencies: StandInLatencies): () => StandInCalls {
  const spread = (range: LatencyRange) => ({ latencyMs: range.minMs, latencyMaxMs: range.maxMs, count: ALWAYS });
  const token = stack.entra.faults.inject({ match: TOKEN, ...spread(latencies.entraToken) });
  stack.entra.faults.inject({ ...spread(latencies.entraMetadata) });
  stack.keyVault.faults.setLatency(latencies.keyVault.minMs, latencies.keyVault.maxMs);
  const partnerCenter = stack.partnerCenter.faults.inject(spread(latencies.partnerCenter));
  const partnerApi = stack.partnerApi.faults.inject(spread(latencies.partnerCenter));
  const hits = (rules: { id: string; hits: number }[], id: string) => rules.find((r) => r.id === id)?.hits ?? 0;
  return () => ({
    entraTokens: hits(stack.entra.faults.rules(), token.id),
    partnerCenter: hits(stack.partnerCenter.faults.rules(), partnerCenter.id),
    partnerApi: hits(stack.partnerApi.faults.rules(), partnerApi.id),
  });
}

export interface ApiLoadResult {
  engine: DurableEngine;
  run: LoadRun;
  /** Per registration (measured window), averaged over the organizations. */
  callsPerRegistration: StandInCalls;
  /** CPU seconds over the measured window; `other` is everything else the machine ran meanwhile. */
  cpuSeconds: { host?: number; azurite?: number; referenceHost?: number; bench: number; other?: number };
  hostWarnings: string[];
}

interface CpuSnapshot {
  host?: number;
  azurite?: number;
  referenceHost?: number;
  bench: number;
  machine?: number;
}

const cpuNow = (stack: Stack): CpuSnapshot => ({
  host: processCpuSeconds(stack.host.pid),
  azurite: processCpuSeconds(stack.azurite.pid),
  referenceHost: stack.reference ? processCpuSeconds(stack.reference.pid) : undefined,
  bench: ownCpuSeconds(),
  machine: machineBusySeconds(),
});

const minus = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : a - b);

/**
 * (d) `settings.organizations` CSP partners (generated fixtures: each its own tenant, app and admin) registering at
 * once through the API of a stack on `engine`, the stand-ins answering at `settings.latencies`. One more partner registers
 * first, alone and outside the measured window, to warm the host up. Throws when the stack cannot run or the warm-up
 * registration fails; unexpected answers in the measured run are its `errors`. With `hostCpuProfileDir`, the host
 * writes a CPU profile of the whole run there (bench/cpu-profile-summary.ts reads it).
 */
export async function measureApiLoad(
  engine: DurableEngine,
  settings: ApiLoadSettings,
  log: (line: string) => void,
  hostCpuProfileDir?: string,
): Promise<ApiLoadResult> {
  const generated = generatePartners(settings.organizations + 1);
  if (hostCpuProfileDir) mkdirSync(hostCpuProfileDir, { recursive: true });
  const stack = await startStack({
    engine,
    fixtures: { entra: generated.entra, partnerCenter: generated.partnerCenter },
    // The same preload as (b)'s --host-cpu-prof: the host writes DIR/host-<pid>.cpuprofile when it stops.
    hostEnv: hostCpuProfileDir
      ? { NODE_OPTIONS: `--require ${PROFILER}`, BENCH_CPU_PROF_DIR: hostCpuProfileDir }
      : undefined,
  });
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopWithin(stack, 15_000));
  const onSignal = () => void stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    log(
      `  ${engine} engine: host ${stack.host.url} (pid ${stack.host.pid}), Azurite pid ${stack.azurite.pid}` +
        (stack.reference ? `, reference host pid ${stack.reference.pid}` : '') +
        '; stand-ins in this process',
    );
    const callers = await runBounded(generated.partners.length, 8, async (i) => ({
      organization: generated.partners[i],
      token: await stack.tokenFor(generated.partners[i].admin),
    }));
    const calls = slowStandIns(stack, settings.latencies);
    const options = {
      polling: { firstMs: settings.pollMs.minMs, maxMs: settings.pollMs.maxMs, timeoutMs: settings.timeoutMs },
      requestTimeoutMs: settings.timeoutMs,
    };
    const warmUp = await driveRegistrations(stack, callers.slice(-1), options);
    if (warmUp.errors.length > 0) throw new Error(`the warm-up registration failed: ${JSON.stringify(warmUp.errors)}`);
    log(`  warm-up: one registration alone in ${(warmUp.wallMs / 1000).toFixed(2)} s`);
    const callsBefore = calls();
    const cpuBefore = cpuNow(stack);
    const run = await driveRegistrations(stack, callers.slice(0, -1), options);
    const cpuAfter = cpuNow(stack);
    const callsAfter = calls();
    const perRegistration = (key: keyof StandInCalls) => (callsAfter[key] - callsBefore[key]) / run.organizations;
    const spent = {
      host: minus(cpuAfter.host, cpuBefore.host),
      azurite: minus(cpuAfter.azurite, cpuBefore.azurite),
      referenceHost: minus(cpuAfter.referenceHost, cpuBefore.referenceHost),
      bench: cpuAfter.bench - cpuBefore.bench,
    };
    const machine = minus(cpuAfter.machine, cpuBefore.machine);
    const ours = (spent.host ?? 0) + (spent.azurite ?? 0) + (spent.referenceHost ?? 0) + spent.bench;
    return {
      engine,
      run,
      callsPerRegistration: {
        entraTokens: perRegistration('entraTokens'),
        partnerCenter: perRegistration('partnerCenter'),
        partnerApi: perRegistration('partnerApi'),
      },
      cpuSeconds: { ...spent, other: machine === undefined ? undefined : Math.max(0, machine - ours) },
      hostWarnings: warningLines(stack.host.output()),
    };
  } catch (error) {
    const output = stack.host.output();
    if (output) log(`  host output (last 3000 chars):\n${output.slice(-3000)}`);
    throw error;
  } finally {
    await stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
