import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';

/**
 * What compiled CommonJS loads: the files reached from an entry point through relative `require(...)` calls, and
 * the npm packages required on the way. It reads the JavaScript that runs (tsc's and esbuild's output), so
 * `import type` (erased by the compiler) never counts, and a lazy `require` inside a function counts as much as one
 * at the top of a file.
 */
export interface ModuleGraph {
  /** Absolute paths of every file loaded, the entry point first. */
  files: string[];
  /** Package name → the files (absolute) that require it. */
  packages: Map<string, string[]>;
}

const REQUIRE = /\brequire\(\s*(["'])([^"'\n]+)\1\s*\)/g;
const BUILTINS = new Set(builtinModules);

/** The specifiers of every `require("…")` with a literal argument in a piece of compiled JavaScript. */
export function requiredSpecifiers(source: string): string[] {
  return [...source.matchAll(REQUIRE)].map((match) => match[2]);
}

/** The npm package a bare specifier names (`@scope/name` or `name`), or undefined for a Node built-in or a path. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const bare = specifier.replace(/^node:/, '');
  if (specifier.startsWith('node:') || BUILTINS.has(bare) || BUILTINS.has(bare.split('/')[0])) return undefined;
  const parts = bare.split('/');
  return bare.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Node's resolution of a relative specifier to a file: as given, then with .js, .json, then a folder's index.js. */
function resolveRelative(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.js`, `${base}.json`, path.join(base, 'index.js')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${path.relative(process.cwd(), from)} requires '${specifier}', which does not exist`);
}

/** Every file reachable from `entry` through relative requires, and the packages they require. */
export function moduleGraph(entry: string): ModuleGraph {
  const files: string[] = [];
  const packages = new Map<string, string[]>();
  const pending = [path.resolve(entry)];
  const seen = new Set(pending);
  while (pending.length > 0) {
    const file = pending.shift() as string;
    files.push(file);
    if (!file.endsWith('.js')) continue;
    for (const specifier of requiredSpecifiers(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier);
        if (!seen.has(target)) {
          seen.add(target);
          pending.push(target);
        }
        continue;
      }
      const name = packageOf(specifier);
      if (name) packages.set(name, [...(packages.get(name) ?? []), file]);
    }
  }
  return { files, packages };
}
