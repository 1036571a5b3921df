import type { ValidateFunction } from 'ajv/dist/2020';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Stack } from '../../local/stack';
import { apiClient } from './registration-driver';

type ApiClient = ReturnType<typeof apiClient>;

type Json = Record<string, any>;
const ROOT = 'https://contract.test/openapi.json';

/** The document's schema for an operation's answer with this status and media type (undefined: not documented). */
export function documentedSchema(
  doc: Json,
  method: string,
  route: string,
  status: number,
  mediaType?: string,
): { schema?: Json; documented: boolean } {
  const operation = doc.paths[route]?.[method.toLowerCase()];
  let response = operation?.responses?.[String(status)];
  if (response?.$ref) response = doc.components.responses[String(response.$ref).split('/').pop() as string];
  if (!response) return { documented: false };
  if (!response.content) return { documented: mediaType === undefined };
  const media = mediaType === undefined ? undefined : response.content[mediaType];
  return media ? { schema: media.schema, documented: true } : { documented: false };
}

/** Validates values against the document's schemas (draft 2020-12, formats checked), `$ref`s into its components resolved. */
export function schemaValidator(doc: Json): (schema: Json) => ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  const rebase = <T>(value: T): T =>
    JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', `"${ROOT}#/$defs/`));
  ajv.addSchema({ $id: ROOT, $defs: rebase(doc.components.schemas) });
  const compiled = new Map<string, ValidateFunction>();
  return (schema) => {
    const key = JSON.stringify(schema);
    let validate = compiled.get(key);
    if (!validate) compiled.set(key, (validate = ajv.compile(rebase(schema))));
    return validate;
  };
}

/** The route template of the document that a request path matches, e.g. /ops/registrations/{instanceId}/history. */
export function routeOf(doc: Json, path: string): string | undefined {
  const bare = path.split('?')[0];
  return Object.keys(doc.paths).find((template) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`).test(bare),
  );
}

/** Why an answer does not conform to the document, or undefined when it does. */
export function contractViolation(
  doc: Json,
  validator: (schema: Json) => ValidateFunction,
  request: { method: string; path: string },
  answer: { status: number; contentType: string | null; text: string },
): string | undefined {
  const route = routeOf(doc, request.path);
  if (!route) return `${request.method} ${request.path}: no such path in the document`;
  const mediaType = answer.text ? (answer.contentType ?? '').split(';')[0].trim() : undefined;
  const { schema, documented } = documentedSchema(doc, request.method, route, answer.status, mediaType);
  const where = `${request.method} ${route} → ${answer.status} ${mediaType ?? '(no body)'}`;
  if (!documented) return `${where}: not documented`;
  if (!schema || (mediaType !== 'application/json' && mediaType !== 'application/problem+json')) return undefined;
  const validate = validator(schema);
  if (validate(JSON.parse(answer.text))) return undefined;
  return `${where}: ${JSON.stringify(validate.errors)}\n${answer.text}`;
}

/**
 * The API called as a person (registration-driver's apiClient), every answer asserted to be one the stack's own
 * OpenAPI document describes.
 */
export async function contractCheckedClient(stack: Stack, seen: string[] = []): Promise<ApiClient['call']> {
  const api = apiClient(stack, seen).call;
  const doc = (await (await fetch(`${stack.apiBaseUrl}/openapi.json`)).json()) as Json;
  const validator = schemaValidator(doc);
  return async (method, path, token, body) => {
    const answer = await api(method, path, token, body);
    expect(
      contractViolation(
        doc,
        validator,
        { method, path },
        { status: answer.status, contentType: answer.headers.get('content-type'), text: answer.text },
      ),
    ).toBeUndefined();
    return answer;
  };
}
