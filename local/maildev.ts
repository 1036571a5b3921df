/**
 * MailDev — LOCAL DEV AND TEST ONLY: an SMTP catcher with a web inbox, so a person running the local stack can
 * read the mail the app sends (through the SMTP adapter, or through the ACS Email stand-in, which forwards to
 * it) and click its links.
 *
 * Started as `process.execPath <maildev bin> --smtp P --ip 127.0.0.1 --web W --web-ip 127.0.0.1
 * --mail-directory <own temp dir, or the folder kept> --silent` — not through npx (an npx wrapper would leave MailDev
 * orphaned when killed) — from a temp working directory with the `MAILDEV_*` variables removed, so no `.maildevrc.json` /
 * `maildev.config.*` of the checkout or the environment changes it. MailDev 3 makes no outbound connection
 * unless relaying is configured (it is not). Its REST API (verified on 3.0.0, @maildev/api):
 * `GET /api/healthz` → `true`; `GET /api/email?sort=asc|desc&limit=&skip=&<dotted.field>=<exact value>` → the
 * parsed messages (`subject`, `from`/`to`/`cc` as `[{address, name}]`, `text`, `html`, `envelope`, `time`…);
 * `DELETE /api/email/all`. Ports must be 1–65535 (MailDev refuses 0), so free ports are picked first and the
 * start is retried on a lost race.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort, waitFor } from './free-port';

export interface MaildevAddress {
  address: string;
  name: string;
}

/** A message as MailDev parsed it (the fields the app and its tests need). */
export interface MaildevMessage {
  id: string;
  subject: string;
  from: MaildevAddress[];
  to: MaildevAddress[];
  cc: MaildevAddress[];
  /** Every SMTP recipient (to, cc and bcc), lower-cased. */
  envelopeTo: string[];
  text: string;
  html: string;
  /** Header names lower-cased, as MailDev gives them. */
  headers: Record<string, unknown>;
  /** Arrival, ISO 8601. */
  time: string;
}

export interface Maildev {
  smtpHost: '127.0.0.1';
  smtpPort: number;
  /** `http://127.0.0.1:PORT` — the web inbox; its REST API is under `/api`. */
  webUrl: string;
  pid: number;
  /** Messages in arrival order; with `to`, only those with that recipient (to, cc or bcc; case-insensitive). */
  messages(to?: string): Promise<MaildevMessage[]>;
  /** Polls until at least `count` (default 1) messages for `to` have arrived; answers them. */
  waitForMessages(to: string, options?: { count?: number; timeoutMs?: number }): Promise<MaildevMessage[]>;
  /** Empties the inbox. */
  clear(): Promise<void>;
  /** SIGTERM to the PID (SIGKILL after 5 s), then removes its working folder (and mail, unless kept in `mailDirectory`). */
  stop(): Promise<void>;
}

export interface MaildevOptions {
  /** Default: free ports. */
  smtpPort?: number;
  webPort?: number;
  /** ms to wait for readiness (default 20 s). */
  startTimeoutMs?: number;
  /** Keep the mail in this folder, where the next start finds it again. Default: a temp folder removed on stop. */
  mailDirectory?: string;
}

/**
 * The `maildev` bin script. `require.resolve('maildev')` cannot find it: maildev 3 is ESM-only and its
 * `exports` map has only an `import` condition (and does not export package.json), so CommonJS resolution of
 * any of its subpaths fails with ERR_PACKAGE_PATH_NOT_EXPORTED. The package directory is looked up along
 * `require.resolve.paths('maildev')` (the same node_modules search) and its `bin` read from package.json.
 */
export function resolveMaildevBin(): string {
  for (const dir of require.resolve.paths('maildev') ?? []) {
    const pkgPath = path.join(dir, 'maildev', 'package.json');
    if (!existsSync(pkgPath)) continue;
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { bin?: string | Record<string, string> };
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.maildev;
    if (bin) return path.resolve(path.dirname(pkgPath), bin);
  }
  throw new Error('maildev is not installed (npm install --save-dev maildev@3)');
}

