import { createHash } from 'node:crypto';
import type { AppConfig } from '../config';
import type { HttpEndpoint } from './endpoint';
import { openApiDocument as build } from './openapi';
import { internalError } from './problem';

let served: { body: string; etag: string } | undefined;

function render(config: AppConfig): { body: string; etag: string } {
  const body = JSON.stringify(
    build({
      publicBaseUrl: config.PUBLIC_BASE_URL,
      writeRole: config.API_WRITE_ROLE,
      opsRole: config.API_OPS_ROLE,
    }),
  );
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/** GET /api/openapi.json: the contract, built once per process; anonymous, and cacheable by its ETag. */
export const openApiDocument: HttpEndpoint = async (request, context, { services }) => {
  try {
    served ??= render(services.config);
  } catch (error) {
    context.error(`The OpenAPI document could not be built: ${(error as Error)?.message ?? String(error)}`);
    return internalError();
  }
  const headers = { 'cache-control': 'public, max-age=300', etag: served.etag };
  const known = (request.headers.get('if-none-match') ?? '').split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (known.includes(served.etag)) return { status: 304, headers };
  return { status: 200, headers: { ...headers, 'content-type': 'application/json; charset=utf-8' }, body: served.body };
};
