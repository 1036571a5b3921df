/**
 * Entra ID's answers to browsers (CORS). Discovery documents and signing keys are public: any origin may read
 * them. The token endpoint answers only the origins of redirect URIs on the Single-page application platform,
 * which is how a browser app (MSAL for the browser) redeems its code and refreshes its tokens. A preflight
 * carries no body, so it cannot name the client: any app's SPA origin passes it, and the token request itself
 * is judged by its client (authorization-code-grant.ts: 9002326).
 */

const PUBLIC_DOCUMENTS = [
  /^\/common\/discovery\/instance$/,
  /^\/[^/]+\/(?:v2\.0\/)?\.well-known\/openid-configuration$/,
  /^\/[^/]+\/discovery\/(?:v2\.0\/)?keys$/,
];
const TOKEN_ENDPOINT = /^\/[^/]+\/oauth2\/v2\.0\/token$/;
const PREFLIGHT_MAX_AGE_SECONDS = '86400';

export interface CorsAnswer {
  /** headers to add to the answer */
  headers: Record<string, string>;
  /** an `OPTIONS` preflight: answer it at once (204) */
  preflight: boolean;
}

export function corsFor(
  request: { method?: string; headers: Record<string, string | string[] | undefined> },
  pathname: string,
  spaOrigins: () => Set<string>,
): CorsAnswer {
  const origin = request.headers.origin;
  const preflight = request.method === 'OPTIONS';
  if (typeof origin !== 'string' || !origin) return { headers: {}, preflight: false };
  if (PUBLIC_DOCUMENTS.some((p) => p.test(pathname))) {
    const headers: Record<string, string> = { 'Access-Control-Allow-Origin': '*' };
    if (preflight) headers['Access-Control-Allow-Methods'] = 'GET, OPTIONS';
    return { headers, preflight };
  }
  if (!TOKEN_ENDPOINT.test(pathname)) return { headers: {}, preflight: false };
  // An origin that is no SPA's gets no CORS header: the browser keeps the answer from the page.
  if (!spaOrigins().has(origin)) return { headers: {}, preflight };
  const headers: Record<string, string> = { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  if (preflight) {
    headers['Access-Control-Allow-Methods'] = 'POST, OPTIONS';
    const asked = request.headers['access-control-request-headers'];
    if (typeof asked === 'string' && asked) headers['Access-Control-Allow-Headers'] = asked;
    headers['Access-Control-Max-Age'] = PREFLIGHT_MAX_AGE_SECONDS;
  } else {
    headers['Access-Control-Expose-Headers'] = 'x-ms-request-id, client-request-id';
  }
  return { headers, preflight };
}
