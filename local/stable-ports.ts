import { createServer } from 'node:net';
import * as path from 'node:path';
import { freePort } from './free-port';
import { StateFile } from './stand-ins/state-file';

/** Picks the loopback port of a part of the stack, by name; undefined lets the part pick a free one itself. */
export type PortFor = (name: string) => Promise<number | undefined>;

/**
 * Ports kept across restarts over one data folder (`ports.json`). The stand-ins' addresses end up in what the
 * product keeps: the issuer of the tokens it holds, MSAL's token cache (keyed by the authority's host and port), the
 * sign-in page an admin has open, the inbox a person reads. So a restart brings each back where it was; a port taken
 * meanwhile by someone else is replaced, saying so. Without a data folder every part picks a free port.
 */
export function stablePorts(dataDir?: string): PortFor {
  if (!dataDir) return async () => undefined;
  const file = new StateFile<Record<string, number>>(path.join(dataDir, 'ports.json'));
  const ports = file.load() ?? {};
  return async (name) => {
    const kept = ports[name];
    if (kept !== undefined && (await isFree(kept))) return kept;
    let port = await freePort();
    while (Object.values(ports).includes(port)) port = await freePort();
    if (kept !== undefined)
      console.warn(
        `The ${name} port ${kept} is taken now: ${name} moves to ${port}, and links to its old address fail`,
      );
    ports[name] = port;
    file.save(ports);
    return port;
  };
}

function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
