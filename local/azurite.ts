import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { freePort, waitFor } from './free-port';

/** Azurite's published development account; its key is public by design. */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface RunningAzurite {
  tableEndpoint: string;
  /** Only when started with `services: 'all'`. */
  blobEndpoint?: string;
  queueEndpoint?: string;
  connectionString: string;
  pid: number;
  stop(): Promise<void>;
}

/** The connection string of Azurite's Table service at `tableEndpoint` (`http://127.0.0.1:PORT/devstoreaccount1`). */
export const tableConnectionString = (tableEndpoint: string) =>
  `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};TableEndpoint=${tableEndpoint};`;

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * Azurite under this Node (not npx, which would leave an orphan), on free loopback ports: its Table service alone
 * (the local Durable host and the app need no more), or with `services: 'all'` its Blob, Queue and Table services, as
 * the Durable Task extension's Azure Storage provider needs them (leases in blobs, messages in queues).
 */
export async function startAzurite(
  options: { location?: string; services?: 'table' | 'all' } = {},
): Promise<RunningAzurite> {
  const all = options.services === 'all';
  const port = await freePort();
  const blobPort = all ? await freePort() : 0;
  const queuePort = all ? await freePort() : 0;
  const main = require.resolve(all ? 'azurite/dist/src/azurite.js' : 'azurite/dist/src/table/main.js');
  const args = [
    main,
    '--tableHost',
    '127.0.0.1',
    '--tablePort',
    String(port),
    ...(all
      ? [
          '--blobHost',
          '127.0.0.1',
          '--blobPort',
          String(blobPort),
          '--queueHost',
          '127.0.0.1',
          '--queuePort',
          String(queuePort),
        ]
      : []),
    '--disableTelemetry',
    '--silent',
    '--skipApiVersionCheck',
  ];
  args.push(...(options.location ? ['--location', options.location] : ['--inMemoryPersistence']));
  // With every service (the reference engine), a process group of its own: a terminal's Ctrl-C or `timeout` signals
  // the whole group, and the Durable Task extension must be stopped while Azurite still serves its task hub (else it
  // cannot release its leases and hangs); the stack stops Azurite by PID, last.
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], detached: all });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (const p of [port, blobPort, queuePort].filter(Boolean)) await waitFor(() => canConnect(p), 'Azurite to listen');
  const endpoint = (p: number) => `http://127.0.0.1:${p}/${DEV_ACCOUNT}`;
  const tableEndpoint = endpoint(port);
  const blobEndpoint = all ? endpoint(blobPort) : undefined;
  const queueEndpoint = all ? endpoint(queuePort) : undefined;
  return {
    tableEndpoint,
    blobEndpoint,
    queueEndpoint,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};` +
      (all ? `BlobEndpoint=${blobEndpoint};QueueEndpoint=${queueEndpoint};` : '') +
      `TableEndpoint=${tableEndpoint};`,
    pid: child.pid as number,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
