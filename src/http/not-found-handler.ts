import { ErrorCode } from '../domain/error-codes';
import { API_OPERATIONS } from './api-operations';
import type { HttpEndpoint } from './endpoint';
import { problem } from './problem';

/** host.json's route prefix: every operation's route is under it. */
const ROUTE_PREFIX = '/api/';

/** Each operation's route as a pattern over the path after the prefix (a `{parameter}` is one segment). */
const ROUTES = API_OPERATIONS.map((operation) => ({
  method: operation.method.toUpperCase(),
  pattern: new RegExp(`^${operation.route.replace(/\{[^}]+\}/g, '[^/]+')}/?$`, 'i'),
}));

/**
 * Every request the API's operations do not take (the catch-all route, which the Functions host tries after all
 * others): 405 with `Allow` when the path is an operation's and the method is not, else 404 — as problem+json.
 */
export const notFound: HttpEndpoint = async (request) => {
  const pathname = new URL(request.url).pathname;
  const path = pathname.toLowerCase().startsWith(ROUTE_PREFIX) ? pathname.slice(ROUTE_PREFIX.length) : pathname;
  const allowed = [...new Set(ROUTES.filter((route) => route.pattern.test(path)).map((route) => route.method))];
  if (allowed.length > 0) {
    return problem(
      {
        code: ErrorCode.MethodNotAllowed,
        message: `${request.method} is not an operation of ${pathname}; it takes ${allowed.join(', ')}.`,
      },
      undefined,
      { allow: allowed.join(', ') },
    );
  }
  return problem({
    code: ErrorCode.RouteNotFound,
    message: `There is no operation at ${pathname}. The API's operations are listed in /api/openapi.json.`,
  });
};
