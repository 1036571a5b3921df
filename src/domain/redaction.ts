/**
 * Redaction of recorded data before ops see it. By design no secret ever enters orchestration
 * state; these functions check it again on output: keep only whitelisted fields, and replace
 * anything shaped like a token as a last line of defence.
 */

export const REDACTED = '[redacted]';

/** Runs of token characters (base64url, JWT segments, Entra secrets with '~'); '/', ':' and '=' split runs so URLs, times and key=value survive. */
const TOKEN_RUN = /[A-Za-z0-9._~+-]{16,}/g;
const JWT = /^eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\./;
/** GUIDs and hex IDs (instance IDs, correlation IDs, Key Vault versions) are identifiers, not secrets. */
const HEX_ID = /^[0-9a-f]+(-[0-9a-f]+)*$/i;
const MAX_TEXT = 300;

function looksLikeToken(run: string): boolean {
  if (JWT.test(run)) return true;
  // Entra ID client secret values carry a '~' (e.g. "abc8Q~…"); identifiers never do.
  if (run.includes('~')) return true;
  if (run.length < 32 || HEX_ID.test(run)) return false;
  return /[A-Za-z]/.test(run) && /\d/.test(run);
}

/** Replaces every JWT, client-secret-like or long opaque token in the text. */
export function scrubText(text: string): string {
  return text.replace(TOKEN_RUN, (run) => (looksLikeToken(run) ? REDACTED : run));
}

/** The first line of a failure message, scrubbed and bounded: stack traces and payloads stay out. */
export function firstLine(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const line = text.split(/\r?\n/, 1)[0].trim();
  const scrubbed = scrubText(line);
  return scrubbed.length > MAX_TEXT ? `${scrubbed.slice(0, MAX_TEXT)}…` : scrubbed;
}

/** Every string in the value scrubbed (a deep copy); the final pass over anything shown to ops. */
export function scrubDeep<T>(value: T): T {
  if (typeof value === 'string') return scrubText(value) as T;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v)])) as T;
  }
  return value;
}

/**
 * Only the whitelisted dotted paths of a payload, and only where they hold a string, number or
 * boolean (an object at a whitelisted path is dropped, never copied whole). Strings are scrubbed.
 */
export function pickSafe(value: unknown, paths: readonly string[]): Record<string, unknown> | undefined {
  const parsed = typeof value === 'string' ? tryParse(value) : value;
  if (!parsed || typeof parsed !== 'object') return undefined;
  const out: Record<string, unknown> = {};
  let any = false;
  for (const path of paths) {
    const keys = path.split('.');
    let cursor: unknown = parsed;
    for (const key of keys)
      cursor =
        cursor && typeof cursor === 'object' && !Array.isArray(cursor)
          ? (cursor as Record<string, unknown>)[key]
          : undefined;
    if (typeof cursor !== 'string' && typeof cursor !== 'number' && typeof cursor !== 'boolean') continue;
    let target = out;
    for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[keys[keys.length - 1]] = typeof cursor === 'string' ? firstLine(cursor) : cursor;
    any = true;
  }
  return any ? out : undefined;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
