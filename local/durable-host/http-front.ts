import { timingSafeEqual } from 'node:crypto';
import type { ManagementUrls } from './client-binding';
import type { FunctionRegistry, RegisteredFunction } from './functions-core-shim';
import type { HostRequest, HostResponse } from './host-http';
import { json } from './host-http';
import type { Invoker, RpcHttpData, RpcTypedData } from './invoker';
import type { ManagementApi } from './management-api';
import type { CompiledRoute } from './route-template';
import { compileRoute } from './route-template';

export interface HostKeys {
  master: string;
  function: string;
}

interface HttpRoute {
  fn: RegisteredFunction;
  route: CompiledRoute;
  methods: string[];
  authLevel: string;
}

const safeEqual = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Serves the app's HTTP triggers (route prefix, templates, methods, auth levels) and the durable webhooks. */
export class HttpFront {
  private readonly routes: HttpRoute[];

  constructor(
    registry: FunctionRegistry,
    private readonly invoker: Invoker,
    private readonly management: Pick<ManagementApi, 'handle'>,
    private readonly urls: Pick<ManagementUrls, 'clientInputs'>,
    private readonly routePrefix: string,
    private readonly keys: HostKeys,
    private readonly onError: (functionName: string, error: unknown) => void,
  ) {
    this.routes = registry
      .byTriggerType('httpTrigger')
      .map((fn) => ({
        fn,
        route: compileRoute((fn.trigger.route as string | undefined) ?? fn.metadata.name),
        methods: ((fn.trigger.methods as string[] | undefined) ?? ['GET', 'POST']).map((m) => m.toUpperCase()),
        authLevel: String(fn.trigger.authLevel ?? 'function').toLowerCase(),
      }))
      .sort((a, b) => b.route.specificity - a.route.specificity);
  }

  async handle(req: HostRequest): Promise<HostResponse> {
    const path = req.url.pathname;
    const webhooks = '/runtime/webhooks/durabletask/';
    if (path.startsWith(webhooks)) {
      if (!this.authorized(req, 'system')) return { status: 401 };
      return this.management.handle(req, path.slice(webhooks.length));
    }
    const prefix = this.routePrefix ? `/${this.routePrefix}/` : '/';
    if (!path.startsWith(prefix) && path !== prefix.slice(0, -1)) return { status: 404 };
    const relative = path.slice(prefix.length);
    for (const { fn, route, methods, authLevel } of this.routes) {
      const params = route.match(relative);
      if (!params || !methods.includes(req.method)) continue;
      if (!this.authorized(req, authLevel)) return { status: 401 };
      return this.invoke(fn, req, params);
    }
    return { status: 404 };
  }

  isMasterKey(req: HostRequest): boolean {
    const key = req.url.searchParams.get('code') ?? (req.headers['x-functions-key'] as string | undefined);
    return !!key && safeEqual(key, this.keys.master);
  }

  private authorized(req: HostRequest, level: string): boolean {
    if (level === 'anonymous') return true;
    const key = req.url.searchParams.get('code') ?? (req.headers['x-functions-key'] as string | undefined);
    if (!key) return false;
    if (safeEqual(key, this.keys.master)) return true;
    return level === 'function' && safeEqual(key, this.keys.function);
  }

  private async invoke(
    fn: RegisteredFunction,
    req: HostRequest,
    params: Record<string, string>,
  ): Promise<HostResponse> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const http: RpcHttpData = {
      method: req.method,
      url: req.url.href,
      headers,
      query: Object.fromEntries(req.url.searchParams),
      params,
      body: req.body.length ? { bytes: req.body } : null,
    };
    const inputData: Record<string, RpcTypedData> = { [fn.triggerName]: { http }, ...this.urls.clientInputs(fn) };
    try {
      const { returnValue } = await this.invoker.invoke(fn, inputData);
      const response = returnValue?.http;
      if (!response) return { status: 204 };
      return {
        status: Number(response.statusCode ?? 200),
        headers: response.headers ?? {},
        body: response.body?.bytes ? Buffer.from(response.body.bytes) : (response.body?.string ?? undefined),
      };
    } catch (error) {
      this.onError(fn.metadata.name, error);
      return json(500, {});
    }
  }
}
