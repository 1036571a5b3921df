/**
 * (d) The keep-alive round at scale: a local stack whose stand-ins answer at a realistic latency, N registered
 * accounts seeded into it (local/seed-registered-accounts.ts), one round run through the timer (Azure's admin API),
 * timed from the run's start to the round's end.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { runKeepAliveRound } from '../local/keep-alive-rounds';
import { seedRegisteredAccounts } from '../local/seed-registered-accounts';
import { startStack } from '../local/stack';
import type { KeepAliveCounts } from '../src/domain/keep-alive-round';
import { processCpuSeconds } from './process-cpu';

export interface KeepAliveBenchOptions {
  accounts: number;
  /** Added to every Entra ID request (token, discovery) and to every Key Vault request. */
  entraLatencyMs: number;
  keyVaultLatencyMs: number;
  /** KEEP_ALIVE_CONCURRENCY and KEEP_ALIVE_PAGE_SIZE; the product's defaults when absent. */
  concurrency?: number;
  pageSize?: number;
  timeoutMs: number;
  log: (line: string) => void;
}

export interface KeepAliveBenchResult {
  accounts: number;
  seconds: number;
  perSecond: number;
  entraCallsPerAccount: number;
  keyVaultCallsPerAccount: number;
  /** The host's peak resident set (VmHWM), MiB. */
  peakRssMiB: number;
  counts: KeepAliveCounts;
  pages: number;
  /** CPU seconds the host and Azurite used during the round. */
  hostCpuSeconds?: number;
  azuriteCpuSeconds?: number;
  seedSeconds: number;
}

/** Peak resident set of a process so far (VmHWM), MiB; NaN where /proc cannot tell. */
function peakRssMiB(pid: number): number {
  try {
    const kB = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kB ? Number(kB) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export async function measureKeepAlive(options: KeepAliveBenchOptions): Promise<KeepAliveBenchResult> {
  const settings: Record<string, string> = {};
  if (options.concurrency) settings.KEEP_ALIVE_CONCURRENCY = String(options.concurrency);
  if (options.pageSize) settings.KEEP_ALIVE_PAGE_SIZE = String(options.pageSize);
  const stack = await startStack({ settings });
  try {
    const seedStart = performance.now();
    await seedRegisteredAccounts(stack, options.accounts);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    options.log(`  seeded ${options.accounts} registered accounts in ${seedSeconds.toFixed(1)} s`);
    stack.entra.faults.inject({ latencyMs: options.entraLatencyMs, count: 1_000_000 });
    stack.keyVault.faults.setLatency(options.keyVaultLatencyMs);
    const entraBefore = stack.entra.faults.served;
    const keyVaultBefore = stack.keyVault.faults.served;
    const cpuBefore = [processCpuSeconds(stack.host.pid), processCpuSeconds(stack.azurite.pid)];
    const started = performance.now();
    const round = await runKeepAliveRound(stack, () => stack.runFunction('TokenKeepAlive'), {
      timeoutMs: options.timeoutMs,
      pollMs: 1000,
    });
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = [processCpuSeconds(stack.host.pid), processCpuSeconds(stack.azurite.pid)];
    if (round.runtimeStatus !== 'Completed' || !round.output)
      throw new Error(`The round ended ${round.runtimeStatus}: ${JSON.stringify(round.output)}`);
    const { counts, pagesDone } = round.output;
    const n = options.accounts;
    const delta = (i: number) =>
      cpuAfter[i] !== undefined && cpuBefore[i] !== undefined
        ? (cpuAfter[i] as number) - (cpuBefore[i] as number)
        : undefined;
    return {
      accounts: n,
      seconds,
      perSecond: n / seconds,
      entraCallsPerAccount: (stack.entra.faults.served - entraBefore) / n,
      keyVaultCallsPerAccount: (stack.keyVault.faults.served - keyVaultBefore) / n,
      peakRssMiB: peakRssMiB(stack.host.pid),
      counts,
      pages: pagesDone,
      hostCpuSeconds: delta(0),
      azuriteCpuSeconds: delta(1),
      seedSeconds,
    };
  } finally {
    await stack.stop();
  }
}
