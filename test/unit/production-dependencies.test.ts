import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { moduleGraph, packageOf, requiredSpecifiers } from '../../tools/module-graph';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Record<
  string,
  Record<string, string>
>;

/** The compiled JavaScript of the production code (tsc's output of src/ and functions/), which is what runs. */
const productionFiles = () =>
  ['src', 'functions'].flatMap((dir) =>
    readdirSync(path.join(REPO_ROOT, 'dist', dir), { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('.js'))
      .map((file) => path.join(REPO_ROOT, 'dist', dir, file)),
  );

describe('production code imports only `dependencies` (what the deployment package installs)', () => {
  const required = new Map<string, string[]>();
  beforeAll(() => {
    for (const file of productionFiles()) {
      for (const specifier of requiredSpecifiers(readFileSync(file, 'utf8'))) {
        const name = packageOf(specifier);
        if (name) required.set(name, [...(required.get(name) ?? []), path.relative(REPO_ROOT, file)]);
      }
    }
  });

  it('every package that src/ and functions/ require is in dependencies', () => {
    const missing = [...required]
      .filter(([name]) => !(name in pkg.dependencies))
      .map(([name, files]) => `${name} (${files.join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('every dependency is required by src/ or functions/ (anything else belongs in devDependencies)', () => {
    expect(Object.keys(pkg.dependencies).filter((name) => !required.has(name))).toEqual([]);
  });

  it('no package is both a dependency and a devDependency', () => {
    expect(Object.keys(pkg.dependencies).filter((name) => name in pkg.devDependencies)).toEqual([]);
  });
});

describe('tools/module-graph', () => {
  it('reads the literal require calls of compiled code, wherever they stand', () => {
    const source = [
      'const a = require("@azure/functions");',
      "function late() { return require('./src/http/problem'); }",
      'const b = require( "node:crypto" );',
      'const dynamic = require(name);',
      '// the word require("x") in a comment still counts: better one too many than one missing',
    ].join('\n');
    expect(requiredSpecifiers(source)).toEqual(['@azure/functions', './src/http/problem', 'node:crypto', 'x']);
  });

  it('names the package of a specifier, and none for built-ins and paths', () => {
    expect(packageOf('durable-functions/lib/src/util/testingUtils')).toBe('durable-functions');
    expect(packageOf('@azure/functions')).toBe('@azure/functions');
    expect(packageOf('@azure/msal-node/dist/index.js')).toBe('@azure/msal-node');
    expect(packageOf('node:timers/promises')).toBeUndefined();
    expect(packageOf('fs')).toBeUndefined();
    expect(packageOf('timers/promises')).toBeUndefined();
    expect(packageOf('./adapters/x')).toBeUndefined();
    expect(packageOf('../x')).toBeUndefined();
  });

  describe('on a small tree of files', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'module-graph-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, text: string) => {
      const file = path.join(dir, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    };

    it('follows relative requires (files, .json, folders) once each, and collects packages with who requires them', () => {
      write('app.js', 'require("./src/a"); require("zod"); require("./src/data.json");');
      write('src/a.js', 'const later = () => require("./b"); require("jose"); require("../app");');
      write('src/b/index.js', 'require("jose/jwt/verify"); require("node:fs");');
      write('src/data.json', '{"require(\\"./nothing\\")": 1}');
      write('src/unused.js', 'require("left-out");');
      const graph = moduleGraph(path.join(dir, 'app.js'));
      expect(graph.files.map((f) => path.relative(dir, f))).toEqual([
        'app.js',
        'src/a.js',
        'src/data.json',
        'src/b/index.js',
      ]);
      expect(
        Object.fromEntries([...graph.packages].map(([name, by]) => [name, by.map((f) => path.relative(dir, f))])),
      ).toEqual({
        zod: ['app.js'],
        jose: ['src/a.js', 'src/b/index.js'],
      });
    });

    it('fails on a relative require that points nowhere', () => {
      write('app.js', 'require("./missing");');
      expect(() => moduleGraph(path.join(dir, 'app.js'))).toThrow(/requires '\.\/missing', which does not exist/);
    });
  });
});
