import { consentCheckFailed } from '../domain/consent-errors';
import type { CredentialError } from '../domain/credential-errors';
import type {
  ConsentCompletion,
  ConsentResult,
  PartnerApiCredentialsSubmission,
  RegisteredPayerAccount,
} from '../domain/consent';
import { handMadeConsentUrl, PARTNER_API_SCOPE } from '../domain/consent';
import { ErrorCode } from '../domain/error-codes';
import type { StagedSecret, VerifiedPartner } from '../domain/partner-center-credentials';
import { stagedSecretNames } from '../domain/staged-secrets';
import { healthyAt } from '../domain/token-health';
import type { Clock } from '../ports/clock';
import type { DelegatedSession, DelegatedTokens } from '../ports/delegated-tokens';
import type { PartnerApi } from '../ports/partner-api';
import type { PartnerCenter } from '../ports/partner-center';
import type { PayerAccounts } from '../ports/payer-accounts';
import type { SecretStore } from '../ports/secret-store';
import { retryTransient } from './retry-transient';

export const PARTNER_CENTER_DELEGATED_SCOPE = 'https://api.partnercenter.microsoft.com/user_impersonation';

export interface RedeemConsentInput {
  registrationId: string;
  organizationId: string;
  completion: Extract<ConsentCompletion, { code: StagedSecret }>;
  link: PartnerApiCredentialsSubmission;
  verified: VerifiedPartner;
  partnerCenterSecret: StagedSecret;
  partnerCenterSecretExpiresAt?: string;
  /** A re-consent of the registered account: its token is swapped instead of a registration recorded. */
  reconsent?: boolean;
}

export interface RedeemConsentDeps {
  /** Entra ID's sign-in host, e.g. https://login.microsoftonline.com: where a hand-made sign-in address points. */
  authorityHost: string;
  secretStore: SecretStore;
  delegated: DelegatedTokens;
  partnerCenter: PartnerCenter;
  partnerApi: PartnerApi;
  payerAccounts: PayerAccounts;
  clock: Clock;
}

/** The vault write right after a token request must not be lost to a passing fault: the refresh token it holds is the only valid one. */
const CACHE_WRITE_RETRY = { attempts: 4, firstDelayMs: 500 };

const gone = (what: string) => ({
  ok: false as const,
  error: {
    code: ErrorCode.SecretNoLongerAvailable,
    message: `The ${what} is no longer stored. Ask for a new consent link.`,
  },
});

/**
 * Step 3's activity: redeem the code (PKCE), keep only the token cache in the vault and disable the code and its
 * verifier, check the consent came from the verified tenant, read the MPN ID (Partner Center refuses a sign-in without
 * MFA there), prove billing and pricing access (both need the Admin agent role), record the payer account. Safe to
 * retry: once the code is redeemed, a retry resumes from the stored cache, and every token request (each one rotates
 * the refresh token) is followed by storing the new cache. A refusal disables the stored cache, so the next consent
 * redeems its own code.
 */
