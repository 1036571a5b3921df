import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Stack } from '../../local/stack';
import { REPO_ROOT, startStack } from '../../local/stack';
import { moduleGraph, packageOf } from '../../tools/module-graph';
import { runKeepAliveRound } from '../../local/keep-alive-rounds';
import { apiClient, CONTOSO, registerContoso, until } from '../support/registration-driver';
import { timerRun } from '../support/timer-runs';

const PACKAGE = path.join(REPO_ROOT, 'dist', 'package');
const PROBE = path.join(REPO_ROOT, 'dist', 'test', 'support', 'loaded-modules-probe.js');
/** Modules of the package that the local stack's configuration does not choose, each with why. */
const NOT_CHOSEN_LOCALLY: Record<string, string> = {
  'src/adapters/acs-mailer.js': 'the local stack sends the consent e-mail through SMTP (maildev); Azure uses ACS',
};

/** Whether any folder from `dir` up to the root holds a node_modules that Node's resolution could fall back to. */
const nodeModulesAbove = (dir: string): string | undefined => {
  for (let at = path.dirname(dir); ; at = path.dirname(at)) {
    if (existsSync(path.join(at, 'node_modules'))) return path.join(at, 'node_modules');
    if (path.dirname(at) === at) return undefined;
  }
};

/**
 * The deployment package as Azure runs it (`npm run package`, which `npm test` builds): copied out of the repository
 * into an empty folder with no node_modules above it, so only its own production dependencies can be found.
 */
