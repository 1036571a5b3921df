import { randomUUID } from 'node:crypto';
import type { ConsentCompletion, ConsentState, ConsentTicket } from '../domain/consent';
import { CONSENT_SCOPES } from '../domain/consent';
import { ErrorCode } from '../domain/error-codes';
import type { RegistrationProgress } from '../domain/registration';
import { RegistrationStatus } from '../domain/registration';
import { stagedSecretNames } from '../domain/staged-secrets';
import type { Clock } from '../ports/clock';
import type { ConsentStates } from '../ports/consent-states';
import type { RegistrationWorkflow } from '../ports/registration-workflow';
import type { SecretReference, SecretStore } from '../ports/secret-store';
import { SecretStoreError } from '../ports/secret-store';
import type { SignedTokens } from '../ports/signed-tokens';
import { CONSENT_TICKET } from './request-consent-link';

export const CONSENT_STATE = 'consent-state';

/**
 * What the admin's browser is shown: a redirect to Microsoft, or a plain page that says what
 * happened; a page that refuses carries the stable code the API answers for the pasted path.
 */
export type ConsentPage =
  | { kind: 'redirect'; location: string }
  /** `refused`: the consent arrived, and Microsoft's checks then refused it (the page says why, not the status). */
  | { kind: 'page'; title: string; message: string; code?: ErrorCode; refused?: boolean };

export interface ConsentFlowDeps {
  tokens: SignedTokens;
  workflow: RegistrationWorkflow;
  /** For a person's request: bounded retries inside. */
  secretStore: SecretStore;
  consentStates: ConsentStates;
  clock: Clock;
  authorityHost: string;
  stateTtlMinutes: number;
  /** How long the admin's page waits for the checks' verdict (as step 2 waits for its verification), and how often it looks. */
  verdict: { waitMs: number; pollMs: number };
  /** Generates a PKCE pair (MSAL's CryptoProvider in production). */
  pkce(): Promise<{ verifier: string; challenge: string }>;
}

const page = (title: string, message: string, code?: ErrorCode): ConsentPage => ({
  kind: 'page',
  title,
  message,
  ...(code ? { code } : {}),
});
const NOT_VALID = page(
  'This consent link is not valid',
  'The link is incomplete, altered or expired. Ask the person registering the payer account for a new link.',
  ErrorCode.InvalidField,
);
const EXPIRED = page(
  'This consent link has expired',
  'Ask the person registering the payer account for a new link.',
  ErrorCode.ConsentLinkExpired,
);
const REPLACED = page(
  'This consent link was replaced',
  'A newer link was requested for this registration, or the registration ended. Use the newest link you received.',
  ErrorCode.ConsentLinkReplaced,
);
const DECLINED = page(
  'Consent declined',
  'You declined the consent, so the payer account cannot be registered yet. The person registering it can send a new link.',
);
const NOT_AWAITED = (title: string, message: string) => page(title, message, ErrorCode.RegistrationNotAtThisStep);

/** The link's registration, if the link is still the one in force and waiting for consent. */
async function currentLink(
  registrationId: string,
  linkId: string,
  deps: ConsentFlowDeps,
): Promise<RegistrationProgress | ConsentPage> {
  const progress = (await deps.workflow.state(registrationId))?.progress;
  if (!progress?.consent || progress.consent.linkId !== linkId) return REPLACED;
  if (progress.status === RegistrationStatus.ConsentExpired) return EXPIRED;
  if (progress.status !== RegistrationStatus.AwaitingConsent)
    return NOT_AWAITED(
      'Consent already received',
      'This registration is no longer waiting for consent. You can close this window.',
    );
  return progress;
}

/**
 * Stores a verifier or code under the registration's name; a name already deleted means the registration ended
 * since its link was checked (its names take no new secret: Key Vault's soft delete).
 */
async function stage(write: () => Promise<SecretReference>): Promise<SecretReference | ConsentPage> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof SecretStoreError && error.reason === 'name-deleted') return REPLACED;
    throw error;
  }
}

