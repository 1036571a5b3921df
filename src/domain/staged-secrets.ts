/**
 * Names of the secrets a registration (or a re-consent: its own ID) stages in the secret store; all go when it ends,
 * but the token cache and application secret it leaves a registered account.
 */
export const stagedSecretNames = (registrationId: string) => ({
  partnerCenterSecret: `reg-${registrationId}-pc-secret`,
  partnerApiSecret: `reg-${registrationId}-pa-secret`,
  pkceVerifier: `reg-${registrationId}-pkce`,
  authorizationCode: `reg-${registrationId}-auth-code`,
  /** MSAL's serialized token cache: where the refresh token lives. */
  tokenCache: `reg-${registrationId}-token-cache`,
});

export const allStagedSecretNames = (registrationId: string): string[] =>
  Object.values(stagedSecretNames(registrationId));