describe('the deployment package (dist/package), loaded outside the repository', () => {
  let folder: string;
  let appModules: string[];

  beforeAll(() => {
    if (!existsSync(path.join(PACKAGE, 'package.json')))
      throw new Error('dist/package is missing: run `npm run package` (npm test builds it)');
    folder = path.join(mkdtempSync(path.join(tmpdir(), 'octo-package-')), 'wwwroot');
    cpSync(PACKAGE, folder, { recursive: true });
    const main = (JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as { main: string }).main;
    appModules = moduleGraph(path.join(folder, main)).files.map((file) => path.relative(folder, file));
  });
  afterAll(() => {
    if (folder) rmSync(path.dirname(folder), { recursive: true, force: true });
  });

  it('holds exactly what the Function App runs', () => {
    expect(nodeModulesAbove(folder)).toBeUndefined();
    const pkg = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as Record<string, any>;
    const repoPkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, any>;
    expect(pkg.main).toBe('app.js');
    expect(pkg.dependencies).toEqual(repoPkg.dependencies);
    expect(pkg.devDependencies).toBeUndefined();
    expect(pkg.scripts).toBeUndefined();
    expect(existsSync(path.join(folder, 'host.json'))).toBe(true);
    // Production dependencies only: none of the packages only the tests, the local host and the build use.
    for (const devOnly of [
      'jest',
      'typescript',
      'azurite',
      'esbuild',
      'maildev',
      'playwright-core',
      'vite',
      'selfsigned',
    ]) {
      expect(existsSync(path.join(folder, 'node_modules', devOnly))).toBe(false);
    }
    // The app's own files are the bundle and what it loads; nothing of the local host, tests, tools or sources.
    const top = readdirSync(folder).sort();
    expect(top).toEqual(['app.js', 'host.json', 'node_modules', 'package.json', 'src']);
    expect(appModules.filter((file) => !/^(app\.js|src\/.+\.js)$/.test(file))).toEqual([]);
    expect(
      readdirSync(folder, { recursive: true }).filter(
        (f) => /\.ts$/.test(String(f)) && !String(f).startsWith('node_modules'),
      ),
    ).toEqual([]);
  });

  it('loads every module of the app with production dependencies only', () => {
    // Each file once, in a fresh Node with the package as its only module tree: a missing package fails here.
    const script = `for (const file of ${JSON.stringify(appModules)}) require(require('path').resolve(file));`;
    const run = spawnSync(process.execPath, ['-e', script], {
      cwd: folder,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    expect(run.stderr).not.toMatch(/Cannot find module/);
    expect(run.status).toBe(0);
  });

  describe('served by the local host from the copied folder', () => {
    let stack: Stack;
    let loadedFile: string;

    beforeAll(async () => {
      loadedFile = path.join(path.dirname(folder), 'loaded-modules.json');
      stack = await startStack({
        appRoot: folder,
        hostEnv: { NODE_OPTIONS: `--require ${PROBE}`, LOADED_MODULES_FILE: loadedFile, NODE_PATH: '' },
      });
    });
    afterAll(async () => {
      await stack?.stop();
    });

    it('serves the signed-in path through every lazily loaded module', async () => {
      const alice = await stack.tokenFor('alice@contoso.example');
      const olivia = await stack.tokenFor('olivia@octo.example');
      const { call } = apiClient(stack);
      // Step 1, step 2 verified, step 3's link, the consent callback, then GET /api/payer-account.
      const account = await registerContoso(stack, alice);
      expect(account).toMatchObject({ tenantId: CONTOSO, mpnId: expect.any(String) });
      // An ops history read, once the run has deleted its staged secrets and ended.
      const history = () => call('GET', `/ops/registrations/${account.registrationId}/history`, olivia);
      expect(await until(async () => (await history()).body.runtimeStatus === 'Completed')).toBe(true);
      expect((await history()).status).toBe(200);
      // The contract the frontends read, and the caller's own view.
      expect((await call('GET', '/openapi.json', undefined)).status).toBe(200);
      expect((await call('GET', '/me', alice)).status).toBe(200);
      // A path no operation has: the catch-all's problem answer.
      expect((await call('GET', '/no-such-operation', alice)).body).toMatchObject({ code: 'route_not_found' });
      // A keep-alive run, through Azure's admin API.
      const round = await runKeepAliveRound(stack, () => stack.runFunction('TokenKeepAlive'));
      expect(round).toMatchObject({ runtimeStatus: 'Completed', output: { counts: { refreshed: 1, error: 0 } } });
      expect((await call('GET', '/payer-account', alice)).body.health).toMatchObject({ reconsentRequired: false });
      // A retention run (nothing has ended long enough ago to be purged).
      expect((await timerRun(stack, 'HistoryPurge'))?.lastResult).toBe('Succeeded');
      // A re-consent asked by e-mail (the mailer), the account's audit trail.
      const reconsent = await call('POST', '/payer-account/reconsent', alice, { adminEmail: 'alice@contoso.example' });
      expect(reconsent.status).toBe(202);
      expect(
        await stack.maildev.waitForMessages('alice@contoso.example', { count: 1, timeoutMs: 10_000 }),
      ).toHaveLength(1);
      expect((await call('GET', '/payer-account/audit', alice)).status).toBe(200);
      // A connection check (the keep-alive's refresh, Partner Center, the Partner API) and the support details.
      expect((await call('POST', '/payer-account/connection-check', alice)).body).toMatchObject({ verdict: 'ok' });
      expect((await call('GET', '/payer-account/support-bundle', alice)).status).toBe(200);
      // Deregistration, which ends the waiting re-consent and cleans up after it.
      expect((await call('DELETE', '/payer-account', alice)).status).toBe(204);
      const ended = async () =>
        (await call('GET', `/ops/registrations/${reconsent.body.reconsentId}/history`, olivia)).body?.runtimeStatus;
      expect(await until(async () => (await ended()) === 'Completed')).toBe(true);

      const output = stack.host.output();
      expect(output).not.toMatch(/Cannot find module/);
      expect(output).not.toMatch(/\(Failed\)/);

      // Every module of the app was loaded from the copied folder (none from the repository) by this path.
      await stack.stop();
      const loaded = JSON.parse(readFileSync(loadedFile, 'utf8')) as string[];
      // The host's own code and packages come from the repository; the app's packages only from the copied folder.
      const packagesLoaded = new Set(
        loaded
          .filter((file) => file.startsWith(path.join(folder, 'node_modules')))
          .map((file) => packageOf(path.relative(path.join(folder, 'node_modules'), file))),
      );
      const { dependencies } = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
      };
      expect(Object.keys(dependencies).filter((name) => !packagesLoaded.has(name))).toEqual([
        '@azure/communication-email',
      ]); // ACS: see NOT_CHOSEN_LOCALLY
      const loadedApp = new Set(
        loaded.filter((file) => file.startsWith(folder)).map((file) => path.relative(folder, file)),
      );
      expect(appModules.filter((file) => !loadedApp.has(file))).toEqual(Object.keys(NOT_CHOSEN_LOCALLY));
    });
  });
});
