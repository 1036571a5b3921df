import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { RunningAzurite } from './azurite';
import { startAzurite } from './azurite';
import { freePort } from './free-port';
import type { HostProcess } from './host-process';
import { spawnHost } from './host-process';
import { stablePorts } from './stable-ports';
import type { EntraIdStandIn } from './stand-ins/entra-id/server';
import { startEntraIdStandIn } from './stand-ins/entra-id/server';
import type { EntraFixtures } from './stand-ins/entra-id/fixtures';
import { createAccessTokenVerifier } from './stand-ins/key-vault/access-token-verifier';
import type { KeyVaultStandIn } from './stand-ins/key-vault/server';
import { startKeyVaultStandIn } from './stand-ins/key-vault/server';
import type { PartnerCenterFixtures } from './stand-ins/partner-center/fixtures';
import type { PartnerCenterStandIn } from './stand-ins/partner-center/server';
import { startPartnerCenterStandIn } from './stand-ins/partner-center/server';
import type { PartnerApiStandIn } from './stand-ins/partner-api/server';
import { startPartnerApiStandIn } from './stand-ins/partner-api/server';
import type { Maildev } from './maildev';
import { startMaildev } from './maildev';
import { ensureLoopbackTls } from './tls';
import { wizardConfig } from './wizard-config';
import type { TimerView } from './durable-host/timer-scheduler';
import type { ReferenceHost } from './durable-reference/reference-host';
import { buildReferenceHost, startReferenceHost } from './durable-reference/reference-host';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const LOCAL_PASSWORD = 'Passw0rd!local';

export interface StackOptions {
  /** 7071 for `npm start`; 0 (a free port) in tests. */
  hostPort?: number;
  /**
   * Keep the stack's data in this folder (npm start) instead of memory (tests), so a restart over it, even after a
   * crash, loses nothing: Azurite's tables (`azurite/`: the durable host's history and the app's rows), the Key Vault
   * stand-in's secrets (`key-vault/`), the Entra ID stand-in's signing key, codes and refresh tokens (`entra-id/`), the
   * mail inbox (`maildev/`) and the stand-ins' ports (`ports.json`).
   */
  dataDir?: string;
  /** Print the host's log lines. */
  echoHost?: boolean;
  /** Extra or overridden app settings. */
  settings?: Record<string, string>;
  /** The folder the host loads the app from (package.json `main`, host.json): the repository, or a deployment package. */
  appRoot?: string;
  /** Extra environment of the host process only (not app settings), e.g. NODE_OPTIONS for a test's probe. */
  hostEnv?: Record<string, string>;
  /**
   * The Durable engine: the local host's own (default), or `reference`: Microsoft's Durable Task extension in a .NET
   * host (local/durable-reference; needs the .NET SDK, restored from NuGet on first use) on Azurite's blob, queue and
   * table services, running the app's own orchestrators and activities. It keeps real time: no `advanceClock`.
   * Default: the environment's DURABLE_ENGINE, else local.
   */
  engine?: DurableEngine;
  /**
   * Tests only: the Durable engine's long timers shrunk to seconds, on either engine alike (the Azure Storage
   * provider's MaximumDelayTime and LongRunningTimerIntervalLength on the reference host, the same thresholds on the
   * local host; both tell the SDK), so that timers split into sub-timers can be watched in real time. TimeSpans
   * (`hh:mm:ss`); default 6 and 3 days.
   */
  longTimers?: { maximumShortTimer: string; interval: string };
  /** The Entra ID and Partner Center stand-ins' directories instead of their bundled fixtures (e.g. many partners). */
  fixtures?: { entra?: EntraFixtures; partnerCenter?: PartnerCenterFixtures };
}

export type DurableEngine = 'local' | 'reference';

/** DURABLE_ENGINE=reference runs any stack (npm start, an integration suite) on the reference engine; default local. */
export function durableEngineFromEnvironment(): DurableEngine {
  const engine = process.env.DURABLE_ENGINE || 'local';
  if (engine !== 'local' && engine !== 'reference')
    throw new Error(`DURABLE_ENGINE must be local or reference, not ${engine}`);
  return engine;
}

export interface Stack {
  apiBaseUrl: string;
  /** The registration wizard (web/dist, built by npm run build:web), served by the host at `/`. */
  webUrl: string;
  host: HostProcess;
  entra: EntraIdStandIn;
  keyVault: KeyVaultStandIn;
  partnerCenter: PartnerCenterStandIn;
  partnerApi: PartnerApiStandIn;
  /** The SMTP catcher with a web inbox, where the consent e-mail arrives. */
  maildev: Maildev;
  azurite: RunningAzurite;
  settings: Record<string, string>;
  engine: DurableEngine;
  /** The reference host (engine `reference` only). */
  reference?: ReferenceHost;
  /** A bearer token for this API as a fixture user signs in (ROPC against the Entra ID stand-in). */
  tokenFor(username: string): Promise<string>;
  /** Moves the product's clock ahead: the host's (durable timers and timer triggers fire) and Entra ID's grants (refresh tokens age). */
  advanceClock(ms: number): Promise<void>;
  /** Runs a timer function now through Azure's admin API (`POST /admin/functions/{name}`); the run goes on in the background. */
  runFunction(name: string): Promise<void>;
  /** A timer function's schedule, last and next occurrence, and whether a run is in progress (`GET /admin/host/timers`). */
  timerStatus(name: string): Promise<TimerView>;
  /** Kills the host (SIGKILL, as a crash) and starts it again over the same storage. */
  restartHost(): Promise<void>;
  stop(): Promise<void>;
}

