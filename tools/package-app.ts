/**
 * `npm run package` (after `npm run build`): writes dist/package/, the folder the Function App runs, which azure.yaml
 * deploys as it is (`remoteBuild: false`):
 * - app.js, the bundle of the registrations (package.json `main`), and every compiled module it loads lazily,
 *   found by following its relative `require(...)` calls (tools/module-graph.ts);
 * - host.json;
 * - a package.json holding only what the runtime reads (main, engines, dependencies);
 * - node_modules with production dependencies only, installed by `npm ci --omit=dev` from the lockfile, less the
 *   type declarations and source maps that Node never loads.
 * It fails when the app requires a package that is not in `dependencies`: the package would not have it.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { moduleGraph } from './module-graph';

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
export const PACKAGE_DIR = path.join(DIST, 'package');

interface PackageJson {
  name: string;
  version: string;
  description?: string;
  main: string;
  engines?: Record<string, string>;
  dependencies: Record<string, string>;
}

function folderSize(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files += 1;
    bytes += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return { bytes, files };
}

// Type declarations and source maps ship in npm packages for editors and debuggers; Node never loads them.
const NEVER_LOADED = /\.(d\.[cm]?ts|map)$/;

function pruneNeverLoaded(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && NEVER_LOADED.test(entry.name)) rmSync(path.join(entry.parentPath, entry.name));
  }
}

function main(): void {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;
  const entry = path.join(ROOT, pkg.main);
  const graph = moduleGraph(entry);
  const missing = [...graph.packages].filter(([name]) => !(name in pkg.dependencies));
  if (missing.length > 0) {
    const lines = missing.map(
      ([name, by]) => `  ${name} (required by ${by.map((f) => path.relative(ROOT, f)).join(', ')})`,
    );
    throw new Error(`The app requires packages that are not in package.json "dependencies":\n${lines.join('\n')}`);
  }

  rmSync(PACKAGE_DIR, { recursive: true, force: true });
  mkdirSync(PACKAGE_DIR, { recursive: true });
  const entryBase = path.dirname(entry);
  for (const file of graph.files) {
    const target = path.join(PACKAGE_DIR, path.relative(entryBase, file));
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  copyFileSync(path.join(ROOT, 'host.json'), path.join(PACKAGE_DIR, 'host.json'));

  // npm ci needs the lockfile and the package.json it was written for; the runtime needs neither.
  copyFileSync(path.join(ROOT, 'package.json'), path.join(PACKAGE_DIR, 'package.json'));
  copyFileSync(path.join(ROOT, 'package-lock.json'), path.join(PACKAGE_DIR, 'package-lock.json'));
  execFileSync(
    'npm',
    ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
    {
      cwd: PACKAGE_DIR,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  rmSync(path.join(PACKAGE_DIR, 'package-lock.json'));
  pruneNeverLoaded(path.join(PACKAGE_DIR, 'node_modules'));
  const runtimePackage = {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    private: true,
    main: path.relative(entryBase, entry).split(path.sep).join('/'),
    engines: pkg.engines,
    dependencies: pkg.dependencies,
  };
  writeFileSync(path.join(PACKAGE_DIR, 'package.json'), `${JSON.stringify(runtimePackage, null, 2)}\n`);

  const { bytes, files } = folderSize(PACKAGE_DIR);
  const appFiles = graph.files.length;
  process.stdout.write(
    `dist/package: ${files} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB (app: ${appFiles} modules; production dependencies: ${Object.keys(pkg.dependencies).length} direct)\n`,
  );
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`npm run package: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
