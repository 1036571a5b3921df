/** Names of the secrets a registration stages in the secret store; all go when it ends unregistered. */
export const stagedSecretNames = (registrationId: string) => ({
  partnerCenterSecret: `reg-${registrationId}-pc-secret`,
});

export const allStagedSecretNames = (registrationId: string): string[] => Object.values(stagedSecretNames(registrationId));