/** GET /api/consent/start: a fresh state and PKCE pair per click, then Microsoft's authorize endpoint. */
export async function startConsent(ticket: string, deps: ConsentFlowDeps): Promise<ConsentPage> {
  const verified = await deps.tokens.verify<ConsentTicket>(CONSENT_TICKET, ticket);
  // The ticket expires with the link: an authentic one past its time is an expired link, not an altered one.
  if (!verified.ok) return verified.reason === 'expired' ? EXPIRED : NOT_VALID;
  const claims = verified.claims;
  if (!claims.registrationId || !claims.linkId) return NOT_VALID;
  const progress = await currentLink(claims.registrationId, claims.linkId, deps);
  if ('kind' in progress) return progress;
  const { verifier, challenge } = await deps.pkce();
  const verifierRef = await stage(() =>
    deps.secretStore.put(stagedSecretNames(claims.registrationId).pkceVerifier, verifier, {
      contentType: 'pkce-verifier',
    }),
  );
  if ('kind' in verifierRef) return verifierRef;
  const state: ConsentState = {
    registrationId: claims.registrationId,
    linkId: claims.linkId,
    nonce: randomUUID(),
    verifier: verifierRef,
  };
  const stateToken = await deps.tokens.sign(
    CONSENT_STATE,
    state,
    new Date(deps.clock.now().getTime() + deps.stateTtlMinutes * 60_000),
  );
  const consent = progress.consent as NonNullable<RegistrationProgress['consent']>;
  const query = new URLSearchParams({
    client_id: progress.verified?.applicationId ?? '',
    response_type: 'code',
    redirect_uri: consent.redirectUri,
    response_mode: 'query',
    scope: CONSENT_SCOPES.join(' '),
    state: stateToken,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    prompt: 'login',
    ...(consent.emailedTo ? { login_hint: consent.emailedTo } : {}),
  });
  return {
    kind: 'redirect',
    location: `${deps.authorityHost}/${progress.verified?.tenantId}/oauth2/v2.0/authorize?${query}`,
  };
}

export interface ConsentAnswer {
  state?: string;
  code?: string;
  error?: string;
  errorDescription?: string;
}

/**
 * The person pasted a code without state: from the registration's latest click of its current link (whose PKCE
 * verifier is the newest version in the vault), or from a sign-in address they built by hand (step 3's
 * `handMade.consentUrl`: no PKCE) — said so, or no click was ever made. The caller is signed in with the write role
 * and the registration is at step 3, so no state is needed to know whose code it is.
 */
export async function completeConsentWithCode(
  registrationId: string,
  pasted: { code: string; handMade?: boolean },
  deps: ConsentFlowDeps,
): Promise<ConsentPage> {
  const progress = (await deps.workflow.state(registrationId))?.progress;
  if (!progress?.consent) return NOT_AWAITED('No consent is awaited', 'Ask for a consent link first.');
  const linkState = await currentLink(registrationId, progress.consent.linkId, deps);
  if ('kind' in linkState) return linkState;
  const verifier = pasted.handMade
    ? undefined
    : await deps.secretStore.getLatest(stagedSecretNames(registrationId).pkceVerifier);
  const stored = await stage(() =>
    deps.secretStore.put(stagedSecretNames(registrationId).authorizationCode, pasted.code, {
      contentType: 'authorization-code',
    }),
  );
  if ('kind' in stored) return stored;
  await deps.workflow.completeConsent(registrationId, {
    linkId: progress.consent.linkId,
    code: stored,
    ...(verifier ? { verifier: verifier.ref } : {}),
    redirectUri: progress.consent.redirectUri,
    receivedAt: deps.clock.now().toISOString(),
  });
  return page('Consent received', 'The payer account registration continues on its own.');
}

