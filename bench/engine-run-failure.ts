import { ReferenceHostUnavailable } from '../local/durable-reference/reference-host';

/**
 * What a bench part's run on one engine ended with when it threw, said in the log: skipped when the reference host
 * cannot run on this machine, else the failure.
 */
export function engineRunFailure(
  log: (line: string) => void,
  part: string,
  error: unknown,
): { skipped: string } | Error {
  if (error instanceof ReferenceHostUnavailable) {
    log(`  SKIPPED (${part}) on the reference engine: ${error.message}`);
    return { skipped: error.message };
  }
  log(`  FAILED (${part}): ${(error as Error).stack ?? String(error)}`);
  return error as Error;
}
