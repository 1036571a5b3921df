import type { HttpClient } from '@azure/core-rest-pipeline';
import { createDefaultHttpClient, createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import type { TableClient } from '@azure/data-tables';
import { RestError } from '@azure/data-tables';
import { randomUUID } from 'node:crypto';

/** Property values the durable store writes; anything else is refused rather than guessed at. */
export type BatchProperty = string | boolean | number;
export interface BatchEntity {
  partitionKey: string;
  rowKey: string;
  [property: string]: unknown;
}

export type BatchOperation =
  | { verb: 'create'; entity: BatchEntity }
  | { verb: 'replace'; entity: BatchEntity }
  | { verb: 'delete'; partitionKey: string; rowKey: string };

const CRLF = '\r\n';
const INT32 = 2 ** 31;

/**
 * An entity group transaction (`POST {account}/$batch`) in the Table service's documented
 * multipart/mixed format, sent through the TableClient's own pipeline (its SharedKey signing,
 * retries and HTTP client). TableClient.submitTransaction builds a new client and pipeline per
 * batch and runs every operation through a pipeline of its own to capture its request; in the
 * local host's hot path that cost a sixth of the host's CPU (bench/run.ts, part b) and bounded its throughput.
 * Throws a RestError carrying the failed operation's status (e.g. 409), as submitTransaction does.
 */
export class TableBatchSender {
  private readonly httpClient: HttpClient = createDefaultHttpClient();
  private readonly batchUrl: string;
  private readonly tableUrl: string;

  constructor(private readonly client: TableClient) {
    // A SAS connection string leaves its token in the client's URL: it belongs after $batch, not in the parts.
    const [account, sas] = client.url.split('?');
    const base = account.replace(/\/+$/, '');
    this.batchUrl = `${base}/$batch${sas ? `?${sas}` : ''}`;
    this.tableUrl = `${base}/${client.tableName}`;
  }

  async submit(operations: BatchOperation[]): Promise<void> {
    if (operations.length === 0 || operations.length > 100)
      throw new RangeError(`A batch holds 1 to 100 operations, not ${operations.length}`);
    // Azure refuses a batch across partitions; Azurite does not, so the local host checks it itself.
    const partitions = new Set(operations.map((o) => (o.verb === 'delete' ? o.partitionKey : o.entity.partitionKey)));
    if (partitions.size > 1) throw new RangeError('All operations of a batch must address one partition');
    const batch = `batch_${randomUUID()}`;
    const changeset = `changeset_${randomUUID()}`;
    const parts = operations.map((operation) => `--${changeset}${CRLF}${this.part(operation)}`);
    const body = [
      `--${batch}`,
      `Content-Type: multipart/mixed; boundary=${changeset}`,
      '',
      ...parts,
      `--${changeset}--`,
      `--${batch}--`,
      '',
    ].join(CRLF);
    const request = createPipelineRequest({
      url: this.batchUrl,
      method: 'POST',
      body,
      allowInsecureConnection: this.batchUrl.startsWith('http:'),
      headers: createHttpHeaders({
        'Content-Type': `multipart/mixed; boundary=${batch}`,
        Accept: 'application/json',
        'x-ms-version': '2019-02-02',
        DataServiceVersion: '3.0',
        MaxDataServiceVersion: '3.0;NetFx',
      }),
    });
    const response = await this.client.pipeline.sendRequest(this.httpClient, request);
    const text = response.bodyAsText ?? '';
    if (response.status < 200 || response.status >= 300) throw batchError(response.status, text);
    // A changeset that fails answers one sub-response: the failing operation's status and error.
    for (const match of text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)) {
      const status = Number(match[1]);
      if (status >= 300) throw batchError(status, text.slice(match.index));
    }
  }

  private part(operation: BatchOperation): string {
    const head = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary', ''];
    if (operation.verb === 'create') {
      return [...head, `POST ${this.tableUrl} HTTP/1.1`, ...entityHeaders, '', entityJson(operation.entity), ''].join(
        CRLF,
      );
    }
    if (operation.verb === 'replace') {
      const { partitionKey, rowKey } = operation.entity;
      return [
        ...head,
        `PUT ${this.entityUrl(partitionKey, rowKey)} HTTP/1.1`,
        ...entityHeaders,
        '',
        entityJson(operation.entity),
        '',
      ].join(CRLF);
    }
    return [
      ...head,
      `DELETE ${this.entityUrl(operation.partitionKey, operation.rowKey)} HTTP/1.1`,
      'Accept: application/json;odata=minimalmetadata',
      'DataServiceVersion: 3.0',
      'If-Match: *',
      '',
      '',
    ].join(CRLF);
  }

  private entityUrl(partitionKey: string, rowKey: string): string {
    const key = (value: string) => encodeURIComponent(value.replace(/'/g, "''"));
    return `${this.tableUrl}(PartitionKey='${key(partitionKey)}',RowKey='${key(rowKey)}')`;
  }
}

const entityHeaders = [
  'Content-Type: application/json',
  'Accept: application/json;odata=minimalmetadata',
  'Prefer: return-no-content',
  'DataServiceVersion: 3.0',
];

function entityJson(entity: BatchEntity): string {
  const { partitionKey, rowKey, ...properties } = entity;
  const json: Record<string, BatchProperty> = { PartitionKey: partitionKey, RowKey: rowKey };
  for (const [name, value] of Object.entries(properties)) {
    if (value === undefined) continue;
    const integral = typeof value === 'number' && Number.isInteger(value) && value >= -INT32 && value < INT32;
    if (typeof value !== 'string' && typeof value !== 'boolean' && !integral) {
      throw new TypeError(
        `Property '${name}' must be a string, a boolean or a 32-bit integer in a batch, not ${JSON.stringify(value)}`,
      );
    }
    json[name] = value as BatchProperty;
  }
  return JSON.stringify(json);
}

function batchError(status: number, text: string): RestError {
  const json = /\{.*\}/s.exec(text)?.[0];
  let error: { code?: string; message?: { value?: string } } | undefined;
  try {
    error = json ? (JSON.parse(json) as { 'odata.error'?: typeof error })['odata.error'] : undefined;
  } catch {
    error = undefined;
  }
  return new RestError(error?.message?.value ?? `The batch failed with status ${status}`, {
    statusCode: status,
    code: error?.code,
  });
}
