/** The lines of a host's output marked as warnings or errors. */
export const warningLines = (output: string): string[] =>
  output.split('\n').filter((line) => /\[(warning|error)\]/.test(line));

/** Says how many there were, with the first few cut to a readable length; nothing when there were none. */
export function logHostWarnings(log: (line: string) => void, lines: string[]): void {
  if (lines.length === 0) return;
  const first = lines
    .slice(0, 5)
    .map((line) => line.slice(0, 300))
    .join('\n    ');
  log(`  the host logged ${lines.length} warning/error line(s), e.g.:\n    ${first}`);
}
