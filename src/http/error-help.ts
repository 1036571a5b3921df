import { ErrorCode } from '../domain/error-codes';
import { ERROR_HELP } from '../domain/error-help';

const CODES = new Set<string>(Object.values(ErrorCode));

/** Whether a value is an error as the API answers it: a known code and a message. */
const isError = (value: Record<string, unknown>): value is { code: ErrorCode; message: string } =>
  typeof value.code === 'string' && CODES.has(value.code) && typeof value.message === 'string';

/**
 * Every error in an answer, however deep (a registration's `error`, a re-consent's, an account's `lastError`, a
 * problem's `errors`), gets `help`: the page that fixes it (src/domain/error-help.ts).
 */
export function withHelp<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withHelp) as T;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).map(([key, v]) => [key, withHelp(v)]);
  const copy = Object.fromEntries(entries) as Record<string, unknown>;
  return (isError(copy) ? { ...copy, help: ERROR_HELP[copy.code] } : copy) as T;
}
