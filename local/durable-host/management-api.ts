import { randomUUID } from 'node:crypto';
import type { ManagementUrls } from './client-binding';
import type { InstanceState, RuntimeStatus } from './durable-store';
import type { Engine } from './engine';
import { toHistoryView } from './history-view';
import type { HostRequest, HostResponse } from './host-http';
import { json } from './host-http';

/**
 * The status API's answer per runtime status, as the extension's HttpApiHandler gives it: 202 while the instance may
 * still change (with Location and Retry-After), 200 once it ended, however it ended (500 for Failed only when the
 * caller asks with returnInternalServerErrorOnFailure=true).
 */
const STATUS_CODE: Record<RuntimeStatus, number> = {
  Pending: 202,
  Running: 202,
  ContinuedAsNew: 202,
  Completed: 200,
  Failed: 200,
  Terminated: 200,
};
/** The extension formats times with .NET's "s" format plus Z: whole seconds, UTC. */
const wholeSeconds = (iso: string): string => `${iso.slice(0, 19)}Z`;

const parseJson = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
const message = (status: number, text: string): HostResponse => json(status, { Message: text });

/**
 * The Durable Task extension's management API: the RPC surface the SDK's client calls
 * (`rpcBaseUrl`) and the public webhooks behind `createCheckStatusResponse` share these handlers.
 */
export class ManagementApi {
  constructor(
    private readonly engine: Engine,
    private readonly urls: ManagementUrls,
  ) {}

  /** `path` is relative to the API's base, e.g. `instances/abc/raiseEvent/Approved`. */
  async handle(req: HostRequest, path: string): Promise<HostResponse> {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const q = req.url.searchParams;
    const body = req.body.length ? req.body.toString('utf8') : undefined;
    try {
      if (parts[0] === 'orchestrators' && req.method === 'POST' && (parts.length === 2 || parts.length === 3)) {
        return await this.start(parts[1], parts[2] ?? randomUUID().replace(/-/g, ''), body);
      }
      if (parts[0] !== 'instances') return message(404, 'Not found');
      const [, id, action, eventName] = parts;
      if (!id && req.method === 'GET')
        return await this.list(q, req.headers['x-ms-continuation-token'] as string | undefined);
      if (id && parts.length === 2 && req.method === 'GET') return await this.status(req, id, q);
      if (id && parts.length === 2 && req.method === 'DELETE') return await this.purge(id);
      if (id && action === 'raiseEvent' && eventName && req.method === 'POST') {
        return this.outcome(await this.engine.raiseEvent(id, eventName, body));
      }
      if (id && action === 'terminate' && req.method === 'POST') {
        return this.outcome(await this.engine.terminate(id, q.get('reason') ?? ''));
      }
      return message(404, 'Not found');
    } catch (error) {
      if (error instanceof RangeError || error instanceof SyntaxError) return message(400, error.message);
      throw error;
    }
  }

  private async start(name: string, instanceId: string, input: string | undefined): Promise<HostResponse> {
    if (input !== undefined) JSON.parse(input);
    const outcome = await this.engine.start(name, instanceId, input);
    if (outcome === 'conflict')
      return message(409, `An instance with ID '${instanceId}' already exists and is not in a terminal state.`);
    const links = this.urls.forInstance(instanceId);
    return json(202, links, { location: links.statusQueryGetUri });
  }

  private async status(req: HostRequest, id: string, q: URLSearchParams): Promise<HostResponse> {
    const state = await this.engine.getState(id);
    if (!state) return { status: 404 };
    const showInput = q.get('showInput') !== 'false';
    const view = this.view(state, showInput);
    if (q.get('showHistory') === 'true') {
      view.historyEvents = toHistoryView(
        await this.engine.getHistory(state),
        q.get('showHistoryOutput') === 'true',
        showInput,
      );
    }
    const failedAs500 = state.status === 'Failed' && q.get('returnInternalServerErrorOnFailure') === 'true';
    const code = failedAs500 ? 500 : STATUS_CODE[state.status];
    const running: Record<string, string> = code === 202 ? { location: req.url.toString(), 'retry-after': '5' } : {};
    return json(code, view, running);
  }

  private async list(q: URLSearchParams, continuationToken: string | undefined): Promise<HostResponse> {
    // The extension parses each status and skips those it does not know: with none left, it does not filter.
    const known = (q.get('runtimeStatus') ?? '').split(',').filter((s): s is RuntimeStatus => s in STATUS_CODE);
    const statuses = known.length ? known : undefined;
    const date = (key: string) => (q.get(key) ? new Date(q.get(key) as string) : undefined);
    const query = {
      statuses,
      createdFrom: date('createdTimeFrom'),
      createdTo: date('createdTimeTo'),
      instanceIdPrefix: q.get('instanceIdPrefix') ?? undefined,
      pageSize: q.get('top') ? Number(q.get('top')) : 100,
    };
    // A token the store cannot read gets an empty last page, as on the extension (Azure Storage provider).
    const page = await this.engine.list({ ...query, continuationToken }).catch((error: unknown) => {
      if (continuationToken && (error instanceof SyntaxError || error instanceof RangeError))
        return { states: [], continuationToken: undefined };
      throw error;
    });
    // The last page carries the header too, empty, as the extension's does.
    const headers: Record<string, string> = { 'x-ms-continuation-token': page.continuationToken ?? '' };
    return json(
      200,
      page.states.map((s) => this.view(s, q.get('showInput') !== 'false')),
      headers,
    );
  }

  /** The extension answers an unknown instance 404 and an ended one 410, both without a body; a running one 412. */
  private async purge(id: string): Promise<HostResponse> {
    const state = await this.engine.getState(id);
    const outcome = await this.engine.purge(id);
    if (outcome === 'notFound') return { status: 404 };
    if (outcome === 'running')
      return json(
        412,
        `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${id} has status ${state?.status ?? 'Running'}`,
      );
    return json(200, { instancesDeleted: 1 });
  }

  private outcome(outcome: 'accepted' | 'notFound' | 'notRunning'): HostResponse {
    if (outcome === 'notFound') return { status: 404 };
    if (outcome === 'notRunning') return { status: 410 };
    return { status: 202 };
  }

  private view(state: InstanceState, showInput: boolean): Record<string, unknown> {
    return {
      name: state.name,
      instanceId: state.instanceId,
      runtimeStatus: state.status,
      input: showInput ? parseJson(state.input) : null,
      customStatus: parseJson(state.customStatus),
      output: parseJson(state.output),
      createdTime: wholeSeconds(state.createdAt),
      lastUpdatedTime: wholeSeconds(state.lastUpdatedAt),
    };
  }
}
