/**
 * Preloaded into the host by `--host-cpu-prof=DIR` (NODE_OPTIONS=--require ...; Node 20 refuses
 * --cpu-prof in NODE_OPTIONS): records a V8 CPU profile from startup and writes
 * DIR/host-<pid>.cpuprofile when the process exits (the host exits on SIGTERM).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.once('exit', () => {
    // A session in the same thread answers synchronously, so this completes before the exit.
    session.post('Profiler.stop', (error, result) => {
      if (error) process.stderr.write(`cpu profile: ${error.message}\n`);
      else writeFileSync(path.join(dir, `host-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
