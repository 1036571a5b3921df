/**
 * infra/ compiled by the real Bicep compiler (restored from NuGet by infra/bicep-check.sh), then the
 * ARM JSON is checked for the security posture and the wiring the app needs. Where the compiler
 * cannot be had (no .NET SDK, not linux-x64, NuGet unreachable) the suite reports a visible skip;
 * when it can, a failed restore or compilation fails the suite.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LOCAL_ONLY_SETTINGS, settingsSchema } from '../../src/config';

const REPO = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = path.join(REPO, 'infra', 'bicep-check.sh');
const MAIN = path.join(REPO, 'infra', 'main.bicep');

// Built-in role definition IDs (identical in every Azure tenant).
const ROLE = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
};

// ---- Restoring the compiler (synchronously: which tests exist depends on it) ------------------

type Restore = { bicep: string } | { skipped: string };

function restoreBicep(): Restore {
  const run = spawnSync('bash', [SCRIPT, '--restore'], { cwd: REPO, encoding: 'utf8', timeout: 10 * 60_000 });
  if (run.status === 0) return { bicep: run.stdout.trim().split('\n').pop()! };
  const reason = /cannot run here: (.*)/.exec(run.stderr ?? '')?.[1];
  if (run.status === 3 && reason) return { skipped: reason };
  throw new Error(
    `restoring the Bicep CLI failed (exit ${run.status ?? run.signal}):\n${run.stderr}${run.error ?? ''}`,
  );
}

// ---- A small reader for compiled ARM templates ------------------------------------------------

type Json = any;
interface Scope {
  template: Json;
  deployment?: Json;
  parent?: Scope;
}
interface Located {
  resource: Json;
  scope: Scope;
}

function resourcesOf(template: Json): Json[] {
  const resources = template.resources ?? [];
  return Array.isArray(resources) ? resources : Object.values(resources); // languageVersion 2.0: symbolic names
}

/** Every resource at every level, with the template (and module deployment) it sits in. */
function walk(template: Json, deployment?: Json, parent?: Scope): Located[] {
  const scope: Scope = { template, deployment, parent };
  return resourcesOf(template).flatMap((resource) => [
    { resource, scope },
    ...(resource.type === 'Microsoft.Resources/deployments' && resource.properties?.template
      ? walk(resource.properties.template, resource, scope)
      : []),
  ]);
}

