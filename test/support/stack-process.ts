import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { tableConnectionString } from '../../local/azurite';
import { REPO_ROOT } from '../../local/stack';

/** The whole stack as `npm start` runs it (`dist/local/start.js`, local Durable engine), in a process group of its own. */
export interface StackProcess {
  hostUrl: string;
  apiBaseUrl: string;
  entraUrl: string;
  keyVaultUrl: string;
  inboxUrl: string;
  /** The host's master key (`x-functions-key`), new at every start. */
  masterKey: string;
  /** Everything it printed so far (the host's log included). */
  output(): string;
  /**
   * Waits until Azurite has saved every table write made so far. Azurite keeps its tables in memory and saves them
   * to its folder every 5 seconds (LokiJS's autosave): a crash loses the writes of that window, which is Azurite's
   * behaviour, not the stack's. A marker row written now is on disk once a save holds it, and with it every earlier
   * write (a save serializes the whole database at once).
   */
  tablesSaved(): Promise<void>;
  /** SIGKILL to the whole group (start.js, Azurite, maildev, the host): a crash, nothing gets to save or stop. */
  crash(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The live (not zombie) processes of a process group, read from /proc (Linux). */
function liveMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name (in parentheses, which may hold spaces): state ppid pgrp …
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') members.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

const printed = (output: string, label: RegExp) => {
  const found = label.exec(output)?.[1];
  if (!found) throw new Error(`start.js did not print ${label}:\n${output.slice(-3000)}`);
  return found;
};

/** Starts `node dist/local/start.js` with PORT and DATA_DIR and waits for its banner. */
export async function startStackProcess(options: { port: number; dataDir: string }): Promise<StackProcess> {
  const child: ChildProcess = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'local', 'start.js')], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // The local engine: the reference engine runs Azurite and its .NET host in process groups of their own, which a
    // crash of this group would leave running.
    env: { ...process.env, PORT: String(options.port), DATA_DIR: options.dataDir, DURABLE_ENGINE: 'local' },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const group = child.pid as number;
  const crash = async () => {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // the group is gone already
    }
    await exited;
    while (liveMembers(group).length > 0) await sleep(50);
  };
  const deadline = Date.now() + 90_000;
  while (!output.includes('Press Ctrl-C to stop everything.')) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await crash();
      throw new Error(`start.js did not come up:\n${output.slice(-3000)}`);
    }
    await sleep(100);
  }
  const banner = output.slice(output.lastIndexOf('running locally'));
  const tableEndpoint = printed(banner, /Table Storage +(http\S+)/);
  return {
    hostUrl: `http://127.0.0.1:${options.port}`,
    apiBaseUrl: printed(banner, /API base URL +(http\S+)/),
    entraUrl: printed(banner, /Entra ID +(https\S+)/),
    keyVaultUrl: printed(banner, /Key Vault +(https\S+)/),
    inboxUrl: printed(banner, /Mail inbox +(http\S+)/),
    masterKey: printed(banner, /x-functions-key: ([^']+)'/),
    output: () => output,
    async tablesSaved() {
      const marks = TableClient.fromConnectionString(tableConnectionString(tableEndpoint), 'SaveMarks', {
        allowInsecureConnection: true,
      });
      await marks.createTable();
      const mark = randomUUID();
      await marks.upsertEntity({ partitionKey: 'mark', rowKey: 'mark', mark }, 'Replace');
      const database = path.join(options.dataDir, 'azurite', '__azurite_db_table__.json');
      while (!readFileSync(database, 'utf8').includes(mark)) await sleep(100);
    },
    crash,
  };
}
