/** What the bench needs of the host over HTTP (global fetch, which keeps connections alive). */
export interface InstanceStatus {
  instanceId: string;
  runtimeStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
  output: unknown;
}

export interface HostStats {
  storageTransactions: number;
  episodes: number;
}

const REQUEST_TIMEOUT_MS = 30_000;

export class DurableHttpClient {
  /** List requests made, each of which costs the host one storage query (subtracted from the figures). */
  listRequests = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly masterKey: string,
  ) {}

  /** Starts an orchestration through the app's HTTP trigger `POST /api/orchestrators/{name}/{instanceId}`. */
  async startOrchestration(name: string, instanceId: string): Promise<void> {
    const res = await this.expect(
      202,
      `${this.baseUrl}/api/orchestrators/${encodeURIComponent(name)}/${encodeURIComponent(instanceId)}`,
      { method: 'POST', body: '' },
    );
    await res.arrayBuffer(); // drain, so the connection goes back to the pool
  }

  /** Raises an event through the durable management API. */
  async raiseEvent(instanceId: string, eventName: string, payload: unknown): Promise<void> {
    const url = `${this.webhooks}/instances/${encodeURIComponent(instanceId)}/raiseEvent/${encodeURIComponent(eventName)}?code=${this.masterKey}`;
    const res = await this.expect(202, url, {
      method: 'POST',
      body: JSON.stringify(payload),
      headers: { 'content-type': 'application/json' },
    });
    await res.arrayBuffer();
  }

  /** Every instance in one of `statuses`, following `x-ms-continuation-token` for at most `maxPages` pages. */
  async listByStatus(statuses: string[], pageSize: number, maxPages: number): Promise<InstanceStatus[]> {
    const all: InstanceStatus[] = [];
    let token: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const url = `${this.webhooks}/instances?runtimeStatus=${statuses.join(',')}&top=${pageSize}&showInput=false&code=${this.masterKey}`;
      this.listRequests++;
      const res = await this.expect(200, url, { headers: token ? { 'x-ms-continuation-token': token } : {} });
      all.push(...((await res.json()) as InstanceStatus[]));
      token = res.headers.get('x-ms-continuation-token') ?? undefined;
      if (!token) return all;
    }
    throw new Error(`Instance list still had more after ${maxPages} pages of ${pageSize}`);
  }

  async stats(): Promise<HostStats> {
    const res = await this.expect(200, `${this.baseUrl}/admin/host/stats`, {
      headers: { 'x-functions-key': this.masterKey },
    });
    return (await res.json()) as HostStats;
  }

  private get webhooks(): string {
    return `${this.baseUrl}/runtime/webhooks/durabletask`;
  }

  private async expect(status: number, url: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    if (res.status !== status) {
      const body = await res.text().catch(() => '');
      throw new Error(
        `${init.method ?? 'GET'} ${url.replace(/code=[^&]+/, 'code=***')} answered ${res.status}, expected ${status}: ${body.slice(0, 500)}`,
      );
    }
    return res;
  }
}