export async function startMaildev(options: MaildevOptions = {}): Promise<Maildev> {
  const attempts = options.smtpPort !== undefined && options.webPort !== undefined ? 1 : 3;
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await startOnce(options);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

async function startOnce(options: MaildevOptions): Promise<Maildev> {
  const smtpPort = options.smtpPort ?? (await freePort());
  let webPort = options.webPort ?? (await freePort());
  while (webPort === smtpPort) webPort = await freePort();
  const workDir = mkdtempSync(path.join(tmpdir(), 'maildev-'));
  const mailDir = options.mailDirectory ?? path.join(workDir, 'mail');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MAILDEV_')));
  const child = spawn(
    process.execPath,
    [
      resolveMaildevBin(),
      '--smtp',
      String(smtpPort),
      '--ip',
      '127.0.0.1',
      '--web',
      String(webPort),
      '--web-ip',
      '127.0.0.1',
      '--mail-directory',
      mailDir,
      '--silent',
    ],
    { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => ((exited = { code, signal }), resolve())),
  );
  const webUrl = `http://127.0.0.1:${webPort}`;

  const stop = async () => {
    if (exited === undefined && child.pid !== undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => exited === undefined && child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(workDir, { recursive: true, force: true });
  };

  try {
    if (child.pid === undefined) throw new Error('maildev could not be spawned');
    await waitFor(
      async () => {
        if (exited) throw new Error(`maildev exited (${exited.code ?? exited.signal}): ${output.trim()}`);
        const res = await fetch(`${webUrl}/api/healthz`, { signal: AbortSignal.timeout(1_000) });
        return res.ok && (await smtpAnswers(smtpPort));
      },
      `maildev on SMTP ${smtpPort} / web ${webPort}`,
      options.startTimeoutMs ?? 20_000,
    );
    if (exited) throw new Error(`maildev exited (${exited.code ?? exited.signal}): ${output.trim()}`);
  } catch (err) {
    await stop();
    throw err;
  }

  const messages = async (to?: string): Promise<MaildevMessage[]> => {
    const res = await fetch(`${webUrl}/api/email?sort=asc`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`maildev GET /api/email: HTTP ${res.status}`);
    const all = ((await res.json()) as RawEmail[]).map(toMessage);
    if (to === undefined) return all;
    const wanted = to.toLowerCase();
    return all.filter(
      (m) => m.envelopeTo.includes(wanted) || [...m.to, ...m.cc].some((a) => a.address.toLowerCase() === wanted),
    );
  };

  return {
    smtpHost: '127.0.0.1',
    smtpPort,
    webUrl,
    pid: child.pid!,
    messages,
    async waitForMessages(to, waitOptions = {}) {
      const count = waitOptions.count ?? 1;
      let found: MaildevMessage[] = [];
      await waitFor(
        async () => (found = await messages(to)).length >= count,
        `${count} message(s) to ${to} in maildev`,
        waitOptions.timeoutMs ?? 10_000,
      );
      return found;
    },
    async clear() {
      const res = await fetch(`${webUrl}/api/email/all`, { method: 'DELETE', signal: AbortSignal.timeout(5_000) });
      if (!res.ok) throw new Error(`maildev DELETE /api/email/all: HTTP ${res.status}`);
    },
    stop,
  };
}

/** Does something answer SMTP (a `220` greeting) on the port? */
function smtpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (chunk: Buffer) => done(chunk.toString('utf8').startsWith('220')));
  });
}

interface RawEmail {
  id: string;
  subject?: string;
  from?: MaildevAddress[];
  to?: MaildevAddress[];
  cc?: MaildevAddress[];
  envelope?: { to?: Array<{ address: string }> };
  text?: string;
  html?: string;
  headers?: Record<string, unknown>;
  time?: string;
}

function toMessage(raw: RawEmail): MaildevMessage {
  return {
    id: raw.id,
    subject: raw.subject ?? '',
    from: raw.from ?? [],
    to: raw.to ?? [],
    cc: raw.cc ?? [],
    envelopeTo: (raw.envelope?.to ?? []).map((a) => a.address.toLowerCase()),
    text: raw.text ?? '',
    html: raw.html ?? '',
    headers: raw.headers ?? {},
    time: raw.time ?? '',
  };
}
