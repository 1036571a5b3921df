import type { Field } from './fields';

/** The wizard's own keys in this tab's sessionStorage (MSAL keeps its cache there under names of its own). */
const PREFIX = 'octo.';

export interface KeptValues {
  /** The form was sent and accepted: nothing more to bring back. */
  forget(): void;
}

/**
 * What the person typed into these fields, kept in this tab across a reload and brought back; the caller never
 * passes a secret's field, so no secret is ever stored.
 */
export function keepValues(form: string, fields: Field[]): KeptValues {
  const key = `${PREFIX}form.${form}`;
  const kept = read(key);
  for (const f of fields) {
    const value = kept[f.name];
    if (typeof value === 'string' && value) f.input.value = value;
    f.input.addEventListener('input', () =>
      write(key, JSON.stringify(Object.fromEntries(fields.map((g) => [g.name, g.input.value])))),
    );
  }
  return { forget: () => remove(key) };
}

/** A yes/no the person gave (a ticked checklist), kept for this tab. */
export const remembered = (name: string) => readRaw(`${PREFIX}${name}`) === 'yes';
export const remember = (name: string, yes: boolean) => write(`${PREFIX}${name}`, yes ? 'yes' : 'no');

/** Signing out forgets what this tab kept. */
export function forgetAll(): void {
  try {
    for (const key of Object.keys(sessionStorage)) if (key.startsWith(PREFIX)) sessionStorage.removeItem(key);
  } catch {
    // Storage refused (a privacy setting): nothing was kept.
  }
}

function read(key: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readRaw(key) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function readRaw(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    sessionStorage.setItem(key, value);
  } catch {
    // Storage full or refused: the values are simply not kept.
  }
}

function remove(key: string): void {
  try {
    sessionStorage.removeItem(key);
  } catch {
    // As above.
  }
}
