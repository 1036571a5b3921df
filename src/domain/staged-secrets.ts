/** Names of the secrets a registration stages in the secret store; all go when it ends unregistered. */
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
