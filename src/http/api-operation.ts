import type { z } from 'zod';
import type { ErrorCode } from '../domain/error-codes';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'patch';
/** Who may call: anyone (no token), anyone signed in to an organization, or holders of the write or ops app role. */
export type Access = 'anonymous' | 'signedIn' | 'write' | 'ops';

export interface Reply {
  description: string;
  /** A JSON body (its output side); registered schemas become `$ref`s to components. */
  json?: z.ZodType;
  /** A body of another media type. */
  other?: { mediaType: string; schema: Record<string, unknown> };
  example?: unknown;
  /** Response headers: name → description. */
  headers?: Record<string, string>;
  /** Where this answer leads: OpenAPI links, by name. */
  links?: Record<string, ReplyLink>;
}

/** An operation an answer leads to, and the values it feeds there (runtime expressions). */
export interface ReplyLink {
  operationId: string;
  description: string;
  /** Parameter name → e.g. `$response.body#/registrationId` or `$request.query.status`. */
  parameters?: Record<string, string>;
}

/** One HTTP function of functions/, as documented. */
export interface ApiOperation {
  method: HttpMethod;
  /** The route as registered in functions/ (host.json's `api` prefix is in the server URL). */
  route: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  /** Request schemas, input side (before transforms and defaults). */
  query?: z.ZodType;
  params?: Record<string, z.ZodType>;
  body?: { schema: z.ZodType; optional?: boolean; example: unknown };
  replies: Partial<Record<number, Reply>>;
  /** Problem responses: status → the codes it carries. 401, 403 and 500 follow from `access`. */
  problems?: Partial<Record<number, readonly ErrorCode[]>>;
}
