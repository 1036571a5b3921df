import { aadsts } from './errors';
import type { GrantContext, GrantHandler, TokenResponseBody } from './grant-context';
import { authorizationCodeGrant } from './authorization-code-grant';
import { clientCredentialsGrant } from './client-credentials-grant';
import { passwordGrant } from './password-grant';
import { refreshTokenGrant } from './refresh-token-grant';

/** One handler per `grant_type`: a file exporting a `GrantHandler`, and one line below. */
const GRANTS: Record<string, GrantHandler> = {
  client_credentials: clientCredentialsGrant,
  password: passwordGrant,
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
};

export async function handleTokenRequest(ctx: GrantContext): Promise<TokenResponseBody> {
  const grantType = ctx.params.get('grant_type');
  if (!grantType) throw aadsts.missingParameter('grant_type');
  const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
  if (!grant) throw aadsts.unsupportedGrantType(grantType);
  return grant(ctx);
}

/** `Authorization: Basic base64(urlencode(id):urlencode(secret))` → `client_id`/`client_secret`, if not in the body. */
export function mergeBasicClientAuth(params: URLSearchParams, authorization: string | undefined): URLSearchParams {
  const m = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!m) return params;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return params;
  const merged = new URLSearchParams(params);
  if (!merged.has('client_id')) merged.set('client_id', formDecode(decoded.slice(0, colon)));
  if (!merged.has('client_secret')) merged.set('client_secret', formDecode(decoded.slice(colon + 1)));
  return merged;
}

/** RFC 6749 §2.3.1 form-encoding; a malformed escape is taken literally. */
function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
