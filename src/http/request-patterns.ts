/**
 * Patterns of request fields. They land in the OpenAPI document as `pattern`s, where clients and
 * fuzzers read them in their own regex dialects: so `[0-9]`, never `\d` (elsewhere any Unicode digit),
 * explicit character classes, never `\p{…}` or `\s`, no lookaround, no flags.
 */

const HEX = '[0-9A-Fa-f]';
const GUID_SOURCE = `${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}`;
const DOMAIN_NAME_SOURCE = '(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}';

/** A GUID such as an application or tenant ID, in either case (the schemas lower-case it first). */
export const GUID = new RegExp(`^${GUID_SOURCE}$`);
/** A domain name (at least two labels), or a Directory (tenant) ID. */
export const DOMAIN_OR_TENANT_ID = new RegExp(`^(?:${DOMAIN_NAME_SOURCE}|${GUID_SOURCE})$`);
export const MPN_ID = /^[0-9]{5,10}$/;

/** What String.prototype.trim removes: White_Space and line terminators, as ECMAScript defines them. */
const TRIMMED = '\\t\\n\\v\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF';
/** Holds a character that trimming keeps: on a trimmed value, the same as not empty. Unanchored on purpose. */
export const NOT_BLANK = new RegExp(`[^${TRIMMED}]`);
/** No control character: Unicode's Cc, U+0000–U+001F and U+007F–U+009F. */
// eslint-disable-next-line no-control-regex -- naming control characters is the point
export const NO_CONTROL_CHARACTERS = /^[^\x00-\x1F\x7F-\x9F]*$/;

const DATE = '[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])';
const TIME = '(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]+)?)?';
const OFFSET = '(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])';
/** A date, or a date and time with its offset; seconds may be left out (the document's date-time needs them). */
export const DATE_OR_TIME = new RegExp(`^${DATE}(?:T${TIME}${OFFSET})?$`);

/** An authorization code as Entra ID puts it in the redirect: URL-safe characters only. */
export { AUTHORIZATION_CODE } from '../domain/pasted-consent';
/** What an HTTP header carries as it is, as the engine's continuation tokens do: printable ASCII. */
export const CONTINUATION_TOKEN = /^[\x20-\x7E]+$/;
/** An orchestration instance or organization ID as it may appear in a URL path. */
export const PATH_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A comma-separated list of these names (at least one), anchored. */
export function listOf(names: readonly string[]): RegExp {
  const one = `(?:${names.join('|')})`;
  return new RegExp(`^${one}(?:,${one})*$`);
}
