/**
 * The one wiring point. It chooses every adapter from validated configuration (src/config.ts), builds each use
 * case's dependencies, and decides what loads late: the functions' registrations (functions/, bundled into app.js)
 * load only this file's small top, and each module below — configuration, adapters with their SDKs, the HTTP,
 * activity and timer bodies — is required the first time something needs it. That is why this file alone uses
 * `require` (see eslint.config.mjs); the `import type` lines below erase to nothing.
 */
import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/core-auth';
import type * as DataTables from '@azure/data-tables';
import type * as Identity from '@azure/identity';
import type * as MsalNode from '@azure/msal-node';
import type { DurableClient } from 'durable-functions';
import type * as ActivityBodies from './activities/registration-activities';
import type * as AcsMailerModule from './adapters/acs-mailer';
import type * as Clocks from './adapters/clocks';
import type * as KeepAliveActivityBodies from './activities/keep-alive-activities';
import type * as DurableKeepAliveRoundsModule from './adapters/durable-keep-alive-rounds';
import type * as DurableRegistrationWorkflowModule from './adapters/durable-registration-workflow';
import type * as DurableWorkflowRecordsModule from './adapters/durable-workflow-records';
import type * as EntraAccessTokenVerifierModule from './adapters/entra-access-token-verifier';
import type * as EntraTenantDirectoryModule from './adapters/entra-tenant-directory';
import type * as KeyVaultSecretStoreModule from './adapters/key-vault-secret-store';
import type * as KeyVaultSignedTokensModule from './adapters/key-vault-signed-tokens';
import type * as MsalAppTokenProviderModule from './adapters/msal-app-token-provider';
import type * as MsalDelegatedTokensModule from './adapters/msal-delegated-tokens';
import type * as PartnerApiClientModule from './adapters/partner-api-client';
import type * as PartnerCenterClientModule from './adapters/partner-center-client';
import type * as SmtpMailerModule from './adapters/smtp-mailer';
import type * as TableAuditTrailModule from './adapters/table-audit-trail';
import type * as TableConsentStatesModule from './adapters/table-consent-states';
import type * as TablePayerAccountsModule from './adapters/table-payer-accounts';
import type { CheckConnectionDeps } from './app/check-connection';
import type { ConsentFlowDeps } from './app/consent-flow';
import type { KeepTokenAliveDeps } from './app/keep-token-alive';
import type { PurgeFinishedHistoriesDeps } from './app/purge-finished-histories';
import type { RedeemConsentDeps } from './app/redeem-consent';
import type { RequestConsentLinkDeps } from './app/request-consent-link';
import type { RunPreflightDeps } from './app/run-preflight';
import type { StartKeepAliveRoundDeps } from './app/start-keep-alive-round';
import type { StartReconsentDeps } from './app/start-reconsent';
import type { StartRegistrationDeps } from './app/start-registration';
import type { SubmitPartnerCenterCredentialsDeps } from './app/submit-partner-center-credentials';
import type { VerifyPartnerCenterCredentialsDeps } from './app/verify-partner-center-credentials';
import type * as Config from './config';
import type { AppConfig } from './config';
import type * as AccountSupportHandlers from './http/account-support-handlers';
import type * as AuditHandlers from './http/audit-handlers';
import type * as CallerHandler from './http/caller-handler';
import type * as ConsentHandlers from './http/consent-handlers';
import type * as LifecycleHandlers from './http/lifecycle-handlers';
import type * as NotFoundHandler from './http/not-found-handler';
import type * as OpenApiHandler from './http/openapi-handler';
import type * as OpsHandlers from './http/ops-handlers';
import type * as CredentialsHandler from './http/partner-center-credentials-handler';
import type * as RegistrationHandlers from './http/registration-handlers';
import type { AccessTokenVerifier } from './ports/access-token-verifier';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { Mailer } from './ports/mailer';
import type { PayerAccounts } from './ports/payer-accounts';
import type { RegistrationWorkflow } from './ports/registration-workflow';
import type { SecretStore } from './ports/secret-store';
import type { SignedTokens } from './ports/signed-tokens';
import type { WorkflowRecords } from './ports/workflow-records';
import type * as HistoryPurgeTimer from './timers/history-purge';
import type * as TimerBodies from './timers/token-keep-alive';

