/** Endless pauses for looking again at something that is nearly ready: `firstMs`, then 1.5 times the last, at most `maxMs`. */
export function* backOff({ firstMs, maxMs }: { firstMs: number; maxMs: number }): Generator<number, never, unknown> {
  for (let pause = firstMs; ; pause = Math.min(maxMs, pause * 1.5)) yield Math.round(Math.min(pause, maxMs));
}
