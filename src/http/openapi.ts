import { z } from 'zod';
import { ErrorCode } from '../domain/error-codes';
import type { ApiOperation, Reply } from './api-operation';
import { API_OPERATIONS } from './api-operations';
import { problem } from './problem';
import { apiComponents } from './schema-support';

type JsonSchema = Record<string, unknown>;

export interface OpenApiOptions {
  /** PUBLIC_BASE_URL: the API is under its /api. */
  publicBaseUrl: string;
  writeRole: string;
  opsRole: string;
}

const API_VERSION = '1.0.0';
const SECURITY = 'entraId';
const PROBLEM_JSON = 'application/problem+json';
const ref = (kind: 'schemas' | 'responses', id: string) => ({ $ref: `#/components/${kind}/${id}` });

/** Zod's patterns beside these formats and its safe-integer bounds repeat what the type says; the document reads better without. */
function override({ jsonSchema }: { jsonSchema: JsonSchema }): void {
  if (jsonSchema.format === 'date-time' || jsonSchema.format === 'uuid') delete jsonSchema.pattern;
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
}

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const id = io === 'output' ? apiComponents.get(schema)?.id : undefined;
  if (id) return ref('schemas', id);
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    override,
  }) as JsonSchema;
  return json;
}

function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(apiComponents, {
    io: 'output',
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
    override,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _dialect, $id: _id, ...json } = schema as JsonSchema;
      return [id, json];
    }),
  );
}

function parameters(operation: ApiOperation): JsonSchema[] {
  const path = Object.entries(operation.params ?? {}).map(([name, schema]) => {
    const { description, ...json } = toSchema(schema, 'input');
    return { name, in: 'path', required: true, ...(description ? { description } : {}), schema: json };
  });
  const query = operation.query ? toSchema(operation.query, 'input') : { properties: {} };
  const required = (query.required ?? []) as string[];
  return [
    ...path,
    ...Object.entries(query.properties as Record<string, JsonSchema>).map(([name, { description, ...json }]) => ({
      name,
      in: 'query',
      required: required.includes(name),
      ...(description ? { description } : {}),
      schema: json,
    })),
  ];
}

function reply({ description, json, other, example, headers, links }: Reply): JsonSchema {
  const mediaType = json ? 'application/json' : other?.mediaType;
  const schema = json ? toSchema(json, 'output') : other?.schema;
  return {
    description,
    ...(headers
      ? {
          headers: Object.fromEntries(
            Object.entries(headers).map(([name, text]) => [name, { description: text, schema: { type: 'string' } }]),
          ),
        }
      : {}),
    ...(mediaType ? { content: { [mediaType]: { schema, ...(example !== undefined ? { example } : {}) } } } : {}),
    ...(links ? { links } : {}),
  };
}

const problemExample = (status: number, code: ErrorCode, message: string) =>
  JSON.parse(problem({ code, message }, status).body as string);

function problemReply(status: number, codes: readonly ErrorCode[]): JsonSchema {
  const example = problemExample(status, codes[0], 'What went wrong, and what to do about it.');
  return {
    description: `${example.title}: ${codes.map((c) => `\`${c}\``).join(', ')}.`,
    content: {
      [PROBLEM_JSON]: {
        schema: { allOf: [ref('schemas', 'Problem'), { type: 'object', properties: { code: { enum: [...codes] } } }] },
        example,
      },
    },
  };
}

function operationObject(operation: ApiOperation, options: OpenApiOptions): JsonSchema {
  const { access, body, replies, problems = {} } = operation;
  const role = access === 'write' ? options.writeRole : access === 'ops' ? options.opsRole : undefined;
  const needs =
    role && `Needs the app role \`${role}\`${access === 'ops' ? " in a token of the operator's own tenant" : ''}.`;
  const description = [operation.description, needs].filter(Boolean).join('\n\n');
  const responses: Record<string, unknown> = {};
  for (const [status, value] of Object.entries(replies)) responses[status] = reply(value as Reply);
  for (const [status, codes] of Object.entries(problems))
    responses[status] = problemReply(Number(status), codes as ErrorCode[]);
  if (access !== 'anonymous') {
    responses[401] = ref('responses', 'Unauthorized');
    // Also when Entra ID's signing keys cannot be fetched to check the token.
    responses[503] = problemReply(503, [...new Set([...(problems[503] ?? []), ErrorCode.ServiceUnavailable])]);
  }
  // Also for a personal Microsoft account, which belongs to no organization.
  if (access !== 'anonymous') responses[403] = ref('responses', 'Forbidden');
  responses[414] = ref('responses', 'UriTooLong');
  responses[500] = ref('responses', 'InternalError');
  const params = parameters(operation);
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(description ? { description } : {}),
    tags: [operation.tag],
    ...(access === 'anonymous' ? { security: [] } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(body
      ? {
          requestBody: {
            required: !body.optional,
            content: { 'application/json': { schema: toSchema(body.schema, 'input'), example: body.example } },
          },
        }
      : {}),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b))),
  };
}

/** The OpenAPI 3.1 document of every operation in API_OPERATIONS, from the same zod schemas that validate requests. */
export function openApiDocument(
  options: OpenApiOptions,
  operations: readonly ApiOperation[] = API_OPERATIONS,
): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    (paths[`/${operation.route}`] ??= {})[operation.method] = operationObject(operation, options);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Azure CSP payer-account registration API',
      version: API_VERSION,
      description:
        "Registers an organization's Azure CSP payer account in three steps, and lets ops follow every registration. Errors are RFC 9457 problem details with a stable `code`.",
    },
    servers: [{ url: `${options.publicBaseUrl}/api` }],
    security: [{ [SECURITY]: [] }],
    tags: [...new Set(operations.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        [SECURITY]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "An Entra ID access token for this API (its signature, issuer, audience and expiry are checked). The caller's organization comes from a configured claim (`tid` by default); writes and ops need app roles.",
        },
      },
      responses: {
        Unauthorized: {
          ...problemReply(401, [ErrorCode.AuthenticationRequired, ErrorCode.InvalidToken]),
          headers: {
            'WWW-Authenticate': {
              description: '`Bearer`, with `error="invalid_token"` for a token that is not valid.',
              schema: { type: 'string' },
            },
          },
        },
        Forbidden: problemReply(403, [ErrorCode.Forbidden]),
        // The platform answers before any function runs, so the schemas' maxLength cannot promise this away.
        UriTooLong: {
          description:
            'The address (path and query, percent-encoded) is longer than the platform takes: 8 KiB on the Functions host.',
        },
        InternalError: problemReply(500, [ErrorCode.InternalError]),
      },
    },
  };
}
