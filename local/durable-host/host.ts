import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { readHostJson, entryPoints } from './app-loader';
import { AppDurableFunctions } from './app-functions';
import { ManagementUrls } from './client-binding';
import { useClock } from './app-clock';
import { AdjustableClock } from './clock';
import { ReferenceEngine, referenceSettings } from '../durable-reference/reference-engine';
import type { DurableStore } from './durable-store';
import { Engine } from './engine';
import { FunctionRegistry, installFunctionsCoreShim } from './functions-core-shim';
import { HttpFront } from './http-front';
import type { HostRequest, HostResponse } from './host-http';
import { json, readRequest, writeResponse } from './host-http';
import type { LogSink } from './invoker';
import { Invoker } from './invoker';
import { longTimerLimits } from './long-timers';
import { ManagementApi } from './management-api';
import { TableDurableStore } from './table-durable-store';
import { staticSite } from './static-site';
import { scheduledFunctions, TimerScheduler } from './timer-scheduler';

export interface HostOptions {
  appRoot: string;
  /** App settings; copied into process.env before the app loads, as the worker does. */
  settings: Record<string, string>;
  port?: number;
  host?: string;
  store?: DurableStore;
  log?: LogSink;
}

export interface RunningHost {
  url: string;
  rpcUrl: string;
  /** The local Durable engine; undefined in the reference mode (LocalHost__DurableEngine=reference). */
  engine?: Engine;
  clock: AdjustableClock;
  store: DurableStore;
  registry: FunctionRegistry;
  timers: TimerScheduler;
  stop(): Promise<void>;
}

const defaultLog: LogSink = (level, category, fn, message) =>
  process.stdout.write(`${new Date().toISOString()} [${level}] ${category === 'system' ? 'host' : fn}: ${message}\n`);

/** Kestrel's default request-line limit (the Functions host on Linux): a longer address gets 414 before any function runs. */
const MAX_REQUEST_TARGET_BYTES = 8 * 1024;
/** Room for addresses beyond that limit, so that they get Kestrel's 414 rather than Node's 431. */
const MAX_HEADER_BYTES = 128 * 1024;

async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()));
  return (server.address() as AddressInfo).port;
}

