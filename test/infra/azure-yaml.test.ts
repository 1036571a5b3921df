import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_DIR } from '../../tools/package-app';
import { webConfigFromEnvironment } from '../../tools/write-web-config';

const REPO = path.resolve(__dirname, '..', '..', '..');
const azureYaml = parse(readFileSync(path.join(REPO, 'azure.yaml'), 'utf8')) as { services: Record<string, any> };
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/**
 * azd's configuration against how the project packages itself. azd (Azure/azure-dev, pkg/project): for a Node
 * service it runs `npm install` and `npm run build` in `project`, zips the `dist` folder (honouring a .funcignore
 * found there), and on Flex Consumption refuses `remoteBuild: false` when `project`'s .funcignore excludes
 * node_modules; service hooks run with the deployment's outputs in their environment.
 */
describe('azure.yaml deploys what npm run package built and the tests loaded', () => {
  const api = azureYaml.services.api;

  it('deploys the api from dist/package as it is: no remote build', () => {
    expect(api).toMatchObject({ project: '.', language: 'ts', host: 'function', remoteBuild: false });
    expect(path.resolve(REPO, api.project, api.dist)).toBe(PACKAGE_DIR);
    expect(api.hooks.prepackage.run).toBe('npm run package');
    expect(pkg.scripts.package).toBe('npm run build && node dist/tools/package-app.js');
  });

  it('has no .funcignore that would strip node_modules from the package (azd refuses that with remoteBuild: false)', () => {
    for (const dir of [REPO, PACKAGE_DIR]) {
      const file = path.join(dir, '.funcignore');
      if (existsSync(file)) expect(readFileSync(file, 'utf8')).not.toMatch(/^\/?node_modules\/?$/m);
    }
  });

  it("deploys the wizard's build, with its config.json written from the outputs, to the Static Web App", () => {
    const web = azureYaml.services.web;
    expect(web).toMatchObject({ project: '.', host: 'staticwebapp', dist: 'web/dist' });
    expect(web.hooks.prepackage.run).toBe('npm run build && npm run build:web && node dist/tools/write-web-config.js');
  });

  it("serves the wizard with frame-ancestors 'none' and an uncached config.json (staticwebapp.config.json, in the build)", () => {
    const built = path.join(REPO, 'web', 'dist', 'staticwebapp.config.json');
    expect(existsSync(built)).toBe(true); // npm test builds the wizard first
    const config = JSON.parse(readFileSync(built, 'utf8'));
    expect(config).toEqual(
      JSON.parse(readFileSync(path.join(REPO, 'web', 'public', 'staticwebapp.config.json'), 'utf8')),
    );
    expect(config.globalHeaders['Content-Security-Policy']).toBe("frame-ancestors 'none'");
    expect(config.routes).toContainEqual({ route: '/config.json', headers: { 'Cache-Control': 'no-store' } });
    expect(config.navigationFallback.rewrite).toBe('/index.html');
    expect(config.navigationFallback.exclude).toEqual(expect.arrayContaining(['/assets/*', '/*.json']));
  });
});

describe("tools/write-web-config: the wizard's config.json from the deployment's outputs", () => {
  const outputs = {
    WEB_AUTHORITY: 'https://login.microsoftonline.com/organizations',
    WEB_CLIENT_ID: 'aaaaaaaa-0000-4000-8000-000000000003',
    WEB_API_SCOPE: 'api://octo-payer-registration/access_as_user',
    WEB_API_BASE_URL: 'https://func-api-abc.azurewebsites.net/api',
  };

  it('maps every output to its field', () => {
    expect(webConfigFromEnvironment(outputs)).toEqual({
      config: {
        authority: outputs.WEB_AUTHORITY,
        clientId: outputs.WEB_CLIENT_ID,
        apiScope: outputs.WEB_API_SCOPE,
        apiBaseUrl: outputs.WEB_API_BASE_URL,
      },
    });
  });

  it('names every missing or malformed output', () => {
    const result = webConfigFromEnvironment({
      WEB_AUTHORITY: 'http://login.microsoftonline.com/organizations',
      WEB_CLIENT_ID: 'octo-web',
      WEB_API_SCOPE: 'api://octo/.default',
      WEB_API_BASE_URL: '',
    });
    expect(result).toEqual({
      errors: [
        expect.stringMatching(
          /^WEB_AUTHORITY is 'http:\/\/login\.microsoftonline\.com\/organizations': expected an https URL/,
        ),
        expect.stringMatching(/^WEB_CLIENT_ID is 'octo-web': expected .*a GUID/),
        expect.stringMatching(/^WEB_API_SCOPE is 'api:\/\/octo\/\.default': expected a named scope .*not \/\.default/),
        expect.stringMatching(/^WEB_API_BASE_URL is not set: .*azd provision/),
      ],
    });
  });

  describe('as the hook runs it', () => {
    let dist: string;
    beforeEach(() => {
      dist = mkdtempSync(path.join(tmpdir(), 'web-dist-'));
    });
    afterEach(() => rmSync(dist, { recursive: true, force: true }));
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [path.join(REPO, 'dist', 'tools', 'write-web-config.js'), dist], {
        env: { PATH: process.env.PATH ?? '', ...env },
        encoding: 'utf8',
      });

    it('writes config.json beside the built index.html', () => {
      writeFileSync(path.join(dist, 'index.html'), '<!doctype html>');
      const written = run(outputs);
      expect(written.status).toBe(0);
      expect(JSON.parse(readFileSync(path.join(dist, 'config.json'), 'utf8'))).toEqual({
        authority: outputs.WEB_AUTHORITY,
        clientId: outputs.WEB_CLIENT_ID,
        apiScope: outputs.WEB_API_SCOPE,
        apiBaseUrl: outputs.WEB_API_BASE_URL,
      });
    });

    it('fails, writing nothing, without a build or without the outputs', () => {
      const noBuild = run(outputs);
      expect(noBuild.status).toBe(1);
      expect(noBuild.stderr).toMatch(/holds no built wizard: run `npm run build:web` first/);
      writeFileSync(path.join(dist, 'index.html'), '<!doctype html>');
      const noOutputs = run({});
      expect(noOutputs.status).toBe(1);
      expect(noOutputs.stderr).toMatch(/WEB_CLIENT_ID is not set/);
      expect(existsSync(path.join(dist, 'config.json'))).toBe(false);
    });
  });
});
