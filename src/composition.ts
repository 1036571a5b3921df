import { randomUUID } from 'node:crypto';
import type { DurableClient } from 'durable-functions';
import type { ConsentFlowDeps } from './app/consent-flow';
import type { RedeemConsentDeps } from './app/redeem-consent';
import type { KeepTokenAliveDeps } from './app/keep-token-alive';
import type { RequestConsentLinkDeps } from './app/request-consent-link';
import type { VerifyPartnerCenterCredentialsDeps } from './app/verify-partner-center-credentials';
import type { SignedTokens } from './ports/signed-tokens';
import type { Mailer } from './ports/mailer';
import type { AppConfig } from './config';
import type { AccessTokenVerifier } from './ports/access-token-verifier';
import type { AuditTrail } from './ports/audit-trail';
import type { Clock } from './ports/clock';
import type { PayerAccounts } from './ports/payer-accounts';
import type { RegistrationWorkflow } from './ports/registration-workflow';
import type { SecretStore } from './ports/secret-store';
import type { WorkflowRecords } from './ports/workflow-records';
import type { TokenCredential } from '@azure/core-auth';

/**
 * The one place adapters are chosen and wired, from validated configuration only. Heavy SDKs
 * are required inside the factories, on first use, so loading the app's entry points stays cheap.
 */
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
  verification: VerifyPartnerCenterCredentialsDeps;
  redemption: RedeemConsentDeps;
  /** The token keep-alive: no orchestration retries a timer's work, so transient faults are retried inside. */
  keepAlive: KeepTokenAliveDeps;
  signedTokens: SignedTokens;
  mailer: Mailer;
  /** Everything the consent start and callback need but the durable client. */
  consentFlow: Omit<ConsentFlowDeps, 'workflow'>;
  /** The redirect URI partners register: <PUBLIC_BASE_URL>/api/consent/callback. */
  consentCallbackUrl: string;
  workflow(client: DurableClient): RegistrationWorkflow;
  /** What issuing a consent link needs (step 3 and re-consent). */
  consentLinks(client: DurableClient): RequestConsentLinkDeps;
  /** Ops: what the task hub recorded (instance pages, histories), through the durable management API. */
  workflowRecords(client: DurableClient): WorkflowRecords;
}

let services: AppServices | undefined;

export function appServices(): AppServices {
  services ??= compose((require('./config') as typeof import('./config')).loadConfig(process.env));
  return services;
}

