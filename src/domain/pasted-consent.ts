import type { FieldError } from './error-codes';
import { ErrorCode } from './error-codes';

/** The longest values Microsoft sends back to a redirect URI; the callback and a pasted address are held to them. */
export const CONSENT_ANSWER_LIMITS = { state: 4096, code: 8192, error: 256, error_description: 4096 } as const;

/**
 * What a person pasted after consenting, read: the answer Microsoft put in the address (its state, and a code or an
 * error), or a code alone (no state: it belongs to the registration's latest click of its current link).
 */
export type PastedConsent =
  | { kind: 'answer'; state: string; code?: string; error?: string; errorDescription?: string }
  | { kind: 'code'; code: string };

/** Authorization codes are long URL-safe strings; anything else pasted as a code is most likely not one. */
export const AUTHORIZATION_CODE = /^[A-Za-z0-9._~-]{20,}$/;

const WHOLE_ADDRESS =
  "Paste the whole address from the browser's address bar after consenting: it looks like https://localhost/?code=…&state=…&session_state=…";

/** Reads the pasted code or address, or says what is wrong with it, on the field it came in. */
export function readPastedConsent(pasted: { code: string } | { url: string }): PastedConsent | FieldError {
  if ('code' in pasted) {
    return AUTHORIZATION_CODE.test(pasted.code)
      ? { kind: 'code', code: pasted.code }
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
  if (!state || (!code && !error)) return { code: ErrorCode.InvalidField, field: 'url', message: WHOLE_ADDRESS };
  return {
    kind: 'answer',
    state,
    ...(code ? { code } : {}),
    ...(error ? { error } : {}),
    ...(param('error_description') ? { errorDescription: param('error_description') } : {}),
  };
}
