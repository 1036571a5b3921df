/**
 * One cold-load sample, run by cold-load.ts in a fresh `node` process:
 *   node dist/bench/cold-load-child.js baseline|app <appRoot>
 * Installs the functions-core shim first (so `@azure/functions` is out of test mode on both sides),
 * then times, with process.hrtime, either `require('@azure/functions')` (baseline) or requiring every
 * entry point of the app (app). Prints one `COLD_LOAD_RESULT {json}` line and exits.
 */
import { entryPoints } from '../local/durable-host/app-loader';
import { FunctionRegistry, installFunctionsCoreShim } from '../local/durable-host/functions-core-shim';

export const RESULT_MARKER = 'COLD_LOAD_RESULT';

export interface ColdLoadSample {
  ms: number;
  /** Functions registered through the shim while loading. */
  functions: number;
  error?: string;
}

function main(): void {
  const [mode, appRoot] = process.argv.slice(2);
  const registry = new FunctionRegistry();
  installFunctionsCoreShim(registry);
  const files = mode === 'app' ? entryPoints(appRoot) : [];
  const started = process.hrtime.bigint();
  if (mode === 'baseline') require('@azure/functions');
  else if (mode === 'app') for (const file of files) require(file);
  else throw new Error(`Unknown mode '${mode}' (expected baseline or app)`);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  report({ ms, functions: registry.functions.size });
}

function report(sample: ColdLoadSample): void {
  process.stdout.write(`\n${RESULT_MARKER} ${JSON.stringify(sample)}\n`);
}

if (require.main === module) {
  try {
    main();
    process.exit(0);
  } catch (error) {
    report({ ms: NaN, functions: 0, error: (error as Error)?.stack ?? String(error) });
    process.exit(1);
  }
}
