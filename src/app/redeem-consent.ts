import { consentCheckFailed } from '../domain/consent-errors';
import { ConsentCompletion, ConsentResult, PARTNER_API_SCOPE, PartnerApiCredentialsSubmission, RegisteredPayerAccount } from '../domain/consent';
import { ErrorCode } from '../domain/error-codes';
import { StagedSecret, VerifiedPartner } from '../domain/partner-center-credentials';
import { stagedSecretNames } from '../domain/staged-secrets';
import { healthyAt } from '../domain/token-health';
import { Clock } from '../ports/clock';
import { DelegatedSession, DelegatedTokens } from '../ports/delegated-tokens';
import { PartnerApi } from '../ports/partner-api';
import { PartnerCenter } from '../ports/partner-center';
import { PayerAccounts } from '../ports/payer-accounts';
import { SecretStore } from '../ports/secret-store';

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
  secretStore: SecretStore;
  delegated: DelegatedTokens;
  partnerCenter: PartnerCenter;
  partnerApi: PartnerApi;
  payerAccounts: PayerAccounts;
  clock: Clock;
}

const gone = (what: string) => ({ ok: false as const, error: { code: ErrorCode.SecretNoLongerAvailable, message: `The ${what} is no longer stored. Ask for a new consent link.` } });

/**
 * Step 3's activity: redeem the code (PKCE), keep only the token cache in the vault and delete the
 * code, check who consented and how, read the MPN ID, prove pricing access, record the payer
 * account. Safe to retry: once the code is redeemed, a retry resumes from the stored cache.
 */
export async function redeemConsent(input: RedeemConsentInput, deps: RedeemConsentDeps): Promise<ConsentResult> {
  const names = stagedSecretNames(input.registrationId);
  const secretRef = input.link.secret ?? input.partnerCenterSecret;
  const clientSecret = await deps.secretStore.get(secretRef);
  if (clientSecret === undefined) return gone('application secret');
  const app = { tenantId: input.verified.tenantId, clientId: input.verified.applicationId, clientSecret, scope: PARTNER_API_SCOPE };

  let session;
  const stored = await deps.secretStore.getLatest(names.tokenCache);
  if (stored) {
    session = await deps.delegated.resume({ ...app, cache: stored.value });
  } else {
    const [code, codeVerifier] = await Promise.all([deps.secretStore.get(input.completion.code), deps.secretStore.get(input.completion.verifier)]);
    if (code === undefined || codeVerifier === undefined) return gone('authorization code');
    session = await deps.delegated.redeem({ ...app, code, codeVerifier, redirectUri: input.completion.redirectUri });
    if (session.ok) await deps.secretStore.put(names.tokenCache, session.value.serializeCache(), { contentType: 'msal-token-cache' });
    await deps.secretStore.delete(names.authorizationCode);
  }
  if (!session.ok) return session;

  const checked = check(session.value, input.verified.tenantId);
  if (checked) return { ok: false, error: checked };
  const partnerCenterToken = await session.value.tokenFor(PARTNER_CENTER_DELEGATED_SCOPE);
  if (!partnerCenterToken.ok) return partnerCenterToken;
  const mpnId = await deps.partnerCenter.mpnId(partnerCenterToken.value);
  if (!mpnId.ok) return mpnId;
  if (input.link.mpnId && input.link.mpnId !== mpnId.value) return { ok: false, error: consentCheckFailed.mpnMismatch(input.link.mpnId, mpnId.value) };
  const priceSheet = await deps.partnerApi.readPriceSheet(session.value.accessToken);
  if (!priceSheet.ok) return priceSheet;

  // Refresh tokens rotate on every use: keep the newest cache.
  const tokenCache = await deps.secretStore.put(names.tokenCache, session.value.serializeCache(), { contentType: 'msal-token-cache' });
  const now = deps.clock.now();
  const account: RegisteredPayerAccount = {
    tenantId: input.verified.tenantId, applicationId: input.verified.applicationId, mpnId: mpnId.value,
    companyName: input.verified.companyName, country: input.verified.country,
    consentedBy: String(session.value.claims.upn ?? session.value.claims.unique_name ?? session.value.claims.oid ?? ''),
    consentedAt: now.toISOString(), tokenCache, applicationSecret: secretRef,
    ...(expiresAt(input) ? { applicationSecretExpiresAt: expiresAt(input) } : {}),
    ...(input.link.adminEmail ? { adminEmail: input.link.adminEmail } : {}),
  };
  if (input.reconsent) return swapConsent(input, account, deps);
  if (!(await deps.payerAccounts.register(input.organizationId, input.registrationId, account, healthyAt(now)))) {
    return { ok: false, error: { code: ErrorCode.RegistrationNotFound, message: 'The registration was cancelled while the consent was being redeemed.' } };
  }
  return { ok: true, account };
}

const expiresAt = (input: RedeemConsentInput) => (input.link.secret ? input.link.secretExpiresAt : input.partnerCenterSecretExpiresAt);

const replaced = () => ({ ok: false as const, error: { code: ErrorCode.PayerAccountNotFound, message: 'The payer account was deregistered, or another re-consent replaced this one, while the consent was being redeemed.' } });

/** The re-consent's new token replaces the account's, only while this re-consent is the one in force. */
async function swapConsent(input: RedeemConsentInput, account: RegisteredPayerAccount, deps: RedeemConsentDeps): Promise<ConsentResult> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const record = await deps.payerAccounts.find(input.organizationId);
    if (record?.state !== 'registered' || !record.account || record.reconsentId !== input.registrationId) return replaced();
    const previous = record.account;
    const swapped: RegisteredPayerAccount = {
      ...account,
      adminEmail: account.adminEmail ?? previous.adminEmail,
      ...(input.link.secret ? {} : { applicationSecret: previous.applicationSecret, applicationSecretExpiresAt: previous.applicationSecretExpiresAt }),
    };
    const saved = await deps.payerAccounts.update(input.organizationId, record.version as string, { account: swapped, health: healthyAt(deps.clock.now(), record.health), reconsentId: null });
    if (saved === 'changed') continue;
    if (saved === 'gone') return replaced();
    for (const old of [previous.tokenCache, previous.applicationSecret]) {
      if (![swapped.tokenCache.name, swapped.applicationSecret.name].includes(old.name)) await deps.secretStore.delete(old.name);
    }
    await deps.secretStore.delete(stagedSecretNames(input.registrationId).pkceVerifier);
    return { ok: true, account: swapped };
  }
  return { ok: false, error: { code: ErrorCode.ConcurrentChange, message: 'The payer account kept changing while the new consent was being recorded. Ask for a new consent link.' } };
}

function check(session: DelegatedSession, tenantId: string) {
  if (session.claims.tid?.toLowerCase() !== tenantId.toLowerCase()) return consentCheckFailed.otherTenant(tenantId);
  if (!session.claims.amr?.includes('mfa')) return consentCheckFailed.noMfa();
  return undefined;
}
