import type { DurableEngine } from '../local/stack';
import type { ApiLoadResult, LoadStep } from './api-load';
import { LOAD_STEPS, measureApiLoad } from './api-load';
import type { ApiLoadSettings, LatencyRange } from './api-load-options';
import { percentile } from './statistics';
import { engineRunFailure } from './engine-run-failure';
import { logHostWarnings } from './host-warnings';

/** One (d) run: an engine; skipped (with the reason) where the reference engine cannot run. */
export interface ApiLoadRun {
  engine: DurableEngine;
  organizations: number;
  outcome: ApiLoadResult | Error | { skipped: string };
}

const STEP_LABELS: Record<LoadStep, string> = {
  'step 1': 'step 1: POST until step 2 opens',
  'step 2': 'step 2: PUT credentials until 200',
  'step 3': 'step 3: PUT until the link, awaiting consent',
  consent: "consent: link → Entra → callback page (admin's wait)",
  registration: 'whole registration, step 1 → registered',
};

const range = (r: LatencyRange) => (r.minMs === r.maxMs ? `${r.minMs} ms` : `${r.minMs}–${r.maxMs} ms`);
const seconds = (s?: number) => (s === undefined ? '?' : `${s.toFixed(1)} s`);
const ms = (values: number[], p: number) => (values.length === 0 ? '-' : `${Math.round(percentile(values, p))}`);

/** Runs (d) on one engine, logging as it goes; a reference engine the machine cannot build is reported as skipped. */
export async function runApiLoadBench(
  engine: DurableEngine,
  settings: ApiLoadSettings,
  log: (line: string) => void,
  hostCpuProfileDir?: string,
): Promise<ApiLoadRun> {
  const { latencies: l } = settings;
  log(
    `(d) API load on the ${engine} engine: ${settings.organizations} organizations registering at once (steps 1–3, the admin's consent), ` +
      `stand-ins at Entra ID tokens ${range(l.entraToken)}, Entra ID metadata ${range(l.entraMetadata)}, Key Vault ${range(l.keyVault)}, ` +
      `Partner Center ${range(l.partnerCenter)} per request; waits poll every ${range(settings.pollMs)} (doubling)`,
  );
  const organizations = settings.organizations;
  try {
    const result = await measureApiLoad(engine, settings, log, hostCpuProfileDir);
    const { run, cpuSeconds: cpu, callsPerRegistration: calls } = result;
    for (const step of LOAD_STEPS) {
      const values = run.stepMs[step];
      log(
        `  ${STEP_LABELS[step]}: p50 ${ms(values, 50)} / p99 ${ms(values, 99)} / max ${ms(values, 100)} ms (n=${values.length})`,
      );
    }
    log(
      `  ${run.registered} registered in ${(run.wallMs / 1000).toFixed(2)} s; ${run.answers} answers from the host (${run.polls} of them looks while waiting); admin pages ${JSON.stringify(run.adminPages)}`,
    );
    log(
      `  stand-in calls per registration: ${calls.entraTokens.toFixed(1)} Entra ID token requests, ${calls.partnerCenter.toFixed(1)} Partner Center, ${calls.partnerApi.toFixed(1)} Partner API`,
    );
    log(
      `  CPU during the run: host ${seconds(cpu.host)}, Azurite ${seconds(cpu.azurite)}` +
        (engine === 'reference' ? `, reference host ${seconds(cpu.referenceHost)}` : '') +
        `, this process (client and stand-ins) ${seconds(cpu.bench)}, other processes ${seconds(cpu.other)} (wall ${(run.wallMs / 1000).toFixed(1)} s)`,
    );
    log(
      `  answered late by design (not errors): step 2's 202 (verification over PARTNER_CENTER_VERIFY_WAIT_SECONDS) ${run.late.step2Pending}, ` +
        `the admin's 'Consent received' page (checks over CONSENT_VERDICT_WAIT_SECONDS) ${run.late.consentReceived}`,
    );
    log(`  errors: ${run.errors.length}`);
    for (const error of run.errors) log(`    ${error.organization} at ${error.step}: ${error.reason}`);
    logHostWarnings(log, result.hostWarnings);
    return { engine, organizations, outcome: result };
  } catch (error) {
    return { engine, organizations, outcome: engineRunFailure(log, 'd', error) };
  }
}

/** The table's rows for one (d) run: errors against 0, p50/p99 per step, the host's throughput. */
export function apiLoadRows(entry: ApiLoadRun): string[][] {
  const label = `(d) ${entry.engine}, ${entry.organizations} orgs at once:`;
  const { outcome } = entry;
  if (outcome instanceof Error) return [[`${label} API load`, `FAILED: ${outcome.message.split('\n')[0]}`, '', 'NO']];
  if ('skipped' in outcome) return [[`${label} API load`, `SKIPPED: ${outcome.skipped.split('\n')[0]}`, '', '-']];
  const { run } = outcome;
  const wallS = run.wallMs / 1000;
  return [
    [
      `${label} errors`,
      `${run.errors.length} (${run.registered} of ${run.organizations} registered)`,
      '0',
      run.errors.length === 0 ? 'yes' : 'NO',
    ],
    ...LOAD_STEPS.map((step) => [
      `${label} ${STEP_LABELS[step]}, p50 / p99`,
      `${ms(run.stepMs[step], 50)} / ${ms(run.stepMs[step], 99)} ms`,
      'reported',
      '',
    ]),
    [
      `${label} late answers (by design)`,
      `step 2 answered 202: ${run.late.step2Pending}; admin's page 'Consent received': ${run.late.consentReceived}`,
      'reported',
      '',
    ],
    [
      `${label} throughput`,
      `${(run.registered / wallS).toFixed(2)} registrations/s, ${(run.answers / wallS).toFixed(0)} requests/s (${run.polls} of ${run.answers} polls; ${wallS.toFixed(1)} s)`,
      'reported',
      '',
    ],
  ];
}
