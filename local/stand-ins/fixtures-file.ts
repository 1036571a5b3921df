import { readFileSync } from 'node:fs';
import type { ZodType } from 'zod';

/**
 * A stand-in's fixtures: the bundled ones, or another JSON file of the same shape, validated by the stand-in's schema;
 * throws naming every offending path.
 */
export function loadFixtures<T>(standIn: string, schema: ZodType<T>, bundled: unknown, filePath?: string): T {
  const raw: unknown = filePath === undefined ? bundled : JSON.parse(readFileSync(filePath, 'utf8'));
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`Invalid ${standIn} stand-in fixtures: ${issues.join('; ')}`);
  }
  return result.data;
}
