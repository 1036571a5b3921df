import type { HttpRequest } from '@azure/functions';
import type { z, ZodType } from 'zod';
import type { FieldError, Result } from '../domain/error-codes';
import { ErrorCode, fail, ok } from '../domain/error-codes';

export const MAX_JSON_BODY_BYTES = 16 * 1024;

/** Reads a JSON body within the size limit and validates it by schema; every failure names its field. */
export async function readJsonBody<T>(
  request: HttpRequest,
  schema: ZodType<T>,
  options: { optional?: boolean } = {},
): Promise<Result<T, FieldError[]>> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_JSON_BODY_BYTES) return fail([tooLarge()]);
  const bytes = Buffer.from(await request.arrayBuffer());
  if (bytes.length > MAX_JSON_BODY_BYTES) return fail([tooLarge()]);
  let value: unknown = {};
  if (bytes.length > 0) {
    const type = request.headers.get('content-type') ?? '';
    if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
      return fail([
        {
          code: ErrorCode.UnsupportedMediaType,
          message: 'Send the body as JSON with Content-Type: application/json.',
          field: 'body',
        },
      ]);
    }
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      return fail([{ code: ErrorCode.MalformedJson, message: 'The request body is not valid JSON.', field: 'body' }]);
    }
  } else if (!options.optional) {
    return fail([{ code: ErrorCode.MalformedJson, message: 'A JSON request body is required.', field: 'body' }]);
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? ok(parsed.data) : fail(fieldErrors(parsed.error.issues));
}

/** Zod's issues as the API's field errors: unknown fields, too long, or invalid, each naming its field. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.map((issue): FieldError => {
    const field = issue.path.length ? issue.path.join('.') : 'body';
    if (issue.code === 'unrecognized_keys') {
      return {
        code: ErrorCode.UnknownField,
        message: `Unknown field(s): ${issue.keys.join(', ')}. Remove them.`,
        field: issue.keys[0],
      };
    }
    if (issue.code === 'too_big' && (issue.origin === 'string' || issue.origin === 'array'))
      return { code: ErrorCode.FieldTooLong, message: `${field}: ${issue.message}`, field };
    return { code: ErrorCode.InvalidField, message: `${field}: ${issue.message}`, field };
  });
}

const tooLarge = (): FieldError => ({
  code: ErrorCode.BodyTooLarge,
  message: `The request body exceeds ${MAX_JSON_BODY_BYTES} bytes.`,
  field: 'body',
});
