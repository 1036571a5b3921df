/** The secret routes of the Key Vault data plane, over the in-memory state. */
import { kvErrors } from './errors';
import type { SecretStoreState } from './secret-store-state';
import {
  assertName,
  deletedSecretBundle,
  deletedSecretItem,
  parseSetBody,
  parseUpdateBody,
  secretBundle,
  secretItem,
} from './wire';

export interface KvRequest {
  method: string;
  /** Decoded path segments, e.g. ['secrets', 'my-name', '<version>']; a trailing empty segment is dropped. */
  segments: string[];
  query: URLSearchParams;
  apiVersion: string;
  body: string;
  /** The vault's base URL (ids are built from it). */
  base: string;
}

export interface KvResponse {
  status: number;
  body?: unknown;
}

const DEFAULT_PAGE = 25;

export function handleSecretRequest(state: SecretStoreState, req: KvRequest): KvResponse {
  const {
    method,
    segments: [collection, name, sub, extra],
    base,
  } = req;
  if (extra !== undefined) throw kvErrors.notFound('/' + req.segments.join('/'));
  if (name !== undefined) assertName(name);

  if (collection === 'secrets') {
    if (name === undefined) {
      if (method !== 'GET') throw kvErrors.methodNotAllowed(method, '/secrets');
      return page(
        req,
        state.listCurrent().map((s) => secretItem(base, s, false)),
      );
    }
    if (sub === 'versions') {
      if (method !== 'GET') throw kvErrors.methodNotAllowed(method, req.segments.join('/'));
      return page(
        req,
        state.listVersions(name).map((s) => secretItem(base, s, true)),
      );
    }
    switch (method) {
      case 'PUT':
        if (sub !== undefined) throw kvErrors.methodNotAllowed(method, req.segments.join('/'));
        return { status: 200, body: secretBundle(base, state.set(name, parseSetBody(req.body)), true) };
      case 'GET':
        return { status: 200, body: secretBundle(base, state.get(name, sub), true) };
      case 'PATCH':
        return { status: 200, body: secretBundle(base, state.update(name, sub, parseUpdateBody(req.body)), false) };
      case 'DELETE':
        if (sub !== undefined) throw kvErrors.methodNotAllowed(method, req.segments.join('/'));
        return { status: 200, body: deletedSecretBundle(base, state.delete(name)) };
      default:
        throw kvErrors.methodNotAllowed(method, req.segments.join('/'));
    }
  }

  if (collection === 'deletedsecrets') {
    if (name === undefined) {
      if (method !== 'GET') throw kvErrors.methodNotAllowed(method, '/deletedsecrets');
      return page(
        req,
        state.listDeleted().map((d) => deletedSecretItem(base, d)),
      );
    }
    if (sub === 'recover' && method === 'POST') {
      return { status: 200, body: secretBundle(base, state.recover(name), false) };
    }
    if (sub !== undefined) throw kvErrors.notFound('/' + req.segments.join('/'));
    if (method === 'GET') return { status: 200, body: deletedSecretBundle(base, state.getDeleted(name)) };
    if (method === 'DELETE') {
      state.purge(name);
      return { status: 204 };
    }
    throw kvErrors.methodNotAllowed(method, req.segments.join('/'));
  }

  throw kvErrors.notFound('/' + req.segments.join('/'));
}

/** Key Vault paging: `maxresults` (1-25), `$skiptoken`, and an absolute `nextLink` (null on the last page). */
function page(req: KvRequest, items: unknown[]): KvResponse {
  const maxRaw = req.query.get('maxresults');
  const max = maxRaw === null || maxRaw === '' ? DEFAULT_PAGE : Number(maxRaw);
  if (!Number.isInteger(max) || max < 1 || max > DEFAULT_PAGE) {
    throw kvErrors.badParameter(`maxresults must be an integer from 1 to ${DEFAULT_PAGE}.`);
  }
  const token = req.query.get('$skiptoken');
  const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw kvErrors.badParameter('Invalid $skiptoken.');
  const value = items.slice(offset, offset + max);
  let nextLink: string | null = null;
  if (offset + max < items.length) {
    const next = new URLSearchParams({
      'api-version': req.apiVersion,
      $skiptoken: Buffer.from(String(offset + max)).toString('base64url'),
      maxresults: String(max),
    });
    nextLink = `${req.base}/${req.segments.join('/')}?${next.toString()}`;
  }
  return { status: 200, body: { value, nextLink } };
}
