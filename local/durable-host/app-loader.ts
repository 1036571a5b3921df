import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface HostJson {
  routePrefix: string;
  hubName: string;
}

/** Entry points named by package.json `main` (a path or a glob with `*` in the file name), as the worker resolves them. */
export function entryPoints(appRoot: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(appRoot, 'package.json'), 'utf8')) as { main?: string };
  const main = pkg.main ?? 'index.js';
  if (!main.includes('*')) return [path.join(appRoot, main)];
  const dir = path.join(appRoot, path.dirname(main));
  const pattern = new RegExp(
    `^${path
      .basename(main)
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')}$`,
  );
  if (!existsSync(dir)) throw new Error(`package.json main '${main}': ${dir} does not exist (did you build?)`);
  return readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** What the local host reads of host.json. */
interface HostJsonFile {
  extensions?: { durableTask?: { hubName?: unknown }; http?: { routePrefix?: unknown } };
}

const substitute = (value: string, settings: Record<string, string | undefined>) =>
  value.replace(/%([^%]+)%/g, (_, name: string) => settings[name] ?? '');

/** The parts of host.json the local host honours; `%Setting%` references resolve from app settings. */
export function readHostJson(appRoot: string, settings: Record<string, string | undefined>): HostJson {
  const file = path.join(appRoot, 'host.json');
  const host: HostJsonFile = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as HostJsonFile) : {};
  const hubName = substitute(String(host.extensions?.durableTask?.hubName ?? 'TestHubName'), settings);
  if (!/^[A-Za-z][A-Za-z0-9]{2,44}$/.test(hubName)) {
    throw new Error(`Task hub name '${hubName}' must be 3-45 letters or digits, starting with a letter`);
  }
  return { routePrefix: String(host.extensions?.http?.routePrefix ?? 'api').replace(/^\/|\/$/g, ''), hubName };
}
