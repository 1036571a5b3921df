import { z } from 'zod';
import type { CredentialError } from '../domain/credential-errors';
import type { FieldError } from '../domain/error-codes';
import { ErrorCode } from '../domain/error-codes';
import { apiComponents, describes } from './schema-support';

export const errorCode = z
  .enum(ErrorCode)
  .describe('Stable error code: frontends branch on it; the message is for people.')
  .register(apiComponents, { id: 'ErrorCode' });

const field = z
  .string()
  .describe(
    'The input at fault: a dotted property path, a query or path parameter, or `body` for the request body as a whole.',
  );

/** Added to every error the API answers (src/http/error-help.ts). */
export const help = z
  .string()
  .describe(
    "The page that fixes it: Microsoft's (learn.microsoft.com, the Azure portal, Partner Center), the API's reference for a malformed request, or `/` (the wizard) for a step out of order.",
  );

export const fieldError = describes<FieldError>()(
  z.object({ code: errorCode, message: z.string(), field: field.optional(), help: help.optional() }),
).register(apiComponents, { id: 'FieldError' });

/** What Microsoft answered, for support to trace it. */
export const microsoftReferences = {
  aadsts: z.number().int().describe('The AADSTS error number, when Entra ID refused.').optional(),
  partnerCenterCode: z
    .union([z.string(), z.number()])
    .describe("Partner Center's error code, or the HTTP status of Partner Center or the Partner API, when one refused.")
    .optional(),
  correlationId: z.string().describe("Microsoft's correlation ID of the failed call.").optional(),
  traceId: z.string().describe("Entra ID's trace ID of the failed call.").optional(),
};

export const credentialError = describes<CredentialError>()(
  fieldError.extend({
    ...microsoftReferences,
    unavailable: z.boolean().describe('Microsoft could not be reached: trying again later may work.').optional(),
  }),
).register(apiComponents, { id: 'CredentialError' });

/** RFC 9457 problem details as src/http/problem.ts writes them. */
export const problemBody = z
  .object({
    type: z.string().describe('`urn:octo:payer-registration:error:<code>`'),
    title: z.string().describe("The HTTP status's reason phrase."),
    status: z.number().int().min(400).max(599),
    code: errorCode,
    message: z.string().describe('What went wrong and what to do, for people. Never contains a secret.'),
    field: field.optional(),
    help,
    ...microsoftReferences,
    errors: z
      .array(fieldError)
      .min(2)
      .describe('Every field error, when there is more than one (the first is repeated above).')
      .optional(),
  })
  .describe('An error (`application/problem+json`).')
  .register(apiComponents, { id: 'Problem' });

export type ProblemBody = z.output<typeof problemBody>;
