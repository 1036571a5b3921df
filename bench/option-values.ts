import type { DurableEngine } from '../local/stack';

/** The comma-separated values of an option, each once. */
export function listOf(value: string): string[] {
  return [...new Set(value.split(',').map((v) => v.trim()))];
}

/** An integer option in min..max; `usage` follows the error when given. */
export function integerOption(name: string, value: string, max: number, min = 1, usage = ''): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`--${name} must be an integer in ${min}..${max}${usage ? `\n${usage}` : ''}`);
  return n;
}

/** A list of Durable engines to run on. */
export function enginesOption(name: string, value: string, usage = ''): DurableEngine[] {
  return listOf(value).map((v) => {
    if (v !== 'local' && v !== 'reference')
      throw new Error(`--${name} takes local and/or reference${usage ? `\n${usage}` : ''}`);
    return v;
  });
}