/** Follows parameters('x') through module boundaries (to the top-level default) and variables('x'). */
function resolve(value: Json, scope: Scope): Json {
  if (typeof value !== 'string') return value;
  let m = /^\[parameters\('([^']+)'\)\]$/.exec(value);
  if (m) {
    const name = m[1];
    const passed = scope.deployment?.properties?.parameters?.[name];
    if (passed && 'value' in passed) return resolve(passed.value, scope.parent!);
    return resolve(scope.template.parameters?.[name]?.defaultValue, scope);
  }
  m = /^\[variables\('([^']+)'\)\]$/.exec(value);
  if (m) return resolve(scope.template.variables?.[m[1]], scope);
  m = /^\[string\(parameters\('([^']+)'\)\)\]$/.exec(value);
  if (m) {
    const inner = resolve(`[parameters('${m[1]}')]`, scope);
    return typeof inner === 'number' || typeof inner === 'boolean' ? String(inner) : value;
  }
  return value;
}

/** Whether a setting or output name looks like it holds a key, secret, password or connection string. */
function looksSecret(name: string): boolean {
  if (/^APPLICATIONINSIGHTS_/.test(name)) return false; // the connection string names the resource; local auth is off
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.some(
    (word, i) =>
      ['secret', 'secrets', 'password', 'passwd', 'pwd', 'connectionstring', 'accountkey', 'apikey', 'sas'].includes(
        word,
      ) ||
      (['key', 'keys'].includes(word) && words[i + 1] !== 'vault') ||
      (word === 'connection' && ['string', 'strings'].includes(words[i + 1])),
  );
}

// ---- The suite -----------------------------------------------------------------------------------

const restored = restoreBicep();

if ('skipped' in restored) {
  describe('infra/main.bicep with the Bicep CLI', () => {
    console.warn(`Bicep check SKIPPED: ${restored.skipped}. infra/ was neither compiled nor checked on this machine.`);
    it(`skipped: ${restored.skipped}`, () => {
      expect(restored.skipped).not.toHaveLength(0);
    });
  });
} else {
  describe('infra/main.bicep compiled by the Bicep CLI', () => {
    let outDir: string;
    let template: Json;
    let located: Located[];
    let diagnostics: string[];

    beforeAll(() => {
      outDir = mkdtempSync(path.join(os.tmpdir(), 'bicep-test-'));
      const out = path.join(outDir, 'main.json');
      const build = spawnSync(restored.bicep, ['build', MAIN, '--outfile', out], {
        encoding: 'utf8',
        timeout: 5 * 60_000,
      });
      const output = `${build.stdout ?? ''}${build.stderr ?? ''}`;
      if (build.status !== 0)
        throw new Error(`bicep build failed (exit ${build.status ?? build.signal}):\n${output}${build.error ?? ''}`);
      diagnostics = output.split('\n').filter((line) => /: (Error|Warning) /.test(line));
      template = JSON.parse(readFileSync(out, 'utf8'));
      located = walk(template);
    });

    afterAll(() => {
      if (outDir) rmSync(outDir, { recursive: true, force: true });
    });

    const all = (type: string) => located.filter((l) => l.resource.type === type);
    const one = (type: string, where: (l: Located) => boolean = () => true) => {
      const found = all(type).filter(where);
      expect(found.map((l) => l.resource.name)).toHaveLength(1);
      return found[0];
    };
    const functionApp = () => one('Microsoft.Web/sites', (l) => /functionapp/.test(l.resource.kind));
    const appSettings = () => {
      const site = functionApp();
      const config = one('Microsoft.Web/sites/config', (l) =>
        /'appsettings'\)\]$|\/appsettings$/.test(l.resource.name),
      );
      expect(config.scope).toBe(site.scope); // the settings belong to this app's module
      expect(site.resource.properties.siteConfig?.appSettings).toBeUndefined(); // one place only
      return config;
    };
    /** Where an expression passed into a module comes from: the parent's expression for that parameter. */
    const passedIn = (l: Located, parameter: string) => l.scope.deployment?.properties?.parameters?.[parameter]?.value;

    it('compiles without errors or warnings (linter included)', () => {
      expect(diagnostics).toEqual([]);
      expect(template.$schema).toMatch(/subscriptionDeploymentTemplate/); // subscription scope, as azd expects
    });

    it('uses no registry modules and has the azd parameters, resource group and tags', () => {
      const source = readFileSync(MAIN, 'utf8');
      expect(source).not.toMatch(/'br[:/]/);
      expect(Object.keys(template.parameters)).toEqual(
        expect.arrayContaining(['environmentName', 'location', 'principalId']),
      );
      const rg = one('Microsoft.Resources/resourceGroups');
      expect(resolve(rg.resource.tags, rg.scope)).toEqual({ 'azd-env-name': "[parameters('environmentName')]" });
      const deployments = all('Microsoft.Resources/deployments');
      expect(deployments.length).toBeGreaterThanOrEqual(5);
      for (const d of deployments) {
        expect(d.resource.properties.template).toBeDefined(); // local modules are inlined; nothing to restore
        expect(JSON.stringify(d.resource.properties.parameters?.tags ?? {})).toMatch(/variables\('tags'\)|^\{\}$/);
      }
    });

    it('runs the Function App on Flex Consumption (Linux, Node 22 LTS) as the user-assigned identity', () => {
      const site = functionApp();
      const { properties } = site.resource;
      expect(site.resource.kind).toBe('functionapp,linux');
      expect(site.resource.identity.type).toBe('UserAssigned');
      expect(properties.functionAppConfig.runtime.name).toBe('node');
      expect(resolve(properties.functionAppConfig.runtime.version, site.scope)).toBe('22');
      expect(template.parameters.nodeVersion.allowedValues).toEqual(['22']); // Node 20 left support on 30 April 2026
      expect(properties.functionAppConfig.deployment.storage).toMatchObject({
        type: 'blobContainer',
        authentication: { type: 'UserAssignedIdentity' },
      });
      expect(properties.functionAppConfig.deployment.storage.value).toContain("parameters('deploymentContainerName')");
      const plan = one('Microsoft.Web/serverfarms');
      expect(plan.resource.sku).toMatchObject({ name: 'FC1', tier: 'FlexConsumption' });
      expect(plan.resource.properties.reserved).toBe(true);
      expect(passedIn(site, 'tags')).toContain("createObject('azd-service-name', 'api')");
    });

    it('serves HTTPS only with TLS 1.2, FTPS disabled and no basic-auth publishing', () => {
      const { properties } = functionApp().resource;
      expect(properties.httpsOnly).toBe(true);
      expect(properties.siteConfig.minTlsVersion).toBe('1.2');
      expect(properties.siteConfig.scmMinTlsVersion).toBe('1.2');
      expect(properties.siteConfig.ftpsState).toBe('Disabled');
      const policies = all('Microsoft.Web/sites/basicPublishingCredentialsPolicies');
      expect(policies.map((p) => p.resource.name.match(/'(ftp|scm)'\)\]$/)?.[1]).sort()).toEqual(['ftp', 'scm']);
      for (const p of policies) expect(p.resource.properties.allow).toBe(false);
    });

    it('disables shared-key access on storage and requires TLS 1.2 and HTTPS', () => {
      const storage = one('Microsoft.Storage/storageAccounts');
      expect(storage.resource.properties).toMatchObject({
        allowSharedKeyAccess: false,
        minimumTlsVersion: 'TLS1_2',
        supportsHttpsTrafficOnly: true,
        allowBlobPublicAccess: false,
      });
      const container = one('Microsoft.Storage/storageAccounts/blobServices/containers');
      expect(container.resource.properties.publicAccess).toBe('None');
    });

    it('makes Key Vault RBAC-only with soft delete and purge protection', () => {
      const vault = one('Microsoft.KeyVault/vaults');
      expect(vault.resource.properties).toMatchObject({
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        enablePurgeProtection: true,
      });
      expect(vault.resource.properties.accessPolicies ?? []).toEqual([]);
    });

    it('puts Application Insights on Log Analytics with Entra-only ingestion', () => {
      one('Microsoft.OperationalInsights/workspaces');
      const insights = one('Microsoft.Insights/components');
      expect(insights.resource.properties.DisableLocalAuth).toBe(true);
      expect(insights.resource.properties.WorkspaceResourceId).toMatch(/Microsoft\.OperationalInsights\/workspaces/);
      const settings = appSettings().resource.properties;
      expect(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toBe(
        "[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]",
      );
    });

    it('provisions Communication Services e-mail with an Azure-managed domain, without access keys', () => {
      one('Microsoft.Communication/emailServices');
      const domain = one('Microsoft.Communication/emailServices/domains');
      expect(domain.resource.properties.domainManagement).toBe('AzureManaged');
      const acs = one('Microsoft.Communication/communicationServices');
      expect(acs.resource.properties.disableLocalAuth).toBe(true);
      expect(JSON.stringify(acs.resource.properties.linkedDomains)).toContain(
        'Microsoft.Communication/emailServices/domains',
      );
      const outputs = acs.scope.template.outputs;
      expect(outputs.endpoint.value).toMatch(/^\[format\('https:\/\/\{0\}', reference\(.*\)\.hostName\)\]$/);
      expect(outputs.senderAddress.value).toMatch(/mailFromSenderDomain/);
    });

    it("sets every setting the app's configuration schema requires in Azure, and none that is local-only", () => {
      const config = appSettings();
      const settings = config.resource.properties;
      const required = Object.keys(settingsSchema.shape).filter(
        (k) => !(LOCAL_ONLY_SETTINGS as readonly string[]).includes(k),
      );
      expect(required.length).toBeGreaterThanOrEqual(10);
      expect(Object.keys(settings)).toEqual(expect.arrayContaining(required));
      // host.json's %NAME% references (the Durable task hub) are settings too.
      const hostRefs = [...readFileSync(path.join(REPO, 'host.json'), 'utf8').matchAll(/%([A-Za-z0-9_]+)%/g)].map(
        (m) => m[1],
      );
      expect(hostRefs).toContain('DurableTaskHubName');
      expect(Object.keys(settings)).toEqual(expect.arrayContaining(hostRefs));
      // Consent e-mail through ACS.
      expect(Object.keys(settings)).toEqual(expect.arrayContaining(['ACS_ENDPOINT', 'CONSENT_EMAIL_SENDER']));
      expect(passedIn(config, 'acsEndpoint')).toMatch(/'communication'\).*\.outputs\.endpoint\.value\]$/);
      expect(passedIn(config, 'consentEmailSender')).toMatch(/'communication'\).*\.outputs\.senderAddress\.value\]$/);
      for (const local of LOCAL_ONLY_SETTINGS) expect(settings).not.toHaveProperty([local]);
      // Flex Consumption takes these from functionAppConfig and rejects them as settings.
      for (const rejected of ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'WEBSITE_RUN_FROM_PACKAGE']) {
        expect(settings).not.toHaveProperty([rejected]);
      }
    });

    it('connects the runtime to storage with the user-assigned identity (AzureWebJobsStorage__*)', () => {
      const config = appSettings();
      const settings = config.resource.properties;
      expect(settings.AzureWebJobsStorage__credential).toBe('managedidentity');
      expect(settings.AzureWebJobsStorage__clientId).toBe("[parameters('identityClientId')]");
      expect(settings.AZURE_CLIENT_ID).toBe("[parameters('identityClientId')]");
      expect(passedIn(config, 'identityClientId')).toMatch(/'identity'\).*\.outputs\.clientId\.value\]$/);
      for (const service of ['blob', 'queue', 'table']) {
        expect(settings[`AzureWebJobsStorage__${service}ServiceUri`]).toMatch(
          new RegExp(
            `^\\[reference\\(resourceId\\('Microsoft\\.Storage/storageAccounts', .*\\)\\.primaryEndpoints\\.${service}\\]$`,
          ),
        );
      }
      expect(settings.KEY_VAULT_URL).toBe("[parameters('keyVaultUri')]");
      expect(passedIn(config, 'keyVaultUri')).toMatch(/'key-vault'\).*\.outputs\.uri\.value\]$/);
    });

    it("has defaults for the app's settings that the app's schema accepts", () => {
      const config = appSettings();
      const shape = settingsSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
      const checked: string[] = [];
      for (const [key, expression] of Object.entries(config.resource.properties)) {
        if (!(key in shape)) continue;
        const value = resolve(expression, config.scope);
        if (typeof value !== 'string' || value.startsWith('[')) continue; // computed at deployment time
        expect({ key, value, accepted: shape[key].safeParse(value).success }).toEqual({ key, value, accepted: true });
        checked.push(key);
      }
      expect(checked).toEqual(
        expect.arrayContaining([
          'API_ORGANIZATION_CLAIM',
          'API_WRITE_ROLE',
          'API_OPS_ROLE',
          'PAYER_ACCOUNTS_TABLE',
          'REGISTRATION_EXPIRY_HOURS',
        ]),
      );
    });

    it('holds no secret: no keys, no list*() calls, no secure parameters, no secret-looking setting or output', () => {
      // The detector itself must be able to catch what it is for.
      for (const bad of [
        'STORAGE_ACCOUNT_KEY',
        'AzureWebJobsStorage__accountKey',
        'ACS_CONNECTION_STRING',
        'ClientSecret',
        'adminPassword',
        'SAS_TOKEN',
        'apiKey',
      ]) {
        expect({ bad, flagged: looksSecret(bad) }).toEqual({ bad, flagged: true });
      }
      for (const fine of [
        'KEY_VAULT_URL',
        'AZURE_KEY_VAULT_NAME',
        'APPLICATIONINSIGHTS_CONNECTION_STRING',
        'AzureWebJobsStorage__credential',
      ]) {
        expect({ fine, flagged: looksSecret(fine) }).toEqual({ fine, flagged: false });
      }

      const text = JSON.stringify(template);
      expect(text).not.toMatch(/AccountKey=/i);
      expect(text).not.toMatch(/SharedAccessSignature|sig=/i);
      expect(text).not.toMatch(/\blist[A-Za-z]*\(/); // listKeys(), listSecrets(), listConnectionStrings(), listAccountSas()…

      const templates = [
        template,
        ...all('Microsoft.Resources/deployments').map((d) => d.resource.properties.template),
      ];
      const names: string[] = [];
      for (const t of templates) {
        for (const [name, p] of Object.entries<Json>(t.parameters ?? {})) {
          expect({ name, type: String(p.type).toLowerCase() }).not.toEqual({
            name,
            type: expect.stringMatching(/^secure/),
          });
        }
        names.push(...Object.keys(t.outputs ?? {}));
      }
      names.push(...Object.keys(appSettings().resource.properties));
      expect(names.length).toBeGreaterThan(20);
      expect(names.filter(looksSecret)).toEqual([]);
    });

    describe('role assignments', () => {
      const assignments = () =>
        all('Microsoft.Authorization/roleAssignments').map((l) => {
          const id = l.resource.properties.roleDefinitionId as string;
          const named =
            /^\[subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', variables\('([A-Za-z0-9_]+)'\)\)\]$/.exec(
              id,
            );
          return {
            located: l,
            variable: named?.[1],
            roleId: named ? resolve(`[variables('${named[1]}')]`, l.scope) : id,
            principal: l.resource.properties.principalId as string,
            scope: l.resource.scope as string,
            condition: l.resource.condition as string | undefined,
          };
        });
      const identityAssignments = () =>
        assignments().filter((a) => a.principal === "[parameters('identityPrincipalId')]");

      it("are made for the app's managed identity, as a service principal", () => {
        const mine = identityAssignments();
        expect(mine.length).toBeGreaterThanOrEqual(6);
        for (const a of mine) {
          expect(passedIn(a.located, 'identityPrincipalId')).toMatch(/'identity'\).*\.outputs\.principalId\.value\]$/);
          expect(a.located.resource.properties.principalType).toBe('ServicePrincipal');
          expect(a.condition).toBeUndefined();
        }
      });

      it.each([
        ['Storage Blob Data Owner', ROLE.storageBlobDataOwner, 'Microsoft.Storage/storageAccounts'],
        ['Storage Queue Data Contributor', ROLE.storageQueueDataContributor, 'Microsoft.Storage/storageAccounts'],
        ['Storage Table Data Contributor', ROLE.storageTableDataContributor, 'Microsoft.Storage/storageAccounts'],
        ['Key Vault Secrets Officer', ROLE.keyVaultSecretsOfficer, 'Microsoft.KeyVault/vaults'],
        ['Monitoring Metrics Publisher', ROLE.monitoringMetricsPublisher, 'Microsoft.Insights/components'],
      ])('grant the identity %s (%s) on the %s resource, from a named variable', (_name, roleId, scopeType) => {
        const found = identityAssignments().filter((a) => a.roleId === roleId);
        expect(found).toHaveLength(1);
        expect(found[0].variable).toEqual(expect.any(String));
        expect(found[0].scope).toContain(`resourceId('${scopeType}'`);
      });

      it('let the identity send e-mail: a custom role with only the documented actions, on the ACS resource', () => {
        const email = identityAssignments().filter((a) =>
          a.scope.includes("resourceId('Microsoft.Communication/communicationServices'"),
        );
        expect(email).toHaveLength(1);
        const { located } = email[0];
        expect(located.resource.properties.roleDefinitionId).toBe("[parameters('emailSenderRoleDefinitionId')]");
        const definition = one('Microsoft.Authorization/roleDefinitions');
        expect(definition.resource.properties.assignableScopes).toEqual(['[resourceGroup().id]']);
        const [permissions] = definition.resource.properties.permissions;
        expect(resolve(permissions.actions, definition.scope)).toEqual([
          'Microsoft.Communication/CommunicationServices/Read',
          'Microsoft.Communication/CommunicationServices/Write',
          'Microsoft.Communication/EmailServices/write',
        ]);
        expect(permissions.dataActions).toEqual([]);
        // The role module hands out the custom role by default, Contributor only when asked for.
        const roleModule = definition.scope;
        expect(roleModule.deployment?.name).toBe('email-sender-role');
        expect(definition.resource.condition).toBe("[equals(parameters('roleType'), 'Custom')]");
        expect(resolve("[parameters('roleType')]", roleModule)).toBe('Custom');
        expect(roleModule.template.outputs.roleDefinitionId.value).toBe(
          "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', if(equals(parameters('roleType'), 'Custom'), variables('customRoleId'), variables('contributorRoleId')))]",
        );
        expect(roleModule.template.variables.contributorRoleId).toBe(ROLE.contributor);
      });

      it('assign the e-mail role only once its definition exists: its ID comes from the finished role deployment', () => {
        const email = identityAssignments().find((a) =>
          a.scope.includes("resourceId('Microsoft.Communication/communicationServices'"),
        );
        const rbacDeployment = email?.located.scope.deployment;
        expect(rbacDeployment?.name).toBe('rbac');
        // The defining deployment is another one, whose output rbac's deployment reads: ARM starts rbac after it.
        expect(passedIn(email!.located, 'emailSenderRoleDefinitionId')).toMatch(
          /^\[reference\(extensionResourceId\(.*'Microsoft\.Resources\/deployments', 'email-sender-role'\), '[0-9-]+'\)\.outputs\.roleDefinitionId\.value\]$/,
        );
        expect(
          rbacDeployment.dependsOn.some((d: string) =>
            d.endsWith("'Microsoft.Resources/deployments', 'email-sender-role')]"),
          ),
        ).toBe(true);
        expect(
          all('Microsoft.Authorization/roleDefinitions').every((l) => l.scope.deployment?.name === 'email-sender-role'),
        ).toBe(true);
      });

      it('optionally give the deploying user data access, only when principalId is set', () => {
        const user = assignments().filter((a) => a.principal === "[parameters('userPrincipalId')]");
        expect(user.map((a) => a.roleId).sort()).toEqual(
          [
            ROLE.storageBlobDataOwner,
            ROLE.storageQueueDataContributor,
            ROLE.storageTableDataContributor,
            ROLE.keyVaultSecretsOfficer,
          ].sort(),
        );
        for (const a of user) {
          expect(a.condition).toBe("[not(empty(parameters('userPrincipalId')))]");
          expect(passedIn(a.located, 'userPrincipalId')).toBe("[parameters('principalId')]");
        }
      });

      it('never grant Owner or User Access Administrator', () => {
        const ids = assignments().map((a) => String(a.roleId));
        expect(ids.length).toBeGreaterThan(0);
        expect(ids).not.toContain(ROLE.owner);
        expect(ids).not.toContain(ROLE.userAccessAdministrator);
      });
    });

    it('outputs, in UPPER_SNAKE, the consent callback URL partners must register', () => {
      const outputs = template.outputs;
      for (const name of Object.keys(outputs)) expect(name).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      const routePrefix = JSON.parse(readFileSync(path.join(REPO, 'host.json'), 'utf8')).extensions.http.routePrefix;
      expect(outputs.CONSENT_CALLBACK_URL.value).toMatch(
        new RegExp(
          `^\\[format\\('\\{0\\}/${routePrefix}/consent/callback', reference\\(.*'api'\\).*\\.outputs\\.uri\\.value\\)\\]$`,
        ),
      );
      expect(functionApp().scope.template.outputs.uri.value).toMatch(
        /^\[format\('https:\/\/\{0\}', reference\(.*\)\.defaultHostName\)\]$/,
      );
      expect(Object.keys(outputs)).toEqual(
        expect.arrayContaining([
          'SERVICE_API_NAME',
          'AZURE_KEY_VAULT_NAME',
          'KEY_VAULT_URL',
          'AZURE_MANAGED_IDENTITY_CLIENT_ID',
          'ACS_ENDPOINT',
          'CONSENT_EMAIL_SENDER',
        ]),
      );
    });

    it('requires API_AUDIENCE and WEB_CLIENT_ID: no placeholder that deploys green and then refuses every token', () => {
      for (const name of ['apiAudience', 'webClientId']) {
        expect({ name, defaultValue: template.parameters[name].defaultValue }).toEqual({
          name,
          defaultValue: undefined,
        });
        expect(template.parameters[name].minLength).toBeGreaterThanOrEqual(1);
      }
      const file = JSON.parse(readFileSync(path.join(REPO, 'infra', 'main.parameters.json'), 'utf8'));
      // azd substitutes ${NAME=default}; without "=" an unset variable leaves the parameter empty, which minLength refuses.
      expect(file.parameters.apiAudience.value).toBe('${API_AUDIENCE}');
      expect(file.parameters.webClientId.value).toBe('${WEB_CLIENT_ID}');
      expect(appSettings().resource.properties.API_AUDIENCE).toBe("[parameters('apiAudience')]");
      expect(passedIn(appSettings(), 'apiAudience')).toBe("[parameters('apiAudience')]");
    });

    it("offers only regions with Flex Consumption, from Microsoft's dated list", () => {
      const allowed = template.parameters.location.allowedValues as string[];
      expect(allowed).toEqual([
        'australiaeast',
        'australiasoutheast',
        'brazilsouth',
        'canadacentral',
        'centralindia',
        'centralus',
        'eastasia',
        'eastus',
        'eastus2',
        'francecentral',
        'germanywestcentral',
        'italynorth',
        'japaneast',
        'koreacentral',
        'northcentralus',
        'northeurope',
        'norwayeast',
        'southafricanorth',
        'southcentralus',
        'southeastasia',
        'southindia',
        'spaincentral',
        'swedencentral',
        'uaenorth',
        'uksouth',
        'ukwest',
        'westcentralus',
        'westeurope',
        'westus',
        'westus2',
        'westus3',
      ]);
      expect(template.parameters.location.metadata.azd).toEqual({ type: 'location' });
      // The source and the date of the list stand beside it.
      expect(readFileSync(MAIN, 'utf8')).toMatch(
        /flex-consumption-how-to#view-currently-supported-regions[\s\S]*checked \d{4}-\d{2}-\d{2}[\s\S]*@allowed\(\[\n {2}'australiaeast'/,
      );
    });

    it('hosts the wizard on a Free Static Web App in one of its five regions, tagged for azd as web', () => {
      const site = one('Microsoft.Web/staticSites');
      expect(site.resource.sku).toEqual({ name: 'Free', tier: 'Free' });
      expect(site.scope.template.parameters.location.allowedValues).toEqual([
        'westus2',
        'centralus',
        'eastus2',
        'westeurope',
        'eastasia',
      ]);
      expect(passedIn(site, 'location')).toBe("[parameters('webLocation')]");
      // The deployment's region when Static Web Apps has it there, else East US 2.
      expect(template.parameters.webLocation.defaultValue).toBe(
        "[if(contains(createArray('westus2', 'centralus', 'eastus2', 'westeurope', 'eastasia'), parameters('location')), parameters('location'), 'eastus2')]",
      );
      expect(passedIn(site, 'tags')).toContain("createObject('azd-service-name', 'web')");
      expect(site.scope.template.outputs.uri.value).toBe(
        "[format('https://{0}', reference(resourceId('Microsoft.Web/staticSites', parameters('name')), '2024-11-01').defaultHostname)]",
      );
    });

    it("lets the wizard's origin (and WEB_ORIGINS) call the API: CORS without credentials", () => {
      const site = functionApp();
      expect(site.resource.properties.siteConfig.cors).toEqual({
        allowedOrigins: "[parameters('corsAllowedOrigins')]",
        supportCredentials: false,
      });
      expect(passedIn(site, 'corsAllowedOrigins')).toMatch(
        /^\[union\(createArray\(reference\(extensionResourceId\(.*'Microsoft\.Resources\/deployments', 'web'\), '[0-9-]+'\)\.outputs\.uri\.value\), variables\('extraWebOrigins'\)\)\]$/,
      );
      expect(template.variables.extraWebOrigins).toBe(
        "[if(empty(parameters('webOrigins')), createArray(), map(split(parameters('webOrigins'), ','), lambda('origin', trim(lambdaVariables('origin')))))]",
      );
      expect(template.parameters.webOrigins.defaultValue).toBe('');
    });

    it("outputs what the wizard's config.json needs: authority, client ID, the API's named scope, the API base URL", () => {
      const { outputs, variables } = template;
      expect(outputs.WEB_CLIENT_ID.value).toBe("[parameters('webClientId')]");
      expect(outputs.WEB_AUTHORITY.value).toBe("[format('{0}organizations', variables('loginEndpoint'))]");
      expect(outputs.WEB_API_BASE_URL.value).toMatch(
        /^\[format\('\{0\}\/api', reference\(.*'api'\).*\.outputs\.uri\.value\)\]$/,
      );
      expect(outputs.WEB_API_SCOPE.value).toBe("[variables('apiScope')]");
      // The first api:// audience (else api://<the first audience>) with the named scope, never /.default.
      expect(variables.apiScope).toBe(
        "[format('{0}/{1}', if(empty(variables('identifierUris')), format('api://{0}', variables('audiences')[0]), variables('identifierUris')[0]), parameters('apiScopeName'))]",
      );
      expect(template.parameters.apiScopeName.defaultValue).toBe('access_as_user');
      expect(outputs.WEB_URI.value).toMatch(/'web'\).*\.outputs\.uri\.value\]$/);
      expect(outputs.SERVICE_WEB_NAME.value).toMatch(/'web'\).*\.outputs\.name\.value\]$/);
    });

    it('is wired for azd: main.parameters.json names only template parameters and covers the required ones', () => {
      const file = JSON.parse(readFileSync(path.join(REPO, 'infra', 'main.parameters.json'), 'utf8'));
      const given = Object.keys(file.parameters);
      const declared = Object.keys(template.parameters);
      expect(declared).toEqual(expect.arrayContaining(given));
      const required = declared.filter((name) => !('defaultValue' in template.parameters[name]));
      expect(required).toEqual(expect.arrayContaining(['environmentName', 'location']));
      expect(given).toEqual(expect.arrayContaining(required));
      expect(file.parameters.environmentName.value).toBe('${AZURE_ENV_NAME}');
      expect(file.parameters.location.value).toBe('${AZURE_LOCATION}');
      expect(file.parameters.principalId.value).toBe('${AZURE_PRINCIPAL_ID}');
    });
  });
}
