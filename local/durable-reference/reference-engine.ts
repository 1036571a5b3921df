import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionRegistry, RegisteredFunction } from '../durable-host/functions-core-shim';
import type { HostRequest, HostResponse } from '../durable-host/host-http';
import type { Invoker, LogSink, RpcTypedData } from '../durable-host/invoker';
import { fromTypedData } from '../durable-host/invoker';

/** The extension's HTTP API as the Functions host exposes it: `/runtime/webhooks/durabletask/…`. */
const WEBHOOK_PATH = '/runtime/webhooks/durabletask/';
/** Request headers not passed on to the extension (hop by hop, or recomputed). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'content-length', 'host']);

export interface ReferenceEngineOptions {
  /** The durable client binding data as the extension issues it (`[DurableClient] string`), rpcBaseUrl included. */
  clientData: string;
  /** The host's public origin (http://127.0.0.1:PORT): the extension's webhook links point there. */
  publicOrigin: string;
  /** Where the bridge listens for the reference host's stubs. */
  bridgePort: number;
  bridgeHost?: string;
  /** The key the stubs send (`x-durable-reference-key`). */
  bridgeKey: string;
  registry: FunctionRegistry;
  invoker: Invoker;
  log: LogSink;
}

/**
 * The local host's reference mode: Microsoft's Durable Task extension (local/durable-reference, a .NET process) is the
 * engine. The host hands every durable client binding the extension's own data, so `df.getClient(context)` calls the
 * extension's management API (its `rpcBaseUrl`); passes the public durable webhooks on to the extension, as the
 * Functions host does; and serves the bridge that the extension's stubs call to run the app's orchestrators and
 * activities through the library's invocation model, as the Node worker would.
 */
export class ReferenceEngine {
  private readonly clientData: string;
  private readonly rpcOrigin: URL;
  private readonly server: Server;

  constructor(private readonly options: ReferenceEngineOptions) {
    const parsed = JSON.parse(options.clientData) as { rpcBaseUrl?: unknown };
    if (typeof parsed.rpcBaseUrl !== 'string')
      throw new Error('The reference engine needs the durable client binding data with its rpcBaseUrl');
    this.clientData = options.clientData;
    this.rpcOrigin = new URL(parsed.rpcBaseUrl);
    this.server = createServer((req, res) => void this.serveBridge(req, res));
  }

  async start(): Promise<string> {
    const host = this.options.bridgeHost ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) =>
      this.server.once('error', reject).listen(this.options.bridgePort, host, () => resolve()),
    );
    return `http://${host}:${(this.server.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Input data for each durable client binding of a function: the extension's binding data, as it binds it for any trigger. */
  clientInputs(fn: RegisteredFunction): Record<string, RpcTypedData> {
    const inputs: Record<string, RpcTypedData> = {};
    for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
      if (binding.type === 'durableClient' || binding.type === 'orchestrationClient') {
        inputs[name] = { string: this.clientData };
      }
    }
    return inputs;
  }

  /** The public webhooks (`path` relative to them), passed on to the extension with the public host, so its links point here. */
  readonly management = {
    handle: (req: HostRequest, path: string): Promise<HostResponse> => this.forward(req, path),
  };

  private forward(req: HostRequest, path: string): Promise<HostResponse> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers as IncomingHttpHeaders)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers.host = String(req.headers.host ?? req.url.host);
    if (req.body.length) headers['content-length'] = String(req.body.length);
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: this.rpcOrigin.hostname,
          port: this.rpcOrigin.port,
          method: req.method,
          path: `${WEBHOOK_PATH}${path}${req.url.search}`,
          headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const answer: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined && !HOP_BY_HOP.has(name))
                answer[name] = Array.isArray(value) ? value.join(', ') : value;
            }
            resolve({ status: res.statusCode ?? 502, headers: answer, body: Buffer.concat(chunks) });
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(req.body.length ? req.body : undefined);
    });
  }

  private async serveBridge(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = (status: number, body?: string) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body);
    };
    try {
      const key = String(req.headers['x-durable-reference-key'] ?? '');
      const expected = this.options.bridgeKey;
      if (key.length !== expected.length || !timingSafeEqual(Buffer.from(key), Buffer.from(expected)))
        return answer(401);
      const route = /^\/(orchestrations|activities)\/([^/?]+)$/.exec(req.url ?? '');
      if (!route || req.method !== 'POST') return answer(404);
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      const name = decodeURIComponent(route[2]);
      const fn = this.options.registry.get(name);
      const triggerType = route[1] === 'orchestrations' ? 'orchestrationTrigger' : 'activityTrigger';
      if (!fn || fn.trigger.type !== triggerType)
        return answer(404, JSON.stringify({ message: `No ${triggerType} function named '${name}'` }));
      let input: RpcTypedData;
      if (triggerType === 'orchestrationTrigger') input = { json: body };
      else if (req.headers['x-durable-reference-input'] === 'null') input = {};
      else input = activityInput(body);
      try {
        // As the Functions host binds them for any trigger: an activity may take a durable client too.
        const inputs = { [fn.triggerName]: input, ...this.clientInputs(fn) };
        const { returnValue } = await this.options.invoker.invoke(fn, inputs);
        const value = fromTypedData(returnValue);
        return value === undefined ? answer(204) : answer(200, JSON.stringify(value));
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        return answer(422, JSON.stringify({ message: err.message, stack: err.stack ?? '' }));
      }
    } catch (error) {
      this.options.log('error', 'system', 'bridge', (error as Error)?.stack ?? String(error));
      if (!res.headersSent) answer(500);
      else res.destroy();
    }
  }
}

/**
 * An activity's input as the extension binds it to a string: JSON (a string input arrives JSON-encoded once more, as
 * the SDK sent it), which the Functions host hands the Node worker as JSON; anything else as the string it is.
 */
export function activityInput(text: string): RpcTypedData {
  try {
    JSON.parse(text);
    return { json: text };
  } catch {
    return { string: text };
  }
}

/** The settings of the reference mode (LocalHost__DurableEngine=reference), or undefined for the local engine. */
export function referenceSettings(
  settings: NodeJS.ProcessEnv,
): { clientData: string; bridgePort: number; bridgeKey: string } | undefined {
  const engine = settings.LocalHost__DurableEngine ?? 'local';
  if (engine === 'local') return undefined;
  if (engine !== 'reference')
    throw new Error(`LocalHost__DurableEngine must be 'local' or 'reference', not '${engine}'`);
  const clientData = settings.LocalHost__DurableClient;
  const bridgePort = Number(settings.LocalHost__BridgePort);
  if (!clientData || !(bridgePort > 0))
    throw new Error('The reference engine needs LocalHost__DurableClient and LocalHost__BridgePort');
  if (settings.LocalHost__ClockControl === 'true')
    throw new Error('The reference engine keeps real time: LocalHost__ClockControl cannot be true with it');
  return { clientData, bridgePort, bridgeKey: settings.LocalHost__MasterKey ?? '' };
}
