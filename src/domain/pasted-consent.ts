import type { FieldError } from './error-codes';
import { ErrorCode } from './error-codes';

/** The longest values Microsoft sends back to a redirect URI; the callback and a pasted address are held to them. */
export const CONSENT_ANSWER_LIMITS = { state: 4096, code: 8192, error: 256, error_description: 4096 } as const;

/**
 * What a person pasted after consenting, read: the answer Microsoft put in the address (its state, and a code or an
 * error), or a code alone (no state: the registration's latest click of its current link, or a hand-made sign-in).
 */
export type PastedConsent =
  | { kind: 'answer'; state: string; code?: string; error?: string; errorDescription?: string }
  /** `handMade`: from a sign-in address the partner built (an address without state), redeemed without PKCE. */
  | { kind: 'code'; code: string; handMade?: boolean };

/** Authorization codes are long URL-safe strings; anything else pasted as a code is most likely not one. */
export const AUTHORIZATION_CODE = /^[A-Za-z0-9._~-]{20,}$/;

const WHOLE_ADDRESS =
  "Paste the whole address from the browser's address bar after consenting: it looks like https://localhost/?code=…&state=…&session_state=…";

/** Reads the pasted code or address, or says what is wrong with it, on the field it came in. */
export function readPastedConsent(
  pasted: { code: string; handMade?: boolean } | { url: string },
): PastedConsent | FieldError {
  if ('code' in pasted) {
    return AUTHORIZATION_CODE.test(pasted.code)
      ? { kind: 'code', code: pasted.code, ...(pasted.handMade ? { handMade: true } : {}) }
      : { code: ErrorCode.InvalidField, field: 'code', message: WHOLE_ADDRESS };
  }
  let address: URL;
  try {
    address = new URL(pasted.url);
  } catch {
    return { code: ErrorCode.InvalidField, field: 'url', message: WHOLE_ADDRESS };
  }
  const param = (name: keyof typeof CONSENT_ANSWER_LIMITS) => address.searchParams.get(name) ?? undefined;
  for (const name of Object.keys(CONSENT_ANSWER_LIMITS) as (keyof typeof CONSENT_ANSWER_LIMITS)[]) {
    if ((param(name)?.length ?? 0) > CONSENT_ANSWER_LIMITS[name]) {
      return {
        code: ErrorCode.InvalidField,
        field: 'url',
        message: `url: its ${name} is longer than Microsoft sends; paste the address exactly as the browser showed it.`,
      };
    }
  }
  const state = param('state');
  const code = param('code');
  const error = param('error');
  // No state: the address of a sign-in the partner built by hand; only this product's own links carry one.
  if (!state && code && AUTHORIZATION_CODE.test(code)) return { kind: 'code', code, handMade: true };
  if (!state || (!code && !error)) return { code: ErrorCode.InvalidField, field: 'url', message: WHOLE_ADDRESS };
  return {
    kind: 'answer',
    state,
    ...(code ? { code } : {}),
    ...(error ? { error } : {}),
    ...(param('error_description') ? { errorDescription: param('error_description') } : {}),
  };
}
