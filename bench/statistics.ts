/** Order statistics over a sample of numbers (nearest-rank percentiles). */
export interface Summary {
  count: number;
  min: number;
  median: number;
  max: number;
}

const sorted = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = sorted(values);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = sorted(values);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function summarize(values: readonly number[]): Summary {
  const s = sorted(values);
  return { count: s.length, min: s[0] ?? NaN, median: median(s), max: s[s.length - 1] ?? NaN };
}