const app = (fixtures: EntraFixtures, name: string) => {
  const found = fixtures.applications.find((a) => a.name === name);
  if (!found) throw new Error(`Entra ID fixtures lack the application ${name}`);
  return found;
};

/** Azurite, the stand-ins and the local Functions host, all on loopback: used by npm start, the tests and CI. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const tls = await ensureLoopbackTls();
    // Entra ID's grants (codes, refresh tokens) age on the host's clock, so refresh tokens die as timers fire;
    // every JWT's own times stay real, since token caches and verifiers everywhere judge them by the system clock.
    let clockOffsetMs = 0;
    const authorizationClock = () => Date.now() + clockOffsetMs;
    const engine = options.engine ?? durableEngineFromEnvironment();
    const appRoot = options.appRoot ?? REPO_ROOT;
    // Built first: it may have to restore from NuGet, and it fails (ReferenceHostUnavailable) where it cannot.
    const referenceDll = engine === 'reference' ? await buildReferenceHost(appRoot) : undefined;
    const dataDir = options.dataDir;
    const kept = (part: string) => (dataDir ? path.join(dataDir, part) : undefined);
    const portFor = stablePorts(dataDir);
    const azurite = await startAzurite({
      location: kept('azurite'),
      services: engine === 'reference' ? 'all' : 'table',
    });
    stops.push(() => azurite.stop());
    const entra = await startEntraIdStandIn({
      tls,
      authorizationClock,
      fixtures: options.fixtures?.entra,
      port: await portFor('entra-id'),
      dataDir: kept('entra-id'),
    });
    stops.push(() => entra.stop());
    const backend = app(entra.fixtures, 'octo-backend-local');
    const api = app(entra.fixtures, 'octo-payer-registration-api');
    const web = app(entra.fixtures, 'octo-web');
    const vaultTenant = backend.homeTenantId;
    const keyVault = await startKeyVaultStandIn({
      tls,
      port: await portFor('key-vault'),
      dataDir: kept('key-vault'),
      tenantId: vaultTenant,
      authority: `${entra.url}/${vaultTenant}`,
      verifyAccessToken: createAccessTokenVerifier({
        jwksUri: entra.jwksUri(vaultTenant),
        issuer: entra.v1Issuer(vaultTenant),
        tenantId: vaultTenant,
        ca: tls.cert,
      }),
    });
    stops.push(() => keyVault.stop());
    const partnerCenter = await startPartnerCenterStandIn({
      tls,
      entra,
      fixtures: options.fixtures?.partnerCenter,
      port: await portFor('partner-center'),
    });
    stops.push(() => partnerCenter.stop());
    // As large as the real whole price list, so the product is always tested against a file it must not download.
    const partnerApi = await startPartnerApiStandIn({
      tls,
      entra,
      fixtures: partnerCenter.fixtures,
      sheetBytes: 42_180_180,
      port: await portFor('partner-api'),
    });
    stops.push(() => partnerApi.stop());
    const maildev = await startMaildev({
      smtpPort: await portFor('maildev-smtp'),
      webPort: await portFor('maildev-web'),
      mailDirectory: kept('maildev'),
    });
    stops.push(() => maildev.stop());

    // The consent callback is part of the app's public address, so the host's port is chosen first.
    const hostPort = options.hostPort || (await freePort());
    const settings: Record<string, string> = {
      FUNCTIONS_WORKER_RUNTIME: 'node',
      AzureWebJobsStorage: azurite.connectionString,
      DurableTaskHubName: 'PayerRegistration',
      KEY_VAULT_URL: keyVault.url,
      KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: 'true',
      AZURE_TENANT_ID: vaultTenant,
      AZURE_CLIENT_ID: backend.clientId,
      AZURE_CLIENT_SECRET: backend.secrets[0].value,
      AZURE_AUTHORITY_HOST: entra.url,
      API_AUTHORITY: `${entra.url}/organizations/v2.0`,
      API_AUDIENCE: [api.clientId, api.identifierUri].filter(Boolean).join(','),
      API_OPS_TENANTS: api.homeTenantId,
      PARTNER_AUTHORITY_HOST: entra.url,
      PARTNER_CENTER_API_URL: partnerCenter.url,
      PUBLIC_BASE_URL: `http://127.0.0.1:${hostPort}`,
      CONSENT_EMAIL_SENDER: 'DoNotReply@octo.example',
      SMTP_HOST: maildev.smtpHost,
      SMTP_PORT: String(maildev.smtpPort),
      PARTNER_API_URL: partnerApi.url,
      LocalHost__Port: String(hostPort),
      LocalHost__MasterKey: randomBytes(24).toString('base64url'),
      LocalHost__FunctionKey: randomBytes(24).toString('base64url'),
      LocalHost__ClockControl: engine === 'reference' ? 'false' : 'true',
      TOKEN_KEEP_ALIVE_SCHEDULE: '0 0 3 * * 1',
      HISTORY_PURGE_SCHEDULE: '0 30 4 * * *',
      LocalHost__StaticRoot: path.join(REPO_ROOT, 'web', 'dist'),
      LocalHost__WebConfig: JSON.stringify(
        wizardConfig({ entraUrl: entra.url, fixtures: entra.fixtures, inboxUrl: maildev.webUrl }),
      ),
      ...(options.longTimers && {
        LocalHost__MaximumShortTimer: options.longTimers.maximumShortTimer,
        LocalHost__LongTimerInterval: options.longTimers.interval,
      }),
      ...options.settings,
    };
    // Partners register the product's callback as a redirect URI on their app; the fixtures' apps do so here.
    for (const application of entra.fixtures.applications.filter((a) => a.secrets.length > 0)) {
      entra.addRedirectUri(application.clientId, `${settings.PUBLIC_BASE_URL}/api/consent/callback`);
    }
    // The wizard signs in from the host's own address (either loopback spelling), as a single-page app.
    for (const origin of [`http://127.0.0.1:${hostPort}`, `http://localhost:${hostPort}`])
      entra.addRedirectUri(web.clientId, `${origin}/`, 'spa');
    let reference: ReferenceHost | undefined;
    if (referenceDll) {
      const bridgePort = await freePort();
      reference = await startReferenceHost({
        dll: referenceDll,
        appRoot,
        settings,
        publicOrigin: settings.PUBLIC_BASE_URL,
        systemKey: settings.LocalHost__MasterKey,
        bridgeUrl: `http://127.0.0.1:${bridgePort}/`,
        bridgeKey: settings.LocalHost__MasterKey,
        echo: options.echoHost,
        longTimers: options.longTimers,
      });
      const started = reference;
      stops.push(() => started.stop());
      Object.assign(settings, {
        LocalHost__DurableEngine: 'reference',
        LocalHost__DurableClient: reference.clientData,
        LocalHost__BridgePort: String(bridgePort),
      });
    }
    const hostEnv = { ...settings, ...options.hostEnv, NODE_EXTRA_CA_CERTS: tls.certPath };
    let host = await spawnHost({ appRoot, env: hostEnv, echo: options.echoHost });
    stops.push(() => host.stop());
    const admin = (route: string, init: RequestInit = {}) =>
      fetch(`${host.url}${route}`, { ...init, headers: { 'x-functions-key': settings.LocalHost__MasterKey } });

    const stack: Stack = {
      get apiBaseUrl() {
        return `${host.url}/api`;
      },
      get webUrl() {
        return `${host.url}/`;
      },
      get host() {
        return host;
      },
      entra,
      keyVault,
      partnerCenter,
      partnerApi,
      maildev,
      azurite,
      settings,
      engine,
      reference,
      async tokenFor(username) {
        const res = await fetch(`${entra.url}/organizations/oauth2/v2.0/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'password',
            client_id: web.clientId,
            username,
            password: LOCAL_PASSWORD,
            scope: `${api.identifierUri}/.default`,
          }),
        });
        const body = (await res.json()) as { access_token?: string; error_description?: string };
        if (!body.access_token) throw new Error(`No token for ${username}: ${body.error_description}`);
        return body.access_token;
      },
      async advanceClock(ms) {
        if (engine === 'reference') throw new Error('The reference engine keeps real time: the clock cannot be moved');
        const res = await admin('/admin/host/clock', { method: 'POST', body: JSON.stringify({ advanceMs: ms }) });
        if (!res.ok) throw new Error(`Clock control answered ${res.status}`);
        clockOffsetMs += ms;
      },
      async runFunction(name) {
        const res = await admin(`/admin/functions/${encodeURIComponent(name)}`, {
          method: 'POST',
          body: JSON.stringify({ input: '' }),
        });
        if (res.status !== 202) throw new Error(`Invoking ${name} answered ${res.status}: ${await res.text()}`);
      },
      async timerStatus(name) {
        const res = await admin('/admin/host/timers');
        if (!res.ok) throw new Error(`Timer status answered ${res.status}`);
        const timer = ((await res.json()) as TimerView[]).find((t) => t.name === name);
        if (!timer) throw new Error(`The host has no timer function named ${name}`);
        return timer;
      },
      async restartHost() {
        await host.kill();
        host = await spawnHost({ appRoot, env: hostEnv, echo: options.echoHost });
      },
      stop: stopAll,
    };
    return stack;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
