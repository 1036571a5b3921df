import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export interface HostProcess {
  url: string;
  pid: number;
  /** Everything the host printed, for assertions that nothing secret was logged. */
  output(): string;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

const MAIN = path.join(__dirname, 'durable-host', 'main.js');

/** The local Functions host as a child process, as `func start` would run it. */
export async function spawnHost(options: {
  appRoot: string;
  env: Record<string, string>;
  echo?: boolean;
}): Promise<HostProcess> {
  const child: ChildProcess = spawn(process.execPath, [MAIN, options.appRoot], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (options.echo) process.stdout.write(chunk);
      const ready = /LOCAL_HOST_READY (\S+)/.exec(output);
      if (ready) resolve(ready[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`Host exited with ${code} before it was ready:\n${output}`)));
  });
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return {
    url,
    pid: child.pid as number,
    output: () => output,
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
  };
}
