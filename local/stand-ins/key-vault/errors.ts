/**
 * A Key Vault error answer: `{ error: { code, message, innererror? } }` with an HTTP status
 * (https://learn.microsoft.com/en-us/azure/key-vault/general/authentication-requests-and-responses#handling-error-responses).
 * Not published on Microsoft's pages, and taken from the service's answers as SDK issues quote them: a disabled version's
 * 403 `Forbidden` "Operation get is not allowed on a disabled secret." with `innererror.code` `SecretDisabled`
 * (Azure/azure-sdk-for-js#24756), and a missing secret's 404 `SecretNotFound`.
 */
export class KeyVaultError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly innerCode?: string,
  ) {
    super(message);
  }

  toBody(): { error: { code: string; message: string; innererror?: { code: string } } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.innerCode ? { innererror: { code: this.innerCode } } : {}),
      },
    };
  }
}

const NOT_FOUND_HINT =
  'If you recently deleted this secret you may be able to recover it using the correct recovery command. ' +
  'For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182';

export const kvErrors = {
  secretNotFound: (nameOrId: string) =>
    new KeyVaultError(
      404,
      'SecretNotFound',
      `A secret with (name/id) ${nameOrId} was not found in this key vault. ${NOT_FOUND_HINT}`,
    ),
  deletedSecretNotFound: (name: string) =>
    new KeyVaultError(404, 'SecretNotFound', `Deleted Secret not found: ${name}`),
  deletedConflict: (name: string) =>
    new KeyVaultError(
      409,
      'Conflict',
      `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; ` +
        'in this state, the secret can only be recovered or purged.',
    ),
  disabled: (operation: string) =>
    new KeyVaultError(
      403,
      'Forbidden',
      `Operation ${operation} is not allowed on a disabled secret.`,
      'SecretDisabled',
    ),
  badParameter: (message: string) => new KeyVaultError(400, 'BadParameter', message),
  unauthorized: (message: string) => new KeyVaultError(401, 'Unauthorized', message),
  notFound: (path: string) => new KeyVaultError(404, 'NotFound', `No route for ${path}`),
  methodNotAllowed: (method: string, path: string) =>
    new KeyVaultError(
      405,
      'MethodNotAllowed',
      `The requested resource ${path} does not support the HTTP method '${method}'.`,
    ),
};

const FAULT_CODES: Record<number, string> = {
  400: 'BadParameter',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  408: 'RequestTimeout',
  409: 'Conflict',
  429: 'Throttled',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/** The error an injected fault answers with. */
export function faultError(status: number): KeyVaultError {
  const code = FAULT_CODES[status] ?? (status >= 500 ? 'InternalServerError' : 'BadRequest');
  return new KeyVaultError(status, code, `Injected fault: HTTP ${status} from the Key Vault stand-in.`);
}
