/**
 * Every error the API answers has one of these stable codes; frontends branch on the code,
 * people read the message. Messages say what to do, never echo a secret.
 */
export const ErrorCode = {
  AuthenticationRequired: 'authentication_required',
  InvalidToken: 'invalid_token',
  Forbidden: 'forbidden',
  MalformedJson: 'malformed_json',
  BodyTooLarge: 'body_too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  InvalidField: 'invalid_field',
  FieldTooLong: 'field_too_long',
  UnknownField: 'unknown_field',
  PayerAccountExists: 'payer_account_exists',
  RegistrationInProgress: 'registration_in_progress',
  RegistrationNotFound: 'registration_not_found',
  ServiceUnavailable: 'service_unavailable',
  InternalError: 'internal_error',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface FieldError {
  code: ErrorCode;
  message: string;
  /** The input property at fault (dotted path), or `body` for the request body as a whole. */
  field?: string;
}

/** An expected failure of a use case, as a value rather than an exception. */
export type Result<T, E = FieldError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = <E>(error: E): Result<never, E> => ({ ok: false, error });
