/**
 * `verifyAccessToken` for the Key Vault stand-in: checks an Entra ID (stand-in) access token
 * against the issuer's JWKS, like Key Vault does — signature (RS256), issuer, audience
 * https://vault.azure.net, expiry — and optionally the tenant.
 */
import * as https from 'node:https';
import { KEY_VAULT_RESOURCE } from './server';

export interface AccessTokenVerifierOptions {
  /** e.g. entra.jwksUri(tenantId) */
  jwksUri: string;
  /** e.g. entra.issuer(tenantId); one or several accepted issuers. */
  issuer: string | string[];
  /** Default `https://vault.azure.net`. */
  audience?: string | string[];
  /** When set, the `tid` claim must equal it. */
  tenantId?: string;
  /** PEM CA to trust for the JWKS fetch when NODE_EXTRA_CA_CERTS is not set in this process. */
  ca?: string;
}

/** Codes of jose errors that mean "this token is bad"; anything else (JWKS unreachable…) is rethrown. */
const TOKEN_REJECTED =
  /^ERR_(JWT|JWS)_|^ERR_JWKS_NO_MATCHING_KEY$|^ERR_JWKS_MULTIPLE_MATCHING_KEYS$|^ERR_JOSE_ALG_NOT_ALLOWED$|^ERR_JOSE_NOT_SUPPORTED$/;

export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): (token: string) => Promise<boolean> {
  // jose is loaded on first use (it is a dev dependency, like everything under local/).
  let ready: Promise<(token: string) => Promise<boolean>> | undefined;
  const audience = options.audience ?? KEY_VAULT_RESOURCE;

  async function build(): Promise<(token: string) => Promise<boolean>> {
    const { createRemoteJWKSet, jwtVerify } = await import('jose');
    const jwks = createRemoteJWKSet(
      new URL(options.jwksUri),
      options.ca ? { agent: new https.Agent({ ca: options.ca }) } : {},
    );
    return async (token) => {
      try {
        const { payload } = await jwtVerify(token, jwks, { issuer: options.issuer, audience, algorithms: ['RS256'] });
        return options.tenantId === undefined || payload.tid === options.tenantId;
      } catch (err) {
        if (TOKEN_REJECTED.test(String((err as { code?: unknown }).code ?? ''))) return false;
        throw err;
      }
    };
  }

  return async (token) => {
    ready ??= build();
    return (await ready)(token);
  };
}
