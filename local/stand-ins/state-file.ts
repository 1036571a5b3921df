import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * A stand-in's state kept in one JSON file, so it survives a restart (or a crash) of the stack as Azurite's data
 * does. Each save writes the whole state to a temporary file and renames it over the old one: a reader, or the next
 * start after a kill, finds either the previous state or the new one, never half of one. Saves are synchronous, so a
 * change is on disk before the request that made it is answered.
 */
export class StateFile<T> {
  private readonly temporary: string;

  constructor(readonly filePath: string) {
    this.temporary = `${filePath}.${process.pid}.tmp`;
  }

  /** The saved state; undefined when nothing was saved yet. A file that is not JSON stops the start, naming it. */
  load(): T | undefined {
    let text: string;
    try {
      text = readFileSync(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new Error(
        `Cannot read the stand-in state in ${this.filePath} (${(error as Error).message}); move it away to start empty`,
        { cause: error },
      );
    }
  }

  save(state: T): void {
    mkdirSync(path.dirname(this.filePath), { recursive: true });
    writeFileSync(this.temporary, JSON.stringify(state));
    renameSync(this.temporary, this.filePath);
  }
}
