/**
 * Azure Communication Services Email's error answers: the Azure data-plane shape
 * `{"error": {"code", "message", "target"?, "details"?, "additionalInfo"?}}` with the same code in the
 * `x-ms-error-code` header (azure-rest-api-specs, specification/communication/data-plane/Email/stable/2025-09-01:
 * "default" responses of Email_Send and Email_GetSendResult → common-types ErrorResponse, header
 * "x-ms-error-code: Error code - this will be the same as the code in the error property"). The SDK
 * (`@azure/communication-email` 1.1.0) maps exactly that (`Mappers.ErrorResponse`,
 * `EmailSendExceptionHeaders.xMsErrorCode`) into a `RestError` with `statusCode`, `code`, `details`.
 *
 * | Refusal | Status | code | Source |
 * |---|---|---|---|
 * | missing / bad HMAC signature, bad or expired bearer token | 401 | `Denied`, "Denied by the resource provider." | public reports of ACS Email answering exactly this body to a bad signature or key (hafael/azure-mailer-driver#12; "401 Denied by the resource provider" write-ups) |
 * | sender's domain not linked to the resource | 404 | `DomainNotLinked`, "The specified sender domain has not been linked." | the message is public (Auth0 community, MicrosoftDocs/azure-docs#123379); the status is not documented — 404 as in public client tests; clients must branch on the code |
 * | malformed message (missing sender, subject, body, recipients; bad addresses; bad attachment) | 400 | `BadRequest` with `target` = the JSON path | the per-field codes are not published: the stand-in uses one code and names the field in `target` |
 * | missing / malformed `api-version` | 400 | `MissingApiVersionParameter` / `InvalidApiVersionParameter` | Azure REST API guidelines' codes |
 * | unknown operation id on the poll | 404 | `NotFound` | stand-in choice |
 * | body over 10 MB | 413 | `RequestEntityTooLarge` | the 10 MB limit is in the spec ("we limit the total size of an email request … to 10MB") |
 * | failed delivery (here: the SMTP catcher refused or was unreachable) | 200 on the poll, `status: "Failed"`, `error: {code: "EmailDropped", …}` | the spec's GetOperationStatusReturnsFailedTerminalStatus example |
 */

export interface AcsErrorDetail {
  code: string;
  message: string;
  target?: string;
  details?: AcsErrorDetail[];
}

export interface AcsErrorBody {
  error: AcsErrorDetail;
}

export class AcsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
    readonly details?: AcsErrorDetail[],
  ) {
    super(message);
    this.name = 'AcsError';
  }

  toBody(): AcsErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.target !== undefined ? { target: this.target } : {}),
        ...(this.details !== undefined ? { details: this.details } : {}),
      },
    };
  }
}

export const acsErrors = {
  denied: () => new AcsError(401, 'Denied', 'Denied by the resource provider.'),
  domainNotLinked: () => new AcsError(404, 'DomainNotLinked', 'The specified sender domain has not been linked.'),
  badRequest: (message: string, target?: string, details?: AcsErrorDetail[]) =>
    new AcsError(400, 'BadRequest', message, target, details),
  missingApiVersion: () =>
    new AcsError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    ),
  invalidApiVersion: (v: string) =>
    new AcsError(400, 'InvalidApiVersionParameter', `The api-version '${v}' is invalid.`),
  operationNotFound: (id: string) =>
    new AcsError(404, 'NotFound', `No email send operation with id '${id}' was found.`),
  tooLarge: (limit: number) => new AcsError(413, 'RequestEntityTooLarge', `The request is larger than ${limit} bytes.`),
  notFound: (path: string) => new AcsError(404, 'NotFound', `Resource not found: ${path}`),
  methodNotAllowed: (method: string) =>
    new AcsError(405, 'MethodNotAllowed', `The method ${method} is not allowed on this resource.`),
};

const FAULT_CODES: Record<number, [string, string]> = {
  400: ['BadRequest', 'Bad request.'],
  401: ['Denied', 'Denied by the resource provider.'],
  403: ['Forbidden', 'Forbidden.'],
  404: ['NotFound', 'Not found.'],
  408: ['RequestTimeout', 'The request timed out.'],
  429: ['TooManyRequests', 'Too many requests. Please retry after the time in the Retry-After header.'],
  500: ['InternalServerError', 'An internal error occurred.'],
  502: ['BadGateway', 'Bad gateway.'],
  503: ['ServiceUnavailable', 'The service is unavailable.'],
  504: ['GatewayTimeout', 'Gateway timeout.'],
};

/** The body of an injected status without a body of its own (fault injection). */
export function acsFaultBody(status: number): AcsErrorBody {
  const [code, message] = FAULT_CODES[status] ?? [`Http${status}`, `HTTP ${status}`];
  return { error: { code, message } };
}