function compose(config: AppConfig): AppServices {
  const clock = productClock();
  const callbackUrl = `${config.PUBLIC_BASE_URL}/api/consent/callback`;
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const lazily = <T>(build: () => T): (() => T) => {
    let value: T | undefined;
    return () => (value ??= build());
  };
  const credential = lazily(() => createCredential(config));
  const table = (client: typeof import('@azure/data-tables').TableClient, name: string) =>
    config.AzureWebJobsStorage
      ? client.fromConnectionString(config.AzureWebJobsStorage, name, { allowInsecureConnection: true })
      : new client(config.AzureWebJobsStorage__tableServiceUri as string, name, credential());
  const payerAccounts = lazily(() => {
    const { TableClient } = require('@azure/data-tables') as typeof import('@azure/data-tables');
    const { TablePayerAccounts } =
      require('./adapters/table-payer-accounts') as typeof import('./adapters/table-payer-accounts');
    return new TablePayerAccounts(table(TableClient, config.PAYER_ACCOUNTS_TABLE));
  });
  const auditTrail = lazily(() => {
    const { TableClient } = require('@azure/data-tables') as typeof import('@azure/data-tables');
    const { TableAuditTrail } =
      require('./adapters/table-audit-trail') as typeof import('./adapters/table-audit-trail');
    return new TableAuditTrail(table(TableClient, config.AUDIT_TABLE));
  });
  const tokenVerifier = lazily(() => {
    const { EntraAccessTokenVerifier } =
      require('./adapters/entra-access-token-verifier') as typeof import('./adapters/entra-access-token-verifier');
    return new EntraAccessTokenVerifier({
      authorityHost: config.API_AUTHORITY_HOST,
      audiences: config.API_AUDIENCE,
      allowedTenants: config.API_ALLOWED_TENANTS,
      clockToleranceSeconds: 300,
    });
  });
  const keyVault = (maxRetries: number) =>
    lazily(() => {
      const { KeyVaultSecretStore } =
        require('./adapters/key-vault-secret-store') as typeof import('./adapters/key-vault-secret-store');
      return new KeyVaultSecretStore(config.KEY_VAULT_URL, credential(), {
        disableChallengeResourceVerification: config.KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION,
        retryOptions: { maxRetries, retryDelayInMs: 400, maxRetryDelayInMs: 3000 },
      });
    });
  const secretStore = keyVault(0);
  const requestSecretStore = keyVault(3);
  const verification = lazily((): VerifyPartnerCenterCredentialsDeps => {
    const { EntraTenantDirectory } =
      require('./adapters/entra-tenant-directory') as typeof import('./adapters/entra-tenant-directory');
    const { MsalAppTokenProvider } =
      require('./adapters/msal-app-token-provider') as typeof import('./adapters/msal-app-token-provider');
    const { PartnerCenterClient } =
      require('./adapters/partner-center-client') as typeof import('./adapters/partner-center-client');
    return {
      directory: new EntraTenantDirectory(config.PARTNER_AUTHORITY_HOST),
      tokens: new MsalAppTokenProvider(config.PARTNER_AUTHORITY_HOST),
      partnerCenter: new PartnerCenterClient({
        baseUrl: config.PARTNER_CENTER_API_URL,
        maxAttempts: 4,
        maxRetryAfterMs: 30_000,
        firstBackoffMs: 500,
      }),
      secretStore: secretStore(),
      clock,
      sleep,
      replication: { freshForMs: 5 * 60_000, retries: 2, delayMs: 1500 },
    };
  });
  const signedTokens = lazily(() => {
    const { KeyVaultSignedTokens } =
      require('./adapters/key-vault-signed-tokens') as typeof import('./adapters/key-vault-signed-tokens');
    return new KeyVaultSignedTokens(requestSecretStore());
  });
  const consentFlow = lazily((): Omit<ConsentFlowDeps, 'workflow'> => {
    const { TableClient } = require('@azure/data-tables') as typeof import('@azure/data-tables');
    const { TableConsentStates } =
      require('./adapters/table-consent-states') as typeof import('./adapters/table-consent-states');
    const { CryptoProvider } = require('@azure/msal-node') as typeof import('@azure/msal-node');
    return {
      tokens: signedTokens(),
      secretStore: requestSecretStore(),
      clock,
      consentStates: new TableConsentStates(table(TableClient, config.CONSENT_STATES_TABLE)),
      authorityHost: config.PARTNER_AUTHORITY_HOST,
      stateTtlMinutes: config.CONSENT_STATE_TTL_MINUTES,
      pkce: async () => new CryptoProvider().generatePkceCodes(),
    };
  });
  const redemption = lazily((): RedeemConsentDeps => {
    const { MsalDelegatedTokens } =
      require('./adapters/msal-delegated-tokens') as typeof import('./adapters/msal-delegated-tokens');
    const { PartnerApiClient } =
      require('./adapters/partner-api-client') as typeof import('./adapters/partner-api-client');
    return {
      secretStore: secretStore(),
      delegated: new MsalDelegatedTokens(config.PARTNER_AUTHORITY_HOST),
      partnerCenter: verification().partnerCenter,
      partnerApi: new PartnerApiClient(config.PARTNER_API_URL),
      payerAccounts: payerAccounts(),
      clock,
      sleep,
    };
  });
  const keepAlive = lazily((): KeepTokenAliveDeps => ({
    payerAccounts: payerAccounts(),
    secretStore: requestSecretStore(),
    delegated: redemption().delegated,
    clock,
    sleep,
    retry: { attempts: 3, firstDelayMs: 2000 },
  }));
  const mailer = lazily((): Mailer => {
    if (config.ACS_ENDPOINT) {
      const { AcsMailer } = require('./adapters/acs-mailer') as typeof import('./adapters/acs-mailer');
      return new AcsMailer(config.ACS_ENDPOINT, credential(), config.CONSENT_EMAIL_SENDER);
    }
    const { SmtpMailer } = require('./adapters/smtp-mailer') as typeof import('./adapters/smtp-mailer');
    return new SmtpMailer({
      host: config.SMTP_HOST as string,
      port: config.SMTP_PORT,
      from: config.CONSENT_EMAIL_SENDER,
    });
  });
  return {
    config,
    clock,
    get mailer() {
      return mailer();
    },
    get redemption() {
      return redemption();
    },
    get keepAlive() {
      return keepAlive();
    },
    consentCallbackUrl: callbackUrl,
    get signedTokens() {
      return signedTokens();
    },
    get consentFlow() {
      return consentFlow();
    },
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
    get verification() {
      return verification();
    },
    workflow(client) {
      const { DurableRegistrationWorkflow } =
        require('./adapters/durable-registration-workflow') as typeof import('./adapters/durable-registration-workflow');
      return new DurableRegistrationWorkflow(client);
    },
    consentLinks(client) {
      return {
        payerAccounts: payerAccounts(),
        workflow: this.workflow(client),
        secretStore: requestSecretStore(),
        tokens: signedTokens(),
        clock,
        newLinkId: randomUUID,
        linkTtlHours: config.CONSENT_LINK_TTL_HOURS,
        publicBaseUrl: config.PUBLIC_BASE_URL,
        callbackUrl,
        publish: { waitMs: 3000, pollMs: 100, sleep },
      };
    },
    workflowRecords(client) {
      const { DurableWorkflowRecords } =
        require('./adapters/durable-workflow-records') as typeof import('./adapters/durable-workflow-records');
      return new DurableWorkflowRecords(client);
    },
  };
}

/**
 * The system's time; under the project's local host, the host's adjustable clock (published on a
 * well-known symbol), so tests can move the whole product weeks ahead together with its timers.
 */
function productClock(): Clock {
  const hostNow = (globalThis as Record<symbol, unknown>)[Symbol.for('local-functions-host.clock')] as
    (() => number) | undefined;
  return { now: () => new Date(hostNow ? hostNow() : Date.now()) };
}

/** A client secret exists only for the local stand-in; in Azure the user-assigned managed identity is used. */
function createCredential(config: AppConfig): TokenCredential {
  const identity = require('@azure/identity') as typeof import('@azure/identity');
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
