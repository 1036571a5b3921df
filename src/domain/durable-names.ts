/** Names shared by the orchestrator, its activities and the triggers that raise its events. */
export const ORCHESTRATOR = {
  Registration: 'RegistrationOrchestrator',
  TokenKeepAliveRound: 'TokenKeepAliveRound',
} as const;

export const RegistrationEvent = {
  PartnerCenterCredentialsSubmitted: 'PartnerCenterCredentialsSubmitted',
  PartnerApiCredentialsSubmitted: 'PartnerApiCredentialsSubmitted',
  ConsentCompleted: 'ConsentCompleted',
  RegistrationCancelled: 'RegistrationCancelled',
} as const;

export const Activity = {
  VerifyPartnerCenterCredentials: 'VerifyPartnerCenterCredentials',
  DisableStagedSecret: 'DisableStagedSecret',
  CleanUpRegistration: 'CleanUpRegistration',
  DeleteStagedSecrets: 'DeleteStagedSecrets',
  SendConsentEmail: 'SendConsentEmail',
  RedeemConsent: 'RedeemConsent',
  ListKeepAlivePage: 'ListKeepAlivePage',
  KeepAccountTokenAlive: 'KeepAccountTokenAlive',
} as const;
