import * as path from 'node:path';
import type { DurableEngine } from '../local/stack';
import type { ApiLoadSettings } from './api-load-options';
import { API_LOAD_USAGE, defaultApiLoadSettings, parseApiLoadOption } from './api-load-options';
import { enginesOption, integerOption, listOf } from './option-values';

/** Command-line options of `node dist/bench/run.js [--flag=value ...]`. */
export interface BenchOptions {
  /** The part to run alone: cold load (a), host under load (b), step 2 latency (c), API load (d), keep-alive (e); absent: all. */
  only?: 'cold' | 'host' | 'step2' | 'load' | 'keepalive';
  coldRuns: number;
  /** App whose entry points (a) loads: the deployment package (dist/package, what Azure loads) by default. */
  coldAppRoot: string;
  orchestrations: number;
  concurrency: number;
  timeoutMs: number;
  pollIntervalMs: number;
  /** NODE_OPTIONS for the host process (Node 20 refuses --cpu-prof there: use hostCpuProfileDir). */
  hostNodeOptions?: string;
  /** File for every instance's final status (JSON). */
  dumpFile?: string;
  /** Directory for a CPU profile of the host process, written when it stops. */
  hostCpuProfileDir?: string;
  /** (c): measured PUTs and floor runs each, after `step2Warmups` discarded ones of each. */
  step2Samples: number;
  step2Warmups: number;
  /** (c): ms the stand-ins add to each tenant lookup, token request and Partner Center call (0: plain loopback); one run per value. */
  step2StandInLatenciesMs: number[];
  /** (c): the Durable engines to run it on, one run per engine and latency (reference: Microsoft's extension). */
  step2Engines: DurableEngine[];
  /**
   * (c): ms between the registration reaching step 2 and the PUT, as a person filling the form (0: at once); the
   * engine's queues go idle meanwhile and their polling backs off, as they do in Azure.
   */
  step2ThinkMs: number;
  /** (d): the API load bench (`--load-*`, see api-load-options.ts). */
  apiLoad: ApiLoadSettings;
  /** (e): registered accounts seeded for one keep-alive round. */
  keepAliveAccounts: number;
  /** (e): ms added to every Entra ID request and every Key Vault request. */
  keepAliveEntraLatencyMs: number;
  keepAliveKeyVaultLatencyMs: number;
  /** (e): KEEP_ALIVE_CONCURRENCY and KEEP_ALIVE_PAGE_SIZE (the product's defaults when absent). */
  keepAliveConcurrency?: number;
  keepAlivePageSize?: number;
}

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SAMPLE_APP = path.join(REPO_ROOT, 'test', 'fixtures', 'sample-app');

const USAGE = `usage: node dist/bench/run.js [--only=cold|host|step2|load|keepalive] [--cold-runs=15] [--cold-app-root=DIR]
  [--orchestrations=500] [--concurrency=64] [--timeout-s=300] [--poll-ms=250] [--host-cpu-prof=DIR] [--dump=FILE] [--host-node-options=...]
  [--step2-samples=30] [--step2-warmups=3] [--step2-stand-in-latency-ms=0,100] [--step2-engines=local,reference] [--step2-think-ms=0]
${API_LOAD_USAGE}
  [--accounts=1000] [--entra-latency-ms=150] [--key-vault-latency-ms=20] [--keep-alive-concurrency=N] [--keep-alive-page-size=N]`;

const positiveInt = (name: string, value: string, max: number, min = 1) => integerOption(name, value, max, min, USAGE);

export function parseBenchOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = {
    coldRuns: 15,
    coldAppRoot: path.join(REPO_ROOT, 'dist', 'package'),
    orchestrations: 500,
    concurrency: 64,
    timeoutMs: 300_000,
    pollIntervalMs: 250,
    hostNodeOptions: process.env.BENCH_HOST_NODE_OPTIONS || undefined,
    step2Samples: 30,
    step2Warmups: 3,
    step2StandInLatenciesMs: [0, 100],
    step2Engines: ['local', 'reference'],
    step2ThinkMs: 0,
    apiLoad: defaultApiLoadSettings(),
    keepAliveAccounts: 1000,
    keepAliveEntraLatencyMs: 150,
    keepAliveKeyVaultLatencyMs: 20,
  };
  for (const arg of argv) {
    const match = /^--([a-z][a-z0-9-]*)=(.*)$/.exec(arg);
    if (!match) throw new Error(`Unknown argument '${arg}'\n${USAGE}`);
    const [, name, value] = match;
    switch (name) {
      case 'only':
        if (value !== 'cold' && value !== 'host' && value !== 'step2' && value !== 'load' && value !== 'keepalive')
          throw new Error(`--only must be cold, host, step2, load or keepalive\n${USAGE}`);
        options.only = value;
        break;
      case 'cold-runs':
        options.coldRuns = positiveInt(name, value, 200);
        break;
      case 'cold-app-root':
        options.coldAppRoot = path.resolve(value);
        break;
      case 'orchestrations':
        options.orchestrations = positiveInt(name, value, 10_000);
        break;
      case 'concurrency':
        options.concurrency = positiveInt(name, value, 1024);
        break;
      case 'timeout-s':
        options.timeoutMs = positiveInt(name, value, 3600) * 1000;
        break;
      case 'poll-ms':
        options.pollIntervalMs = positiveInt(name, value, 10_000);
        break;
      case 'host-node-options':
        options.hostNodeOptions = value || undefined;
        break;
      case 'dump':
        options.dumpFile = path.resolve(value);
        break;
      case 'host-cpu-prof':
        options.hostCpuProfileDir = path.resolve(value);
        break;
      case 'step2-samples':
        options.step2Samples = positiveInt(name, value, 1000);
        break;
      case 'step2-warmups':
        options.step2Warmups = positiveInt(name, value, 100, 0);
        break;
      case 'step2-stand-in-latency-ms':
        options.step2StandInLatenciesMs = listOf(value).map((v) => positiveInt(name, v, 10_000, 0));
        break;
      case 'step2-think-ms':
        options.step2ThinkMs = positiveInt(name, value, 60_000, 0);
        break;
      case 'step2-engines':
        options.step2Engines = enginesOption(name, value, USAGE);
        break;
      case 'accounts':
        options.keepAliveAccounts = positiveInt(name, value, 100_000);
        break;
      case 'entra-latency-ms':
        options.keepAliveEntraLatencyMs = positiveInt(name, value, 10_000, 0);
        break;
      case 'key-vault-latency-ms':
        options.keepAliveKeyVaultLatencyMs = positiveInt(name, value, 10_000, 0);
        break;
      case 'keep-alive-concurrency':
        options.keepAliveConcurrency = positiveInt(name, value, 256);
        break;
      case 'keep-alive-page-size':
        options.keepAlivePageSize = positiveInt(name, value, 1000);
        break;
      default:
        if (name.startsWith('load-')) {
          parseApiLoadOption(options.apiLoad, name, value);
          break;
        }
        throw new Error(`Unknown option --${name}\n${USAGE}`);
    }
  }
  return options;
}
