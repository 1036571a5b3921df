import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import * as path from 'node:path';

const RESTORE = path.resolve(__dirname, '..', '..', '..', 'local', 'durable-reference', 'restore.sh');
/** The host gives up draining after 5 s (HostOptions.ShutdownTimeout); past this it is killed. */
const STOP_GRACE_MS = 10_000;
/**
 * Lines not echoed: the binding data (it carries the system key) and the start-up and shutdown banner of the
 * extension's local RPC listener, an ASP.NET Core host of its own that logs apart from the host's console settings.
 */
const QUIET =
  /^(DURABLE_REFERENCE_CLIENT |info: Microsoft\.Hosting\.Lifetime|\s+(Now listening on|Application started|Application is shutting down|Hosting environment|Content root path))/;

/** The machine cannot run the reference host (no .NET SDK, NuGet unreachable): restore.sh's exit 3 and its reason. */
export class ReferenceHostUnavailable extends Error {}

/**
 * Restores and builds the reference host for an app (local/durable-reference/restore.sh --build), with the stubs of
 * that app's orchestrators and activities; resolves with the host's DLL. Rejects with ReferenceHostUnavailable when
 * the machine cannot (the reason in the message).
 */
export function buildReferenceHost(appRoot: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [RESTORE, '--build', appRoot], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout.trim().split('\n').pop() as string);
      const reason = stderr.trim().split('\n').pop() ?? String(error);
      reject(error.code === 3 ? new ReferenceHostUnavailable(reason) : new Error(`${RESTORE} failed:\n${stderr}`));
    });
  });
}

export interface ReferenceHostOptions {
  dll: string;
  appRoot: string;
  /** App settings the extension reads: AzureWebJobsStorage, the task hub name's setting, FUNCTIONS_WORKER_RUNTIME… */
  settings: Record<string, string>;
  /** The local host's public origin, whose durable webhooks pass requests on to the extension. */
  publicOrigin: string;
  /** The system key the webhooks ask for (`code`), which the extension puts in its links. */
  systemKey: string;
  /** The local host's bridge, which the stubs call. */
  bridgeUrl: string;
  bridgeKey: string;
  /** Print the host's log lines (prefixed). */
  echo?: boolean;
  /** The console's minimum level (Warning by default). */
  logLevel?: string;
  /** Tests only: the Azure Storage provider's long-timer thresholds shrunk (see LongTimerSettings in local/stack). */
  longTimers?: { maximumShortTimer: string; interval: string };
}

export interface ReferenceHost {
  pid: number;
  /** The durable client binding data the extension issued (`[DurableClient] string`), with its rpcBaseUrl. */
  clientData: string;
  /** The extension's local RPC endpoint (rpcBaseUrl), read from the binding data. */
  rpcBaseUrl: string;
  /** How long it took from spawning the process to the extension's readiness. */
  startMs: number;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the reference host (`dotnet DurableReferenceHost.dll`) and waits for its client binding data. */
export async function startReferenceHost(options: ReferenceHostOptions): Promise<ReferenceHost> {
  const started = Date.now();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.settings,
    DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    DOTNET_NOLOGO: '1',
    DurableReference__HostJson: path.join(options.appRoot, 'host.json'),
    DurableReference__WebhookUrl: `${options.publicOrigin}/runtime/webhooks/durabletask?code=${encodeURIComponent(options.systemKey)}`,
    DurableReference__BridgeUrl: options.bridgeUrl,
    DurableReference__BridgeKey: options.bridgeKey,
    DurableReference__LogLevel: options.logLevel ?? 'Warning',
    DurableReference__ParentPid: String(process.pid),
    ...(options.longTimers && {
      DurableReference__MaximumDelayTime: options.longTimers.maximumShortTimer,
      DurableReference__LongRunningTimerInterval: options.longTimers.interval,
    }),
  };
  // It would make the extension believe it runs on Linux Consumption and flood stdout with its event logs.
  delete env.CONTAINER_NAME;
  // A process group of its own: a terminal's Ctrl-C or `timeout` signals the whole group, Azurite included, and this
  // host must be stopped while Azurite still serves its task hub (the stack stops it first, by PID); it also stops
  // by itself once this process is gone (DurableReference__ParentPid).
  const child: ChildProcess = spawn('dotnet', [options.dll], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const clientData = await new Promise<string>((resolve, reject) => {
    let pending = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (options.echo && !QUIET.test(line)) process.stdout.write(`[reference] ${line}\n`);
      }
      const client = /^DURABLE_REFERENCE_CLIENT (.+)$/m.exec(output);
      if (client && /^DURABLE_REFERENCE_READY$/m.test(output)) resolve(client[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`The reference host exited with ${code} before it was ready:\n${output}`)),
    );
  });
  const rpcBaseUrl = (JSON.parse(clientData) as { rpcBaseUrl: string }).rpcBaseUrl;
  return {
    pid: child.pid as number,
    clientData,
    rpcBaseUrl,
    startMs: Date.now() - started,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