/** The admin came back (callback) or the person pasted the address: verify state, keep the code in the vault, tell the registration. */
export async function completeConsent(
  answer: ConsentAnswer,
  deps: ConsentFlowDeps,
  options: { expectedRegistrationId?: string; awaitVerdict?: boolean } = {},
): Promise<ConsentPage> {
  const { expectedRegistrationId } = options;
  const verified = answer.state ? await deps.tokens.verify<ConsentState>(CONSENT_STATE, answer.state) : undefined;
  const claims = verified?.ok ? verified.claims : undefined;
  // A pasted address must belong to the caller's own registration.
  if (
    !claims?.registrationId ||
    !claims.nonce ||
    !claims.verifier ||
    (expectedRegistrationId !== undefined && claims.registrationId !== expectedRegistrationId)
  ) {
    return page(
      'This sign-in answer is not valid',
      'Its state is missing, altered or older than the sign-in allows. Open the consent link again.',
      ErrorCode.InvalidField,
    );
  }
  if (!(await deps.consentStates.markUsed(claims.registrationId, claims.nonce, deps.clock.now()))) {
    // A reload of the admin's page: it shows the outcome as it is now.
    const now = options.awaitVerdict ? await verdict(claims.registrationId, deps, 0) : undefined;
    return (
      now ??
      page(
        'Consent already received',
        options.awaitVerdict
          ? 'Octo is still checking it with Microsoft. Reload this page in a minute to see the outcome.'
          : 'This answer was already received (the page was refreshed or opened twice). Nothing more to do: you can close this window.',
      )
    );
  }
  try {
    const passed = await passOn(claims, answer, deps);
    if (!options.awaitVerdict || passed.kind !== 'page' || passed.code || !answer.code) return passed;
    return (
      (await verdict(claims.registrationId, deps, deps.verdict.waitMs)) ??
      page(
        'Consent received',
        'Thank you. Octo is still checking it with Microsoft, which takes longer than usual: reload this page in a minute to see the outcome. The person registering the payer account sees it too.',
      )
    );
  } catch (error) {
    // Nothing reached the registration: the same answer (a refresh of the page) may be tried again.
    await deps.consentStates.release(claims.registrationId, claims.nonce).catch(() => undefined);
    throw error;
  }
}

async function passOn(claims: ConsentState, answer: ConsentAnswer, deps: ConsentFlowDeps): Promise<ConsentPage> {
  const progress = await currentLink(claims.registrationId, claims.linkId, deps);
  if ('kind' in progress) return progress;
  const receivedAt = deps.clock.now().toISOString();
  if (answer.error || !answer.code) {
    const errorCodes = [...(answer.errorDescription ?? '').matchAll(/AADSTS(\d+)/g)].map((m) => Number(m[1]));
    const completion: ConsentCompletion = {
      linkId: claims.linkId,
      error: answer.error ?? 'no_code',
      errorCodes,
      receivedAt,
    };
    // No code comes with this click: its verifier is never needed again (the name goes when the registration ends).
    await deps.secretStore.disableVersion(claims.verifier);
    await deps.workflow.completeConsent(claims.registrationId, completion);
    return answer.error === 'access_denied'
      ? DECLINED
      : page(
          'Consent did not complete',
          `Microsoft answered "${answer.error ?? 'no code'}". The person registering the payer account sees the details and can send a new link.`,
        );
  }
  const code = await stage(() =>
    deps.secretStore.put(stagedSecretNames(claims.registrationId).authorizationCode, answer.code as string, {
      contentType: 'authorization-code',
    }),
  );
  if ('kind' in code) return code;
  await deps.workflow.completeConsent(claims.registrationId, {
    linkId: claims.linkId,
    code,
    verifier: claims.verifier,
    redirectUri: (progress.consent as { redirectUri: string }).redirectUri,
    receivedAt,
  });
  return page(
    'Consent received',
    'Thank you. The payer account registration continues on its own; you can close this window.',
  );
}

/**
 * What Microsoft's checks made of the consent, once the registration shows it: registered, or refused (the step
 * reopened with the reason). Undefined while they still run after `waitMs`.
 */
async function verdict(
  registrationId: string,
  deps: ConsentFlowDeps,
  waitMs: number,
): Promise<ConsentPage | undefined> {
  for (let waited = 0; ; waited += deps.verdict.pollMs) {
    const progress = (await deps.workflow.state(registrationId))?.progress;
    if (progress?.status === RegistrationStatus.Registered) {
      const company = progress.verified?.companyName ?? 'your company';
      return page(
        'Registered',
        `Thank you. Octo can now read ${company}'s Azure pricing and billing data with your consent. You can close this window.`,
      );
    }
    if (progress?.status === RegistrationStatus.AwaitingPartnerApiCredentials && progress.error) {
      if (progress.error.code === ErrorCode.ConsentDeclined) return DECLINED;
      return {
        kind: 'page',
        title: 'Consent not accepted',
        message: `Your consent arrived, but Microsoft's checks refused it: ${progress.error.message} The person registering the payer account sees this too.`,
        refused: true,
      };
    }
    if (waited >= waitMs) return undefined;
    await deps.clock.sleep(deps.verdict.pollMs);
  }
}
