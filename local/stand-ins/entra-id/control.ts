import type { JWTPayload } from 'jose';
import { z } from 'zod';
import { PASSWORD_CHANGES } from './token-revocation';
import type { SigningKeys } from './signing-keys';

/**
 * STAND-IN CONTROL ROUTE — not part of Entra ID. `POST /_control/token` lets tests and developers mint
 * arbitrary tokens (expired, wrong audience, wrong tenant, signed by a foreign key) to exercise the
 * product's token validation. Body: `{claims, expiresInSeconds?, notBefore?, signWithForeignKey?}`;
 * answer: `{token_type: "Bearer", access_token}`. Loopback only, like the whole stand-in.
 */

export interface MintOptions {
  /** exp = now + this (default 3600); negative gives an already-expired token */
  expiresInSeconds?: number;
  /** `nbf`, seconds since epoch (default: now) */
  notBefore?: number;
  /** sign with a throwaway key under the stand-in's kid: verification against the JWKS must fail */
  signWithForeignKey?: boolean;
}

/** Signs `claims` with `iat`/`nbf`/`exp` filled in from the clock unless the claims set them. */
export function mintToken(
  keys: SigningKeys,
  now: number,
  claims: Record<string, unknown>,
  options: MintOptions = {},
): Promise<string> {
  const iat = Math.floor(now / 1000);
  const payload: JWTPayload = {
    iat,
    nbf: options.notBefore ?? iat,
    exp: iat + (options.expiresInSeconds ?? 3600),
    ...claims,
  };
  return keys.sign(payload, { foreign: options.signWithForeignKey === true });
}

export const controlTokenRequest = z.object({
  claims: z.record(z.string(), z.unknown()),
  expiresInSeconds: z.number().int().optional(),
  notBefore: z.number().int().optional(),
  signWithForeignKey: z.boolean().optional(),
});

/** A control route's refusal (not an Entra error): answered as `{error, error_description}` with `status`. */
export class ControlRouteError extends Error {
  constructor(
    readonly status: number,
    readonly error: 'invalid_request' | 'not_found' | 'unsupported_media_type',
    message: string,
  ) {
    super(message);
    this.name = 'ControlRouteError';
  }
}

/**
 * STAND-IN CONTROL ROUTES for the authorization code flow (not part of Entra ID):
 * - `POST /_control/applications/{clientId}/redirect-uris` `{uri, platform?: "web"|"spa"}`: registers a redirect
 *   URI on an app at run time (the product's callback port varies; `spa` for a browser app such as the wizard,
 *   whose origin the token endpoint then answers with CORS); `GET` lists the app's redirect URIs.
 * - `POST /_control/authorize` `{authorizeUrl, username, decision: "accept"|"cancel", password?}`: what a
 *   browser would do on the sign-in and consent pages, without HTML: the same validations, then
 *   `{location}` — the redirect the browser would follow (code, or error). Errors Entra shows on its own
 *   page (unknown app, unregistered redirect URI…) answer in Entra's JSON error shape instead.
 * - `POST /_control/revoke` `{username}`: an admin revokes the user's sessions (Graph `revokeSignInSessions`) —
 *   every refresh token of that user, whatever the client, fails from now on with AADSTS50173.
 * - `POST /_control/password-change` `{username, how?}`: the user's password changes, `how` being a row of the
 *   "Token revocation" table of https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens
 *   (`user-change`, the default; `self-service-reset`; `admin-reset-azure-portal`; `admin-reset-entra-admin-center`). Public clients' refresh tokens fail from then on (AADSTS50173); confidential
 *   clients' (the product's) stay valid, except after an admin's reset in the Entra admin center.
 *   The fixture password itself stays as it is: only the effect on issued tokens is modelled.
 */
export const controlRedirectUriRequest = z.object({
  uri: z.string().min(1),
  platform: z.enum(['web', 'spa']).default('web'),
});

export const controlAuthorizeRequest = z.object({
  authorizeUrl: z.string().min(1),
  username: z.string().min(1),
  decision: z.enum(['accept', 'cancel']),
  /** default: the fixture user's own password (a wrong one answers AADSTS50126) */
  password: z.string().optional(),
});
export type ControlAuthorizeRequest = z.infer<typeof controlAuthorizeRequest>;

export const controlRevokeRequest = z.object({ username: z.string().min(1) });

export const controlPasswordChangeRequest = z.object({
  username: z.string().min(1),
  how: z.enum(PASSWORD_CHANGES).default('user-change'),
});
