/** Key Vault's JSON shapes (SecretBundle, SecretItem, DeletedSecretBundle …) and request parsing. */
import { kvErrors } from './errors';
import {
  RECOVERABLE_DAYS,
  type DeletedSecret,
  type SecretVersion,
  type SetInput,
  type UpdateInput,
  type VersionOf,
} from './secret-store-state';

/** https://learn.microsoft.com/en-us/azure/key-vault/general/about-keys-secrets-certificates: 1-127 of 0-9, a-z, A-Z and -. */
export const NAME_PATTERN = /^[0-9a-zA-Z-]{1,127}$/;
/**
 * https://learn.microsoft.com/en-us/azure/key-vault/secrets/about-secrets: a value is at most 25k bytes (counted as UTF-8
 * here), a contentType at most 255 characters; up to 15 tags. The status of a refusal is not published: 400 BadParameter.
 */
const MAX_VALUE_BYTES = 25 * 1024;
const MAX_CONTENT_TYPE_CHARS = 255;
const MAX_TAGS = 15;

function attributes(v: SecretVersion): Record<string, unknown> {
  return {
    enabled: v.enabled,
    ...(v.nbf !== undefined ? { nbf: v.nbf } : {}),
    ...(v.exp !== undefined ? { exp: v.exp } : {}),
    created: v.created,
    updated: v.updated,
    recoveryLevel: 'Recoverable+Purgeable',
    recoverableDays: RECOVERABLE_DAYS,
  };
}

function common(v: SecretVersion): Record<string, unknown> {
  return {
    ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
    attributes: attributes(v),
    ...(v.tags !== undefined ? { tags: v.tags } : {}),
  };
}

export function secretBundle(base: string, { name, v }: VersionOf, includeValue: boolean): Record<string, unknown> {
  return { ...(includeValue ? { value: v.value } : {}), id: `${base}/secrets/${name}/${v.version}`, ...common(v) };
}

export function secretItem(base: string, { name, v }: VersionOf, withVersion: boolean): Record<string, unknown> {
  return { id: `${base}/secrets/${name}${withVersion ? `/${v.version}` : ''}`, ...common(v) };
}

function deletedExtras(base: string, d: DeletedSecret): Record<string, unknown> {
  return {
    recoveryId: `${base}/deletedsecrets/${d.name}`,
    deletedDate: d.deletedDate,
    scheduledPurgeDate: d.scheduledPurgeDate,
  };
}

export function deletedSecretBundle(base: string, d: DeletedSecret): Record<string, unknown> {
  const current = { name: d.name, v: d.versions[d.versions.length - 1] };
  return { ...deletedExtras(base, d), ...secretBundle(base, current, false) };
}

export function deletedSecretItem(base: string, d: DeletedSecret): Record<string, unknown> {
  const current = { name: d.name, v: d.versions[d.versions.length - 1] };
  return { ...deletedExtras(base, d), ...secretItem(base, current, false) };
}

export function assertName(name: string): void {
  if (!NAME_PATTERN.test(name))
    throw kvErrors.badParameter(`The request URI contains an invalid name: ${name.slice(0, 140)}`);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function parseObject(raw: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = raw.length ? JSON.parse(raw) : undefined;
  } catch {
    throw kvErrors.badParameter('The request body is not valid JSON.');
  }
  if (!isRecord(body)) throw kvErrors.badParameter('The request body must be a JSON object.');
  return body;
}

/** The updatable parts of a SecretSetParameters / SecretUpdateParameters body. */
function parseProperties(body: Record<string, unknown>): UpdateInput {
  const out: UpdateInput = {};
  if (body.contentType !== undefined && body.contentType !== null) {
    if (typeof body.contentType !== 'string') throw kvErrors.badParameter('contentType must be a string.');
    if (body.contentType.length > MAX_CONTENT_TYPE_CHARS)
      throw kvErrors.badParameter(`contentType is limited to ${MAX_CONTENT_TYPE_CHARS} characters.`);
    out.contentType = body.contentType;
  }
  if (body.tags !== undefined && body.tags !== null) {
    if (!isRecord(body.tags) || Object.values(body.tags).some((t) => typeof t !== 'string')) {
      throw kvErrors.badParameter('tags must be an object of string values.');
    }
    if (Object.keys(body.tags).length > MAX_TAGS) throw kvErrors.badParameter(`At most ${MAX_TAGS} tags are allowed.`);
    out.tags = body.tags as Record<string, string>;
  }
  const attrs = body.attributes;
  if (attrs !== undefined && attrs !== null) {
    if (!isRecord(attrs)) throw kvErrors.badParameter('attributes must be an object.');
    if (attrs.enabled !== undefined && attrs.enabled !== null) {
      if (typeof attrs.enabled !== 'boolean') throw kvErrors.badParameter('attributes.enabled must be a boolean.');
      out.enabled = attrs.enabled;
    }
    for (const k of ['nbf', 'exp'] as const) {
      if (attrs[k] === undefined || attrs[k] === null) continue;
      if (typeof attrs[k] !== 'number' || !Number.isInteger(attrs[k]))
        throw kvErrors.badParameter(`attributes.${k} must be Unix seconds.`);
      out[k] = attrs[k] as number;
    }
  }
  return out;
}

export function parseSetBody(raw: string): SetInput {
  const body = parseObject(raw);
  if (typeof body.value !== 'string')
    throw kvErrors.badParameter('The parameter value is required and must be a string.');
  if (Buffer.byteLength(body.value, 'utf8') > MAX_VALUE_BYTES)
    throw kvErrors.badParameter(`Secret values are limited to ${MAX_VALUE_BYTES} bytes.`);
  return { value: body.value, ...parseProperties(body) };
}

export function parseUpdateBody(raw: string): UpdateInput {
  return parseProperties(parseObject(raw));
}
