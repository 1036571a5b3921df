import { createHash, timingSafeEqual } from 'node:crypto';
import type { Directory } from './directory';
import { aadsts } from './errors';
import type { EntraApplication, EntraTenant } from './fixtures';

/** The client of a token request, once identified (and, for confidential clients, authenticated). */
export interface AuthenticatedClient {
  app: EntraApplication;
  /** true when the client proved itself with a secret (`azpacr`/`appidacr` "1") */
  confidential: boolean;
}

const digest = (s: string) => createHash('sha256').update(s).digest();
/** Constant-time comparison of two secrets (or passwords). */
export const secretsEqual = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/** `client_id` → the app, if it is usable in the tenant (700016 otherwise). */
export function identifyClient(directory: Directory, tenant: EntraTenant, params: URLSearchParams): EntraApplication {
  const clientId = params.get('client_id');
  if (!clientId) throw aadsts.missingParameter('client_id');
  const app = directory.appInTenant(clientId, tenant.tenantId);
  if (!app) throw aadsts.appNotInTenant(clientId, tenant.displayName);
  return app;
}

/**
 * Checks `client_secret` against the app's secrets by VALUE: no secret → 7000218; no match (for instance
 * the secret's ID pasted instead of its value) → 7000215; a match that has expired → 7000222.
 */
export function verifyClientSecret(app: EntraApplication, params: URLSearchParams, now: number): void {
  const secret = params.get('client_secret');
  if (!secret) throw aadsts.missingClientCredential();
  const match = app.secrets.find((s) => secretsEqual(s.value, secret));
  if (!match) throw aadsts.invalidClientSecret(app.clientId);
  if (Date.parse(match.expiresOn) <= now) throw aadsts.expiredClientSecret(app.clientId);
}

/** A confidential client: identified, then authenticated with its secret. */
export function authenticateConfidentialClient(
  directory: Directory,
  tenant: EntraTenant,
  params: URLSearchParams,
  now: number,
): AuthenticatedClient {
  const app = identifyClient(directory, tenant, params);
  verifyClientSecret(app, params, now);
  return { app, confidential: true };
}

/**
 * A client in a user flow: a public client must not send a secret (700025); a confidential one must
 * (7000218) and it must be right.
 */
export function authenticateAnyClient(
  directory: Directory,
  tenant: EntraTenant,
  params: URLSearchParams,
  now: number,
): AuthenticatedClient {
  const app = identifyClient(directory, tenant, params);
  if (app.publicClient) {
    if (params.get('client_secret') || params.get('client_assertion')) throw aadsts.publicClientWithSecret();
    return { app, confidential: false };
  }
  verifyClientSecret(app, params, now);
  return { app, confidential: true };
}
