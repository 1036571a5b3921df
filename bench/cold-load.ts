import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { entryPoints } from '../local/durable-host/app-loader';
import type { ColdLoadSample } from './cold-load-child';
import { RESULT_MARKER } from './cold-load-child';
import type { Summary } from './statistics';
import { median, summarize } from './statistics';

const CHILD = path.join(__dirname, 'cold-load-child.js');
const CHILD_TIMEOUT_MS = 60_000;

export type ColdLoadOutcome =
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; reason: string; entryPoints: string[] }
  | {
      kind: 'measured';
      entryPoints: string[];
      functions: number;
      baseline: Summary;
      app: Summary;
      ratio: number;
      baselineMs: number[];
      appMs: number[];
    };

/** The app's own settings (local.settings.json Values), given to both sides as the host would. */
function appSettings(appRoot: string): Record<string, string> {
  const file = path.join(appRoot, 'local.settings.json');
  if (!existsSync(file)) return {};
  try {
    return (JSON.parse(readFileSync(file, 'utf8')).Values ?? {}) as Record<string, string>;
  } catch {
    return {};
  }
}

function runChild(mode: 'baseline' | 'app', appRoot: string, env: NodeJS.ProcessEnv): Promise<ColdLoadSample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, mode, appRoot], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const line = output.split('\n').find((l) => l.startsWith(`${RESULT_MARKER} `));
      if (!line)
        return reject(new Error(`${mode} child exited with ${code ?? signal} and no result:\n${output.slice(-4000)}`));
      const sample = JSON.parse(line.slice(RESULT_MARKER.length + 1)) as ColdLoadSample;
      if (sample.error) return reject(new Error(`${mode} child failed to load:\n${sample.error}`));
      resolve(sample);
    });
  });
}

/**
 * Cold load of the app's entry points against a bare `require('@azure/functions')`, each in fresh
 * `node` processes, interleaved (the order alternates every round) after one discarded warm-up
 * pair that brings the files into the OS cache.
 */
export async function measureColdLoad(
  appRoot: string,
  runs: number,
  log: (line: string) => void,
): Promise<ColdLoadOutcome> {
  let files: string[];
  try {
    files = entryPoints(appRoot);
  } catch (error) {
    return { kind: 'skipped', reason: `no entry points yet: ${(error as Error).message}` };
  }
  if (files.length === 0)
    return { kind: 'skipped', reason: `no entry points yet: package.json main of ${appRoot} matches no file` };
  const names = files.map((f) => path.relative(appRoot, f));
  const env = { ...appSettings(appRoot), ...process.env };
  const baselineMs: number[] = [];
  const appMs: number[] = [];
  let functions = 0;
  try {
    await runChild('baseline', appRoot, env);
    await runChild('app', appRoot, env);
    for (let i = 0; i < runs; i++) {
      const order: ('baseline' | 'app')[] = i % 2 === 0 ? ['baseline', 'app'] : ['app', 'baseline'];
      for (const mode of order) {
        const sample = await runChild(mode, appRoot, env);
        (mode === 'baseline' ? baselineMs : appMs).push(sample.ms);
        if (mode === 'app') functions = sample.functions;
      }
      log(`  cold load round ${i + 1}/${runs}: baseline ${baselineMs[i].toFixed(1)} ms, app ${appMs[i].toFixed(1)} ms`);
    }
  } catch (error) {
    return { kind: 'failed', reason: (error as Error).message, entryPoints: names };
  }
  return {
    kind: 'measured',
    entryPoints: names,
    functions,
    baselineMs,
    appMs,
    baseline: summarize(baselineMs),
    app: summarize(appMs),
    ratio: median(appMs) / median(baselineMs),
  };
}
