import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import * as path from 'node:path';
import { ensureLoopbackTls } from '../local/tls';

/** Set on the re-executed bench only, so it knows the variable was ours and never re-executes again. */
const MARKER = 'BENCH_LOOPBACK_CA_ADDED';
/** The variable's value before the re-execution, if it had one. */
const ORIGINAL = 'BENCH_ORIGINAL_NODE_EXTRA_CA_CERTS';

/**
 * Node reads NODE_EXTRA_CA_CERTS once, at start-up, so a bench that calls the HTTPS stand-ins
 * itself (step 2's floor) must be started with it. Resolves to undefined when this process already
 * trusts the loopback certificate; otherwise runs this same script again in a child process with
 * the variable set (stdio shared, SIGINT/SIGTERM forwarded as SIGTERM) and resolves to its exit code.
 *
 * The re-executed bench puts the variable back as it was in its own environment (its certificate
 * store keeps the loopback certificate): the processes it spawns, the cold-load children and the
 * hosts, start as they would without step 2, and the stack hands the variable to its own children.
 */
export async function reexecTrustingLoopbackTls(log: (line: string) => void): Promise<number | undefined> {
  const { certPath } = await ensureLoopbackTls();
  if (process.env[MARKER] === '1') {
    const original = process.env[ORIGINAL];
    delete process.env[MARKER];
    delete process.env[ORIGINAL];
    if (original === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = original;
    return undefined;
  }
  const current = process.env.NODE_EXTRA_CA_CERTS;
  if (current && path.resolve(current) === certPath) return undefined;
  // Node takes a single file: this process talks only to loopback, so it trusts only the loopback certificate.
  if (current)
    log(
      `bench: NODE_EXTRA_CA_CERTS names ${current}, not the loopback certificate; this process uses ${certPath} instead (its children keep ${current})`,
    );
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath, [MARKER]: '1', ...(current ? { [ORIGINAL]: current } : {}) },
  });
  // Ctrl-C reaches the child from the terminal as well; it stops its stack on either signal.
  const forward = () => void (child.exitCode === null && child.signalCode === null && child.kill('SIGTERM'));
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    });
  } finally {
    process.removeListener('SIGINT', forward);
    process.removeListener('SIGTERM', forward);
  }
}