/** Everything the HTTP functions, activities and timers need, built once per process from configuration. */
export interface AppServices {
  config: AppConfig;
  clock: Clock;
  payerAccounts: PayerAccounts;
  auditTrail: AuditTrail;
  tokenVerifier: AccessTokenVerifier;
  /** For activities: no retries inside, the orchestration's retry policy retries transient faults. */
  secretStore: SecretStore;
  /** For HTTP requests: a few quick retries inside, since nothing retries a person's request. */
  requestSecretStore: SecretStore;
  signedTokens: SignedTokens;
  mailer: Mailer;
  /** The redirect URI partners register: <PUBLIC_BASE_URL>/api/consent/callback. */
  consentCallbackUrl: string;
  verification: VerifyPartnerCenterCredentialsDeps;
  redemption: RedeemConsentDeps;
  /** The token keep-alive: no orchestration retries a timer's work, so transient faults are retried inside. */
  keepAlive: KeepTokenAliveDeps;
  /** A person's connection check: the keep-alive's refresh with a request's retries, then every data path. */
  connectionCheck: CheckConnectionDeps;
  /** Replacing a registered account's application secret: verified as in step 2, with the request's secret store. */
  secretUpdate: VerifyPartnerCenterCredentialsDeps & { payerAccounts: PayerAccounts };
  workflow(client: DurableClient): RegistrationWorkflow;
  /** Ops: what the task hub recorded (instance pages, histories), through the durable management API. */
  workflowRecords(client: DurableClient): WorkflowRecords;
  /** Retention: purging the histories of orchestrations that ended more than HISTORY_RETENTION_DAYS ago. */
  historyRetention(client: DurableClient): PurgeFinishedHistoriesDeps;
  registrationStart(client: DurableClient): StartRegistrationDeps;
  /** Step 3's checks before consent: app-only tokens with step 2's app and secret. */
  preflight(client: DurableClient): RunPreflightDeps;
  credentialsSubmission(client: DurableClient): SubmitPartnerCenterCredentialsDeps;
  /** What issuing a consent link needs (step 3). */
  consentLinks(client: DurableClient): RequestConsentLinkDeps;
  reconsentStart(client: DurableClient): StartReconsentDeps;
  /** The timer's start of the keep-alive round, with the round's settings. */
  keepAliveRoundStart(client: DurableClient): StartKeepAliveRoundDeps;
  /** The consent link's start and callback, and the pasted answer. */
  consentFlow(client: DurableClient): ConsentFlowDeps;
}

let services: AppServices | undefined;

/** The services, built on first use (configuration is validated then: a missing setting fails that first call). */
export function appServices(): AppServices {
  services ??= compose((require('./config') as typeof Config).loadConfig(process.env));
  return services;
}

/** The HTTP functions' bodies (src/http), each module loaded on the first call of one of its functions. */
const registration = once(() => require('./http/registration-handlers') as typeof RegistrationHandlers);
const consent = once(() => require('./http/consent-handlers') as typeof ConsentHandlers);
const lifecycle = once(() => require('./http/lifecycle-handlers') as typeof LifecycleHandlers);
const ops = once(() => require('./http/ops-handlers') as typeof OpsHandlers);
const audit = once(() => require('./http/audit-handlers') as typeof AuditHandlers);
const accountSupport = once(() => require('./http/account-support-handlers') as typeof AccountSupportHandlers);
export const http = {
  caller: () => (require('./http/caller-handler') as typeof CallerHandler).caller,
  startRegistration: () => registration().startRegistration,
  getRegistration: () => registration().getRegistration,
  runPreflight: () => registration().runPreflight,
  cancelRegistration: () => registration().cancelRegistration,
  getPayerAccount: () => registration().getPayerAccount,
  deregisterPayerAccount: () => registration().deregisterPayerAccount,
  submitPartnerCenterCredentials: () =>
    (require('./http/partner-center-credentials-handler') as typeof CredentialsHandler).submitPartnerCenterCredentials,
  requestConsentLink: () => consent().requestConsentLink,
  startConsent: () => consent().startConsent,
  consentCallback: () => consent().consentCallback,
  submitAuthorizationCode: () => consent().submitAuthorizationCode,
  submitReconsentAuthorizationCode: () => consent().submitReconsentAuthorizationCode,
  startReconsent: () => lifecycle().startReconsent,
  updateApplicationSecret: () => lifecycle().updateApplicationSecret,
  checkConnection: () => accountSupport().checkConnection,
  getSupportBundle: () => accountSupport().getSupportBundle,
  getAuditTrail: () => audit().getAuditTrail,
  getOrganizationAuditTrail: () => audit().getOrganizationAuditTrail,
  listRegistrations: () => ops().listRegistrations,
  getRegistrationHistory: () => ops().getRegistrationHistory,
  listKeepAliveRounds: () => ops().listKeepAliveRounds,
  openApiDocument: () => (require('./http/openapi-handler') as typeof OpenApiHandler).openApiDocument,
  notFound: () => (require('./http/not-found-handler') as typeof NotFoundHandler).notFound,
};

