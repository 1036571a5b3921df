import type { HttpRequest } from '@azure/functions';
import type { ZodType } from 'zod';
import type { FieldError, Result } from '../domain/error-codes';
import { ErrorCode, fail } from '../domain/error-codes';
import { fieldErrors } from './request-body';

/** Validates the query string by schema; every failure names its parameter. A parameter given twice is refused. */
export function readQuery<T>(request: HttpRequest, schema: ZodType<T>): Result<T, FieldError[]> {
  const values: Record<string, string> = {};
  const repeated: FieldError[] = [];
  // From the URL itself: the trigger's query map keeps only one value of a repeated parameter.
  for (const [name, value] of new URL(request.url).searchParams) {
    if (name in values)
      repeated.push({
        code: ErrorCode.InvalidField,
        field: name,
        message: `${name}: give it once (lists are comma-separated).`,
      });
    values[name] = value;
  }
  if (repeated.length) return fail(repeated);
  const parsed = schema.safeParse(values);
  return parsed.success ? { ok: true, value: parsed.data } : fail(fieldErrors(parsed.error.issues));
}

/** A route parameter validated by schema, as a field error naming it. */
export function readParam<T>(request: HttpRequest, name: string, schema: ZodType<T>): Result<T, FieldError[]> {
  const parsed = schema.safeParse(request.params[name]);
  if (parsed.success) return { ok: true, value: parsed.data };
  return fail(fieldErrors(parsed.error.issues.map((issue) => ({ ...issue, path: [name] }))));
}
