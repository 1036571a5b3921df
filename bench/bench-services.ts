import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { RunningAzurite } from '../local/azurite';
import { startAzurite } from '../local/azurite';
import type { HostProcess } from '../local/host-process';
import { spawnHost } from '../local/host-process';

const STOP_GRACE_MS = 10_000;
const PROFILER = path.join(__dirname, 'cpu-profile-preload.js');

export interface BenchServices {
  url: string;
  masterKey: string;
  hostPid: number;
  azuritePid: number;
  hostOutput(): string;
  /** Stops the host, then Azurite, by their handles; SIGKILLs either if it does not exit in time. Idempotent. */
  stop(): Promise<void>;
}

async function within(stop: () => Promise<void>, kill: () => Promise<void> | void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_GRACE_MS);
  });
  const outcome = await Promise.race([stop().then(() => 'stopped' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') await kill();
}

/** Azurite (in memory, on loopback) and the local Functions host serving `appRoot`, as child processes. */
export async function startBenchServices(options: {
  appRoot: string;
  hubName: string;
  hostNodeOptions?: string;
  hostCpuProfileDir?: string;
}): Promise<BenchServices> {
  const masterKey = randomBytes(16).toString('hex');
  const nodeOptions = [options.hostNodeOptions, options.hostCpuProfileDir ? `--require ${PROFILER}` : undefined]
    .filter(Boolean)
    .join(' ');
  if (options.hostCpuProfileDir) mkdirSync(options.hostCpuProfileDir, { recursive: true });
  const azurite: RunningAzurite = await startAzurite();
  let host: HostProcess;
  try {
    host = await spawnHost({
      appRoot: options.appRoot,
      env: {
        LocalHost__MasterKey: masterKey,
        LocalHost__FunctionKey: randomBytes(16).toString('hex'),
        AzureWebJobsStorage: azurite.connectionString,
        LocalHost__Port: '0',
        SampleHub: options.hubName,
        ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
        ...(options.hostCpuProfileDir ? { BENCH_CPU_PROF_DIR: options.hostCpuProfileDir } : {}),
      },
    });
  } catch (error) {
    await within(
      () => azurite.stop(),
      () => {
        process.kill(azurite.pid, 'SIGKILL');
      },
    );
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    url: host.url,
    masterKey,
    hostPid: host.pid,
    azuritePid: azurite.pid,
    hostOutput: () => host.output(),
    stop() {
      stopping ??= (async () => {
        await within(
          () => host.stop(),
          () => host.kill(),
        );
        await within(
          () => azurite.stop(),
          () => {
            process.kill(azurite.pid, 'SIGKILL');
          },
        );
      })();
      return stopping;
    },
  };
}