/**
 * Loads the app's function registrations and serves them, with a Durable Task engine over Azure Tables; or, in the
 * reference mode (LocalHost__DurableEngine=reference), with Microsoft's Durable Task extension as the engine
 * (local/durable-reference: the extension runs in a .NET process and calls back into this host's bridge).
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  Object.assign(process.env, options.settings);
  if (process.env.LocalHost__ClockControl === 'true') process.env.APP_CLOCK_MODULE = require.resolve('./app-clock');
  const settings = process.env;
  const log = options.log ?? defaultLog;
  const hostName = options.host ?? '127.0.0.1';
  const hostJson = readHostJson(options.appRoot, settings);
  const keys = {
    master: required(settings, 'LocalHost__MasterKey'),
    function: required(settings, 'LocalHost__FunctionKey'),
  };

  const registry = new FunctionRegistry();
  installFunctionsCoreShim(registry);
  for (const file of entryPoints(options.appRoot)) require(file);
  const timerFunctions = scheduledFunctions(registry.byTriggerType('timerTrigger'), settings);

  const publicServer = createServer({ maxHeaderSize: MAX_HEADER_BYTES });
  const reference = referenceSettings(settings);
  const rpcServer = reference ? undefined : createServer({ maxHeaderSize: MAX_HEADER_BYTES });
  const port = await listen(publicServer, hostName, options.port ?? 7071);
  const rpcPort = rpcServer ? await listen(rpcServer, hostName, 0) : 0;
  const url = `http://${hostName}:${port}`;
  const rpcUrl = reference
    ? new URL(JSON.parse(reference.clientData).rpcBaseUrl as string).origin
    : `http://${hostName}:${rpcPort}`;
  // The durable client rewrites its links to localhost:7071 unless it knows the site's host name.
  process.env.WEBSITE_HOSTNAME = `${hostName}:${port}`;

  const store =
    options.store ?? new TableDurableStore(required(settings, 'AzureWebJobsStorage'), `${hostJson.hubName}Durable`);
  await store.init();
  const clock = new AdjustableClock(await store.loadClockOffset());
  // The app's own notion of now follows the host's clock when tests move it: the app reads it through the module
  // that its APP_CLOCK_MODULE setting names (set below, before the app loads).
  useClock(clock);
  const invoker = new Invoker(registry, log);
  const longTimers = longTimerLimits(settings);
  const referenceEngine = reference && new ReferenceEngine({ ...reference, publicOrigin: url, registry, invoker, log });
  const urls = new ManagementUrls(url, rpcUrl, hostJson.hubName, keys.master);
  const appFunctions = new AppDurableFunctions(registry, invoker, longTimers, (fn) => urls.clientInputs(fn));
  const engine = referenceEngine
    ? undefined
    : new Engine(store, clock, appFunctions, {
        longTimers,
        log: (message) => log('warning', 'system', 'engine', message),
      });
  const clientBindings = referenceEngine ?? urls;
  const management = referenceEngine?.management ?? new ManagementApi(engine as Engine, urls);
  const front = new HttpFront(registry, invoker, management, clientBindings, hostJson.routePrefix, keys, (fn, error) =>
    log('error', 'system', fn, `Executed '${fn}' (Failed): ${(error as Error)?.stack ?? String(error)}`),
  );
  const timers = new TimerScheduler(timerFunctions, {
    clock,
    store,
    invoker,
    log,
    extraInputs: (fn) => clientBindings.clientInputs(fn),
  });
  const admin = async (req: HostRequest): Promise<HostResponse | undefined> => {
    if (req.url.pathname === '/admin/host/status')
      return json(200, { state: 'Running', functions: [...registry.functions.keys()] });
    if (req.url.pathname === '/admin/host/stats') {
      if (!front.isMasterKey(req)) return { status: 401 };
      return json(200, { storageTransactions: store.transactions, episodes: engine?.episodes });
    }
    if (req.url.pathname === '/admin/host/clock' && settings.LocalHost__ClockControl === 'true') {
      if (!front.isMasterKey(req)) return { status: 401 };
      if (req.method === 'POST') {
        const advanceMs = Number(JSON.parse(req.body.toString() || '{}').advanceMs);
        if (!(advanceMs >= 0)) return json(400, { Message: 'advanceMs must be a non-negative number of milliseconds' });
        await store.saveClockOffset(clock.offset + advanceMs);
        clock.advance(advanceMs);
      }
      return json(200, { now: new Date(clock.now()).toISOString() });
    }
    return timerAdmin(req, front, registry, timers);
  };

  // Requests wait until what the previous run left is picked up: a start or an event stored while the pending rows
  // are read would otherwise be delivered twice.
  const recovered = engine ? engine.recover() : Promise.resolve();
  const serve =
    (handler: (req: HostRequest) => Promise<HostResponse>, origin: string) =>
    (req: IncomingMessage, res: ServerResponse) => {
      void (async () => {
        await recovered;
        if (Buffer.byteLength(req.url ?? '') > MAX_REQUEST_TARGET_BYTES) return writeResponse(res, { status: 414 });
        const request = await readRequest(req, origin);
        if (request === 'tooLarge') return writeResponse(res, json(413, { Message: 'Request body too large' }));
        writeResponse(res, await handler(request));
      })().catch((error) => {
        log('error', 'system', 'host', (error as Error).stack ?? String(error));
        if (!res.headersSent) writeResponse(res, json(500, {}));
      });
    };
  const site = webSite(options.appRoot, hostJson.routePrefix, settings);
  publicServer.on(
    'request',
    serve(async (req) => (await admin(req)) ?? (await site?.(req)) ?? front.handle(req), url),
  );
  rpcServer?.on(
    'request',
    serve(async (req) => {
      const base = '/durabletask/';
      return req.url.pathname.startsWith(base)
        ? management.handle(req, req.url.pathname.slice(base.length))
        : { status: 404 };
    }, rpcUrl),
  );

  await recovered;
  const bridgeUrl = await referenceEngine?.start();
  await timers.start();
  log(
    'information',
    'system',
    'host',
    `Host started: ${registry.functions.size} functions, task hub ${hostJson.hubName}, ${url}` +
      (bridgeUrl ? `; Durable engine: the reference (Durable Task extension at ${rpcUrl}), bridge ${bridgeUrl}` : ''),
  );
  return {
    url,
    rpcUrl,
    engine,
    clock,
    store,
    registry,
    timers,
    async stop() {
      timers.stop();
      engine?.stop();
      await referenceEngine?.stop();
      await Promise.all(
        [publicServer, ...(rpcServer ? [rpcServer] : [])].map(
          (s) =>
            new Promise((resolve) => {
              s.closeAllConnections();
              s.close(resolve);
            }),
        ),
      );
    },
  };
}

/** Azure's admin API for non-HTTP functions (`POST /admin/functions/{name}`), and the timers' status. */
function timerAdmin(
  req: HostRequest,
  front: HttpFront,
  registry: FunctionRegistry,
  timers: TimerScheduler,
): HostResponse | undefined {
  const invoke = /^\/admin\/functions\/([^/]+)$/.exec(req.url.pathname);
  if (req.url.pathname !== '/admin/host/timers' && !(invoke && req.method === 'POST')) return undefined;
  if (!front.isMasterKey(req)) return { status: 401 };
  if (!invoke) return json(200, timers.list());
  const requested = decodeURIComponent(invoke[1]);
  const name = timers.find(requested);
  if (!name) {
    const known = [...registry.functions.keys()].some((key) => key.toLowerCase() === requested.toLowerCase());
    return known
      ? json(400, { Message: `The local host invokes only timer functions through the admin API` })
      : json(404, { Message: `No function named '${requested}'` });
  }
  try {
    if (req.body.length) JSON.parse(req.body.toString());
  } catch {
    return json(400, { Message: 'The body must be JSON, e.g. {"input": ""}' });
  }
  timers.invokeNow(name);
  return { status: 202 };
}

/** The static folder beside the functions (`LocalHost__StaticRoot`, relative to the app), when one is set. */
function webSite(appRoot: string, routePrefix: string, settings: NodeJS.ProcessEnv) {
  const root = settings.LocalHost__StaticRoot;
  if (!root) return undefined;
  if (!routePrefix)
    throw new Error(
      'LocalHost__StaticRoot needs a route prefix (host.json extensions.http.routePrefix) to keep the site apart from the functions',
    );
  return staticSite({
    root: path.resolve(appRoot, root),
    reserved: [`/${routePrefix.toLowerCase()}`, '/admin', '/runtime'],
    configJson: settings.LocalHost__WebConfig || undefined,
  });
}

function required(settings: NodeJS.ProcessEnv, name: string): string {
  const value = settings[name];
  if (!value) throw new Error(`Setting ${name} is required by the local host`);
  return value;
}
