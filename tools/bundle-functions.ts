/**
 * `npm run build`, after tsc: bundles the function registrations (functions/*.ts and what they import
 * statically: the composition root's small top, src/hosting, src/workflow and the domain modules they use) into
 * dist/app.js, package.json's `main`. The worker then loads one file instead of a few dozen small modules. The
 * composition root's lazy `require(...)` calls stay lazy: each is left external and re-pointed at tsc's output in
 * dist/, so handler, use-case and SDK code still loads on a function's first run only. npm packages stay external.
 */
import * as path from 'node:path';
import { readdirSync } from 'node:fs';
import type { Plugin } from 'esbuild';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '..', '..');
const OUTFILE = path.join(ROOT, 'dist', 'app.js');

const lazyRequiresStayLazy: Plugin = {
  name: 'lazy-requires-stay-lazy',
  setup(builder) {
    builder.onResolve({ filter: /^\./ }, (args) => {
      if (args.kind !== 'require-call') return undefined;
      const compiled = path.join(ROOT, 'dist', path.relative(ROOT, path.resolve(args.resolveDir, args.path)));
      const relative = path.relative(path.dirname(OUTFILE), compiled).split(path.sep).join('/');
      return { path: relative.startsWith('.') ? relative : `./${relative}`, external: true };
    });
  },
};

async function main(): Promise<void> {
  const functionsDir = path.join(ROOT, 'functions');
  const entries = readdirSync(functionsDir)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  await build({
    stdin: {
      contents: entries.map((f) => `import './${f.slice(0, -3)}';`).join('\n'),
      resolveDir: functionsDir,
      loader: 'ts',
      sourcefile: 'functions/index.ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    outfile: OUTFILE,
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [lazyRequiresStayLazy],
  });
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
