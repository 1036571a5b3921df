/**
 * Compares two engines' observations leaf by leaf, and holds every difference against the accepted ones
 * (test/reference/accepted-differences.json): a difference listed there for the scenario, path and values is accepted
 * with its reason; any other fails the scenario.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** A leaf missing on one side. */
export const ABSENT = '<absent>';
/** In an accepted difference: any value (present or absent). */
export const ANY = '<any>';

export interface Difference {
  path: string;
  local: unknown;
  reference: unknown;
}

export interface AcceptedDifference {
  /** A scenario's name, or `*` for every scenario. */
  scenario: string;
  /** A leaf path (`history[3].fields.Correlation`): `[*]` any index, `*` any one key, `**` anything, `{a,b}` either. */
  path: string;
  /** What the local engine gave (`<absent>`: nothing there; `<any>`: whatever). */
  local: unknown;
  /** What the reference engine (the Durable Task extension) gave. */
  reference: unknown;
  /** Why the difference is accepted rather than fixed. */
  reason: string;
  /** It does not show in every run (e.g. depends on timing): not reported when unused. */
  intermittent?: boolean;
}

export const ACCEPTED_DIFFERENCES_FILE = path.join('test', 'reference', 'accepted-differences.json');

export function loadAcceptedDifferences(repo: string): AcceptedDifference[] {
  const parsed = JSON.parse(readFileSync(path.join(repo, ACCEPTED_DIFFERENCES_FILE), 'utf8')) as unknown;
  if (!Array.isArray(parsed)) throw new Error(`${ACCEPTED_DIFFERENCES_FILE} must hold an array`);
  for (const [i, entry] of parsed.entries()) {
    const e = entry as Partial<AcceptedDifference>;
    for (const key of ['scenario', 'path', 'reason'] as const)
      if (typeof e[key] !== 'string' || !e[key]) throw new Error(`${ACCEPTED_DIFFERENCES_FILE}[${i}] lacks ${key}`);
    if (!('local' in e) || !('reference' in e))
      throw new Error(`${ACCEPTED_DIFFERENCES_FILE}[${i}] must say what each engine gave (local, reference)`);
  }
  return parsed as AcceptedDifference[];
}

/** Every leaf of a JSON value by path; an empty array or object is a leaf of its own. */
export function leaves(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(prefix, []);
    value.forEach((v, i) => leaves(v, `${prefix}[${i}]`, out));
  } else if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) out.set(prefix, {});
    for (const [k, v] of entries) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

export function diff(local: unknown, reference: unknown): Difference[] {
  const a = leaves(local);
  const b = leaves(reference);
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  return paths
    .map((p) => ({ path: p, local: a.has(p) ? a.get(p) : ABSENT, reference: b.has(p) ? b.get(p) : ABSENT }))
    .filter((d) => JSON.stringify(d.local) !== JSON.stringify(d.reference));
}

const WILDCARDS: Record<string, string> = { '**': '.*', '[*]': '\\[\\d+\\]', '*': '[^.[]+' };
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `[*]` any index, `*` any one key, `**` anything (any depth), `{a,b}` either key. */
function pathPattern(pattern: string): RegExp {
  const source = pattern
    .split(/(\*\*|\[\*\]|\*|\{[^}]*\})/)
    .map((part) => {
      if (WILDCARDS[part]) return WILDCARDS[part];
      if (/^\{[^}]*\}$/.test(part)) return `(?:${part.slice(1, -1).split(',').map(escape).join('|')})`;
      return escape(part);
    })
    .join('');
  return new RegExp(`^${source}$`);
}

const valueMatches = (expected: unknown, actual: unknown) =>
  expected === ANY || JSON.stringify(expected) === JSON.stringify(actual);

export function isAccepted(entry: AcceptedDifference, scenario: string, d: Difference): boolean {
  return (
    (entry.scenario === '*' || entry.scenario === scenario) &&
    pathPattern(entry.path).test(d.path) &&
    valueMatches(entry.local, d.local) &&
    valueMatches(entry.reference, d.reference)
  );
}

export interface Verdict {
  unexpected: Difference[];
  accepted: { difference: Difference; entry: AcceptedDifference }[];
}

/** The differences between the two observations, each accepted (with the entry) or not. */
export function judge(
  scenario: string,
  local: unknown,
  reference: unknown,
  acceptedDifferences: AcceptedDifference[],
): Verdict {
  const verdict: Verdict = { unexpected: [], accepted: [] };
  for (const difference of diff(local, reference)) {
    const entry = acceptedDifferences.find((e) => isAccepted(e, scenario, difference));
    if (entry) verdict.accepted.push({ difference, entry });
    else verdict.unexpected.push(difference);
  }
  return verdict;
}

const show = (v: unknown) => (v === ABSENT ? ABSENT : JSON.stringify(v));

/** The differences as lines a person reads: `path: local … | reference …`. */
export function describeDifferences(differences: Difference[]): string {
  return differences.map((d) => `  ${d.path}: local ${show(d.local)} | reference ${show(d.reference)}`).join('\n');
}