export async function redeemConsent(input: RedeemConsentInput, deps: RedeemConsentDeps): Promise<ConsentResult> {
  const names = stagedSecretNames(input.registrationId);
  const secretRef = await applicationSecretOf(input, deps);
  if (!secretRef) return replaced();
  const clientSecret = await deps.secretStore.get(secretRef);
  if (clientSecret === undefined) return gone('application secret');
  const app = {
    tenantId: input.verified.tenantId,
    clientId: input.verified.applicationId,
    clientSecret,
    scope: PARTNER_API_SCOPE,
  };
  // Each cache kept here supersedes the one this redemption kept before it, which no record points at.
  let keptBefore: StagedSecret | undefined;
  const keep = async (session: DelegatedSession) => {
    const kept = await retryTransient(
      () => deps.secretStore.put(names.tokenCache, session.serializeCache(), { contentType: 'msal-token-cache' }),
      CACHE_WRITE_RETRY,
      deps.clock,
    );
    if (keptBefore) await deps.secretStore.disableVersion(keptBefore);
    keptBefore = kept;
    return kept;
  };

  let session;
  const stored = await deps.secretStore.getLatest(names.tokenCache);
  if (stored) {
    session = await deps.delegated.resume({ ...app, cache: stored.value });
    if (session.ok) await keep(session.value);
  } else {
    const { verifier } = input.completion;
    // A code from a sign-in address the partner built by hand comes without PKCE.
    const [code, codeVerifier] = await Promise.all([
      deps.secretStore.get(input.completion.code),
      verifier ? deps.secretStore.get(verifier) : undefined,
    ]);
    if (code === undefined || (verifier && codeVerifier === undefined)) return gone('authorization code');
    session = await deps.delegated.redeem({ ...app, code, codeVerifier, redirectUri: input.completion.redirectUri });
    if (!session.ok && !verifier) return refusedHandMade(session.error, input, deps);
    if (session.ok) await keep(session.value);
    // Disabled, not deleted: a deleted name takes no new version until purged (never, under purge protection), and
    // the next consent of this registration needs both names; they are deleted when the registration ends.
    await Promise.all(
      [input.completion.code, verifier].flatMap((ref) => (ref ? [deps.secretStore.disableVersion(ref)] : [])),
    );
  }
  const result = session.ok ? await checkAndRecord(input, session.value, secretRef, keep, deps) : session;
  if (!result.ok) {
    const latest = await deps.secretStore.getLatest(names.tokenCache);
    if (latest) await deps.secretStore.disableVersion(latest.ref);
  }
  return result;
}

async function checkAndRecord(
  input: RedeemConsentInput,
  session: DelegatedSession,
  secretRef: StagedSecret,
  keep: (session: DelegatedSession) => Promise<StagedSecret>,
  deps: RedeemConsentDeps,
): Promise<ConsentResult> {
  if (fromOtherTenant(session, input.verified.tenantId))
    return { ok: false, error: consentCheckFailed.otherTenant(input.verified.tenantId) };
  const partnerCenterToken = await session.tokenFor(PARTNER_CENTER_DELEGATED_SCOPE);
  if (!partnerCenterToken.ok) return partnerCenterToken;
  const tokenCache = await keep(session);
  const mpnId = await deps.partnerCenter.mpnId(partnerCenterToken.value);
  if (!mpnId.ok) return mpnId;
  if (input.link.mpnId && input.link.mpnId !== mpnId.value)
    return { ok: false, error: consentCheckFailed.mpnMismatch(input.link.mpnId, mpnId.value) };
  const billing = await deps.partnerCenter.readInvoices(partnerCenterToken.value);
  if (!billing.ok) return billing;
  const priceSheet = await deps.partnerApi.readPriceSheet(session.accessToken, input.verified.country);
  if (!priceSheet.ok) return priceSheet;

  const now = deps.clock.now();
  const account: RegisteredPayerAccount = {
    tenantId: input.verified.tenantId,
    applicationId: input.verified.applicationId,
    mpnId: mpnId.value,
    companyName: input.verified.companyName,
    country: input.verified.country,
    consentedBy: session.signedIn.username || session.signedIn.objectId,
    consentedAt: now.toISOString(),
    tokenCache,
    applicationSecret: secretRef,
    ...(expiresAt(input) ? { applicationSecretExpiresAt: expiresAt(input) } : {}),
    ...(input.link.adminEmail ? { adminEmail: input.link.adminEmail } : {}),
  };
  if (input.reconsent) return swapConsent(input, account, deps);
  if (!(await deps.payerAccounts.register(input.organizationId, input.registrationId, account, healthyAt(now)))) {
    return {
      ok: false,
      error: {
        code: ErrorCode.RegistrationNotFound,
        message: 'The registration was cancelled while the consent was being redeemed.',
      },
    };
  }
  return { ok: true, account };
}

