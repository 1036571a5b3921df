import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../local/free-port';
import { REPO_ROOT } from '../../local/stack';

/** The processes of a process group, read from /proc (Linux): pid → command line. */
function processGroup(pgid: number): Map<number, string> {
  const members = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name (in parentheses, which may hold spaces): state ppid pgrp …
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid)
        members.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `npm start` as a user or a supervisor runs it, stopped by a signal sent to npm alone: everything it started
 * (Azurite, maildev, the stand-ins, the host) must go too, not only on Ctrl-C.
 */
describe('npm start stops everything it started', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'npm-start-data-'));
  let npm: ChildProcess | undefined;
  afterEach(() => {
    // Whatever a failed test left behind: the whole group (the test started npm as a group leader).
    if (npm?.pid) for (const pid of processGroup(npm.pid).keys()) process.kill(pid, 'SIGKILL');
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Starts `npm start` (behind `timeout` when asked) as a process group's leader, then sends `signal` to the leader alone. */
  const startAndSignal = async (signal: NodeJS.Signals, behindTimeout = false) => {
    const port = await freePort();
    const [command, args] = behindTimeout ? ['timeout', ['600', 'npm', 'start']] : ['npm', ['start']];
    npm = spawn(command, args, {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir },
    });
    let output = '';
    npm.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 120_000;
    while (!output.includes('Press Ctrl-C to stop everything.')) {
      if (Date.now() > deadline || npm.exitCode !== null)
        throw new Error(`npm start did not come up:\n${output.slice(-3000)}`);
      await sleep(200);
    }
    const group = npm.pid as number;
    const started = processGroup(group);
    // npm, its shell, start.js, Azurite, maildev and the host at least.
    expect([...started.values()].some((cmd) => /azurite/.test(cmd))).toBe(true);
    expect([...started.values()].some((cmd) => /maildev/.test(cmd))).toBe(true);
    expect([...started.values()].some((cmd) => /durable-host\/main\.js/.test(cmd))).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/admin/host/status`)).status).toBe(200);

    process.kill(group, signal); // to the leader alone (`timeout` passes it on to its whole group)
    const gone = Date.now() + 20_000;
    while (processGroup(group).size > 0 && Date.now() < gone) await sleep(200);
    expect([...processGroup(group).values()]).toEqual([]);
    await expect(fetch(`http://127.0.0.1:${port}/admin/host/status`)).rejects.toThrow();
  };

  it('on SIGTERM to npm alone (a supervisor)', async () => {
    await startAndSignal('SIGTERM');
  });

  it('when `timeout … npm start` runs out (SIGTERM to the whole group)', async () => {
    await startAndSignal('SIGTERM', true);
  });

  it('on SIGHUP to npm alone (npm does not pass it on; its terminal closing sends it to the whole group)', async () => {
    await startAndSignal('SIGHUP');
  });
});
