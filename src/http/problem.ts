import type { HttpResponseInit } from '@azure/functions';
import type { CredentialError } from '../domain/credential-errors';
import type { FieldError } from '../domain/error-codes';
import { ErrorCode } from '../domain/error-codes';
import { withHelp } from './error-help';
import type { ProblemBody } from './problem-schema';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  422: 'Unprocessable Content',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  429: 'Too Many Requests',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.AuthenticationRequired]: 401,
  [ErrorCode.InvalidToken]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.PayerAccountExists]: 409,
  [ErrorCode.RegistrationInProgress]: 409,
  [ErrorCode.RegistrationNotFound]: 404,
  [ErrorCode.PayerAccountNotFound]: 404,
  [ErrorCode.ReconsentNotFound]: 404,
  [ErrorCode.InstanceNotFound]: 404,
  [ErrorCode.ServiceUnavailable]: 503,
  [ErrorCode.SecretStoreUnavailable]: 503,
  [ErrorCode.RegistrationNotAtThisStep]: 409,
  [ErrorCode.ConcurrentChange]: 409,
  [ErrorCode.ConsentLinkReplaced]: 410,
  [ErrorCode.ConsentLinkExpired]: 410,
  [ErrorCode.TooManyConsentEmails]: 429,
  [ErrorCode.TooManyConnectionChecks]: 429,
  [ErrorCode.AdminEmailNotAllowed]: 422,
  [ErrorCode.InternalError]: 500,
  [ErrorCode.RouteNotFound]: 404,
  [ErrorCode.MethodNotAllowed]: 405,
};

/** The HTTP status an error code is answered with (400 unless listed). */
export const statusOf = (code: ErrorCode): number => STATUS_OF[code] ?? 400;

/** RFC 9457 problem details with the product's stable code, a message for people and the field at fault. */
export function problem(
  errors: FieldError | FieldError[],
  status?: number,
  headers: Record<string, string> = {},
): HttpResponseInit {
  const list = Array.isArray(errors) ? errors : [errors];
  const [first] = list;
  const code = status ?? statusOf(first.code);
  return {
    status: code,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify(
      withHelp({
        type: `urn:octo:payer-registration:error:${first.code}`,
        title: TITLES[code] ?? 'Error',
        status: code,
        code: first.code,
        message: first.message,
        ...(first.field !== undefined ? { field: first.field } : {}),
        ...microsoftReferences(first),
        ...(list.length > 1 ? { errors: list } : {}),
      } satisfies Omit<ProblemBody, 'help'>),
    ),
  };
}

/** For errors Microsoft answered: its error number or code and the IDs its support asks for. */
function microsoftReferences(
  error: FieldError,
): Pick<CredentialError, 'aadsts' | 'partnerCenterCode' | 'correlationId' | 'traceId'> {
  const { aadsts, partnerCenterCode, correlationId, traceId } = error as CredentialError;
  return Object.fromEntries(
    Object.entries({ aadsts, partnerCenterCode, correlationId, traceId }).filter(([, v]) => v !== undefined),
  );
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(withHelp(value)),
  };
}

export const internalError = (): HttpResponseInit =>
  problem({
    code: ErrorCode.InternalError,
    message:
      'Something went wrong on our side. Try again; if it persists, contact support with the time of the request.',
  });