/** The step's secret; a re-consent without a new one uses the account's secret as it is now (it may have been replaced). */
async function applicationSecretOf(
  input: RedeemConsentInput,
  deps: RedeemConsentDeps,
): Promise<StagedSecret | undefined> {
  if (input.link.secret || !input.reconsent) return input.link.secret ?? input.partnerCenterSecret;
  const record = await deps.payerAccounts.find(input.organizationId);
  return record?.state === 'registered' ? record.account?.applicationSecret : undefined;
}

const expiresAt = (input: RedeemConsentInput) =>
  input.link.secret ? input.link.secretExpiresAt : input.partnerCenterSecretExpiresAt;

const replaced = () => ({
  ok: false as const,
  error: {
    code: ErrorCode.PayerAccountNotFound,
    message:
      'The payer account was deregistered, or another re-consent replaced this one, while the consent was being redeemed.',
  },
});

/** The re-consent's new token replaces the account's, only while this re-consent is the one in force. */
async function swapConsent(
  input: RedeemConsentInput,
  account: RegisteredPayerAccount,
  deps: RedeemConsentDeps,
): Promise<ConsentResult> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const record = await deps.payerAccounts.find(input.organizationId);
    // A retry after the swap succeeded (and only the clean-up after it failed) finds its own token recorded.
    if (record?.state === 'registered' && record.account?.tokenCache.name === account.tokenCache.name)
      return { ok: true, account: record.account };
    if (record?.state !== 'registered' || !record.account || record.reconsentId !== input.registrationId)
      return replaced();
    const previous = record.account;
    const swapped: RegisteredPayerAccount = {
      ...account,
      adminEmail: account.adminEmail ?? previous.adminEmail,
      ...(input.link.secret
        ? {}
        : {
            applicationSecret: previous.applicationSecret,
            applicationSecretExpiresAt: previous.applicationSecretExpiresAt,
          }),
    };
    const saved = await deps.payerAccounts.update(input.organizationId, record.version as string, {
      account: swapped,
      health: healthyAt(deps.clock.now(), record.health),
      reconsentId: null,
    });
    if (saved === 'changed') continue;
    if (saved === 'gone') return replaced();
    // Housekeeping only: the swap stands even if the vault refuses now (a leftover is harmless: nothing points at it).
    const obsolete = [previous.tokenCache.name, previous.applicationSecret.name].filter(
      (name) => ![swapped.tokenCache.name, swapped.applicationSecret.name].includes(name),
    );
    // The re-consent's own verifiers and codes go when it ends (the workflow's DeleteStagedSecrets).
    await Promise.all(obsolete.map((name) => deps.secretStore.delete(name).catch(() => undefined)));
    return { ok: true, account: swapped };
  }
  return {
    ok: false,
    error: {
      code: ErrorCode.ConcurrentChange,
      message: 'The payer account kept changing while the new consent was being recorded. Ask for a new consent link.',
    },
  };
}

const fromOtherTenant = (session: DelegatedSession, tenantId: string) =>
  session.signedIn.tenantId.toLowerCase() !== tenantId.toLowerCase();

/**
 * A hand-made sign-in address that Microsoft refused is most often one built from an older guide (the v1
 * `common/oauth2/authorize` endpoint, `redirect_url`): its code cannot be told apart, so the refusal says how to build
 * the address this product redeems.
 */
async function refusedHandMade(
  error: CredentialError,
  input: RedeemConsentInput,
  deps: RedeemConsentDeps,
): Promise<ConsentResult> {
  await deps.secretStore.disableVersion(input.completion.code);
  const url = handMadeConsentUrl(deps.authorityHost, {
    tenantId: input.verified.tenantId,
    applicationId: input.verified.applicationId,
    redirectUri: input.completion.redirectUri,
  });
  return {
    ok: false,
    error: {
      ...error,
      message: `${error.message} If you built the sign-in address by hand from an older guide (…/common/oauth2/authorize, or redirect_url=…), build it exactly like this instead, then paste the new address: ${url}`,
    },
  };
}