/** The activities' bodies (src/activities), loaded on the first activity run. */
const activityBodies = once(() => require('./activities/registration-activities') as typeof ActivityBodies);
const keepAliveBodies = once(() => require('./activities/keep-alive-activities') as typeof KeepAliveActivityBodies);
export const activities = {
  verifyPartnerCenterCredentials: () => activityBodies().verifyPartnerCenterCredentials,
  disableStagedSecret: () => activityBodies().disableStagedSecret,
  cleanUpRegistration: () => activityBodies().cleanUpRegistration,
  deleteStagedSecrets: () => activityBodies().deleteStagedSecrets,
  sendConsentEmail: () => activityBodies().sendConsentEmail,
  redeemConsent: () => activityBodies().redeemConsent,
  listKeepAlivePage: () => keepAliveBodies().listKeepAlivePage,
  keepAccountTokenAlive: () => keepAliveBodies().keepAccountTokenAlive,
};

/** The timers' bodies (src/timers), loaded on their first run. */
export const timers = {
  tokenKeepAlive: () => (require('./timers/token-keep-alive') as typeof TimerBodies).tokenKeepAliveTimer,
  historyPurge: () => (require('./timers/history-purge') as typeof HistoryPurgeTimer).historyPurgeRun,
};

function compose(config: AppConfig): AppServices {
  const clock = appClock(config);
  const consentCallbackUrl = `${config.PUBLIC_BASE_URL}/api/consent/callback`;
  const credential = once(() => createCredential(config));
  const table = (name: string) => {
    const { TableClient } = require('@azure/data-tables') as typeof DataTables;
    return config.AzureWebJobsStorage
      ? TableClient.fromConnectionString(config.AzureWebJobsStorage, name, { allowInsecureConnection: true })
      : new TableClient(config.AzureWebJobsStorage__tableServiceUri as string, name, credential());
  };
  const payerAccounts = once(() => {
    const { TablePayerAccounts } = require('./adapters/table-payer-accounts') as typeof TablePayerAccountsModule;
    return new TablePayerAccounts(table(config.PAYER_ACCOUNTS_TABLE));
  });
  const auditTrail = once(() => {
    const { TableAuditTrail } = require('./adapters/table-audit-trail') as typeof TableAuditTrailModule;
    return new TableAuditTrail(table(config.AUDIT_TABLE));
  });
  const tokenVerifier = once(() => {
    const { EntraAccessTokenVerifier } =
      require('./adapters/entra-access-token-verifier') as typeof EntraAccessTokenVerifierModule;
    return new EntraAccessTokenVerifier({
      authority: config.API_AUTHORITY,
      audiences: config.API_AUDIENCE,
      allowedTenants: config.API_ALLOWED_TENANTS,
      clockToleranceSeconds: 300,
    });
  });
  const keyVault = (maxRetries: number) =>
    once(() => {
      const { KeyVaultSecretStore } = require('./adapters/key-vault-secret-store') as typeof KeyVaultSecretStoreModule;
      return new KeyVaultSecretStore(config.KEY_VAULT_URL, credential(), {
        disableChallengeResourceVerification: config.KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION,
        retryOptions: { maxRetries, retryDelayInMs: 400, maxRetryDelayInMs: 3000 },
      });
    });
  const secretStore = keyVault(0);
  const requestSecretStore = keyVault(3);
  const partnerCenter = once(() => {
    const { PartnerCenterClient } = require('./adapters/partner-center-client') as typeof PartnerCenterClientModule;
    return new PartnerCenterClient({
      baseUrl: config.PARTNER_CENTER_API_URL,
      maxAttempts: 4,
      maxRetryAfterMs: 30_000,
      firstBackoffMs: 500,
    });
  });
  const verificationWith = (store: SecretStore): VerifyPartnerCenterCredentialsDeps => {
    const { EntraTenantDirectory } = require('./adapters/entra-tenant-directory') as typeof EntraTenantDirectoryModule;
    const { MsalAppTokenProvider } = require('./adapters/msal-app-token-provider') as typeof MsalAppTokenProviderModule;
    return {
      directory: new EntraTenantDirectory(config.PARTNER_AUTHORITY_HOST),
      tokens: new MsalAppTokenProvider(config.PARTNER_AUTHORITY_HOST),
      partnerCenter: partnerCenter(),
      secretStore: store,
      clock,
      replication: { freshForMs: 5 * 60_000, retries: 2, delayMs: 1500 },
    };
  };
  const verification = once(() => verificationWith(secretStore()));
  const secretUpdate = once(() => ({ ...verificationWith(requestSecretStore()), payerAccounts: payerAccounts() }));
  const signedTokens = once(() => {
    const { KeyVaultSignedTokens } = require('./adapters/key-vault-signed-tokens') as typeof KeyVaultSignedTokensModule;
    return new KeyVaultSignedTokens(requestSecretStore(), () => clock.now().getTime());
  });
  const delegated = once(() => {
    const { MsalDelegatedTokens } = require('./adapters/msal-delegated-tokens') as typeof MsalDelegatedTokensModule;
    return new MsalDelegatedTokens(config.PARTNER_AUTHORITY_HOST);
  });
  const partnerApi = once(() => {
    const { PartnerApiClient } = require('./adapters/partner-api-client') as typeof PartnerApiClientModule;
    return new PartnerApiClient(config.PARTNER_API_URL);
  });
  const redemption = once((): RedeemConsentDeps => ({
    authorityHost: config.PARTNER_AUTHORITY_HOST,
    secretStore: secretStore(),
    delegated: delegated(),
    partnerCenter: partnerCenter(),
    partnerApi: partnerApi(),
    payerAccounts: payerAccounts(),
    clock,
  }));
  // The vault's own retries are off so that its throttling reaches the round, which slows down as a whole.
  const keepAlive = once((): KeepTokenAliveDeps => ({
    payerAccounts: payerAccounts(),
    secretStore: secretStore(),
    delegated: delegated(),
    clock,
    retry: { attempts: 3, firstDelayMs: 2000 },
  }));
  // A person waits for it: one quick retry of a passing fault (Partner Center's client retries its own inside).
  const connectionCheck = once((): CheckConnectionDeps => ({
    refresh: { ...keepAlive(), secretStore: requestSecretStore(), retry: { attempts: 2, firstDelayMs: 500 } },
    partnerCenter: partnerCenter(),
    partnerApi: partnerApi(),
    auditTrail: auditTrail(),
    clock,
    perHour: config.CONNECTION_CHECKS_PER_HOUR,
  }));
  const consentStates = once(() => {
    const { TableConsentStates } = require('./adapters/table-consent-states') as typeof TableConsentStatesModule;
    return new TableConsentStates(table(config.CONSENT_STATES_TABLE));
  });
  const mailer = once((): Mailer => {
    if (config.ACS_ENDPOINT) {
      const { AcsMailer } = require('./adapters/acs-mailer') as typeof AcsMailerModule;
      return new AcsMailer(config.ACS_ENDPOINT, credential(), config.CONSENT_EMAIL_SENDER);
    }
    const { SmtpMailer } = require('./adapters/smtp-mailer') as typeof SmtpMailerModule;
    return new SmtpMailer({
      host: config.SMTP_HOST as string,
      port: config.SMTP_PORT,
      from: config.CONSENT_EMAIL_SENDER,
    });
  });
  const workflow = (client: DurableClient): RegistrationWorkflow => {
    const { DurableRegistrationWorkflow } =
      require('./adapters/durable-registration-workflow') as typeof DurableRegistrationWorkflowModule;
    return new DurableRegistrationWorkflow(client);
  };
  const consentLinks = (client: DurableClient): RequestConsentLinkDeps => ({
    authorityHost: config.PARTNER_AUTHORITY_HOST,
    payerAccounts: payerAccounts(),
    workflow: workflow(client),
    secretStore: requestSecretStore(),
    tokens: signedTokens(),
    clock,
    newLinkId: randomUUID,
    linkTtlHours: config.CONSENT_LINK_TTL_HOURS,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    callbackUrl: consentCallbackUrl,
    publish: { waitMs: 3000, pollMs: 100 },
  });
  return {
    config,
    clock,
    consentCallbackUrl,
    get payerAccounts() {
      return payerAccounts();
    },
    get auditTrail() {
      return auditTrail();
    },
    get tokenVerifier() {
      return tokenVerifier();
    },
    get secretStore() {
      return secretStore();
    },
    get requestSecretStore() {
      return requestSecretStore();
    },
    get signedTokens() {
      return signedTokens();
    },
    get mailer() {
      return mailer();
    },
    get verification() {
      return verification();
    },
    get redemption() {
      return redemption();
    },
    get keepAlive() {
      return keepAlive();
    },
    get secretUpdate() {
      return secretUpdate();
    },
    get connectionCheck() {
      return connectionCheck();
    },
    workflow,
    keepAliveRoundStart: (client) => {
      const { DurableKeepAliveRounds } =
        require('./adapters/durable-keep-alive-rounds') as typeof DurableKeepAliveRoundsModule;
      return {
        rounds: new DurableKeepAliveRounds(client),
        clock,
        settings: { concurrency: config.KEEP_ALIVE_CONCURRENCY, pageSize: config.KEEP_ALIVE_PAGE_SIZE },
      };
    },
    workflowRecords(client) {
      const { DurableWorkflowRecords } =
        require('./adapters/durable-workflow-records') as typeof DurableWorkflowRecordsModule;
      return new DurableWorkflowRecords(client);
    },
    historyRetention(client) {
      return {
        records: this.workflowRecords(client),
        clock,
        retentionDays: config.HISTORY_RETENTION_DAYS,
        pageSize: 100,
        concurrency: 8,
      };
    },
    preflight: (client) => {
      const { directory, tokens } = secretUpdate();
      return {
        payerAccounts: payerAccounts(),
        workflow: workflow(client),
        secretStore: requestSecretStore(),
        directory,
        tokens,
        clock,
      };
    },
    registrationStart: (client) => ({
      payerAccounts: payerAccounts(),
      workflow: workflow(client),
      secretStore: requestSecretStore(),
      clock,
      newRegistrationId: randomUUID,
      expiresAfterHours: config.REGISTRATION_EXPIRY_HOURS,
      // A claim younger than this is a registration being started right now, never a leftover.
      staleClaimAfterMs: 60_000,
    }),
    credentialsSubmission: (client) => ({
      payerAccounts: payerAccounts(),
      workflow: workflow(client),
      secretStore: requestSecretStore(),
      verification: verification(),
      clock,
      newSubmissionId: randomUUID,
      waitForOutcomeMs: config.PARTNER_CENTER_VERIFY_WAIT_SECONDS * 1000,
      poll: { firstMs: config.PARTNER_CENTER_VERIFY_FIRST_POLL_MS, maxMs: config.PARTNER_CENTER_VERIFY_POLL_MS },
    }),
    consentLinks,
    reconsentStart: (client) => ({
      ...consentLinks(client),
      newReconsentId: randomUUID,
      expiresAfterHours: config.REGISTRATION_EXPIRY_HOURS,
    }),
    consentFlow: (client) => ({
      tokens: signedTokens(),
      workflow: workflow(client),
      secretStore: requestSecretStore(),
      consentStates: consentStates(),
      clock,
      authorityHost: config.PARTNER_AUTHORITY_HOST,
      stateTtlMinutes: config.CONSENT_STATE_TTL_MINUTES,
      verdict: { waitMs: config.CONSENT_VERDICT_WAIT_SECONDS * 1000, pollMs: config.CONSENT_VERDICT_POLL_MS },
      pkce: async () => new (require('@azure/msal-node') as typeof MsalNode).CryptoProvider().generatePkceCodes(),
    }),
  };
}

/** The system clock, or the clock of a host that controls time for the app (APP_CLOCK_MODULE). */
function appClock(config: AppConfig): Clock {
  const { systemClock, hostedClock } = require('./adapters/clocks') as typeof Clocks;
  return config.APP_CLOCK_MODULE ? hostedClock(require(config.APP_CLOCK_MODULE) as { now(): number }) : systemClock;
}

/** A client secret exists only for the local stand-in; in Azure the user-assigned managed identity is used. */
function createCredential(config: AppConfig): TokenCredential {
  const identity = require('@azure/identity') as typeof Identity;
  if (config.AZURE_CLIENT_SECRET && config.AZURE_TENANT_ID) {
    return new identity.ClientSecretCredential(
      config.AZURE_TENANT_ID,
      config.AZURE_CLIENT_ID,
      config.AZURE_CLIENT_SECRET,
      {
        authorityHost: config.AZURE_AUTHORITY_HOST,
        disableInstanceDiscovery: config.AZURE_AUTHORITY_HOST !== undefined,
      },
    );
  }
  return new identity.ManagedIdentityCredential({ clientId: config.AZURE_CLIENT_ID });
}

/** Runs `build` on first call only. */
function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}
