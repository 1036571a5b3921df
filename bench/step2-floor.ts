import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node';
import { PARTNER_CENTER_SCOPE } from '../src/app/verify-partner-center-credentials';
import { loadConfig } from '../src/config';

/** What the person pastes in step 2. */
export interface Step2Credentials {
  applicationId: string;
  domain: string;
  secret: string;
}

/** One run of the floor: each call's duration, in the order they are made. */
export interface FloorTimings {
  keyVaultWriteMs: number;
  tenantLookupMs: number;
  tokenMs: number;
  partnerCenterMs: number;
  totalMs: number;
}

const TIMEOUT_MS = 15_000;
const FLOOR_SECRET_NAME = 'bench-step2-floor-pc-secret';

/**
 * The least step 2 can cost: the calls the product makes for one submission, made directly and in
 * sequence against the same stand-ins — the Key Vault write (the real SecretClient with a
 * ClientSecretCredential, configured as src/composition.ts configures the request's secret store),
 * the tenant lookup (OpenID metadata), the client-credentials token (MSAL, as
 * src/adapters/msal-app-token-provider.ts asks for it) and the Partner Center call. No durable
 * client, no orchestration, no status polling. Throws when any call does not succeed.
 */
export class Step2Floor {
  private readonly secrets: SecretClient;
  private readonly authorityHost: string;
  private readonly partnerCenterUrl: string;

  constructor(
    settings: Record<string, string>,
    private readonly credentials: Step2Credentials,
  ) {
    const config = loadConfig(settings);
    if (!config.AZURE_TENANT_ID || !config.AZURE_CLIENT_SECRET)
      throw new Error('The stack settings lack AZURE_TENANT_ID/AZURE_CLIENT_SECRET for the Key Vault credential');
    const credential = new ClientSecretCredential(
      config.AZURE_TENANT_ID,
      config.AZURE_CLIENT_ID,
      config.AZURE_CLIENT_SECRET,
      {
        authorityHost: config.AZURE_AUTHORITY_HOST,
        disableInstanceDiscovery: config.AZURE_AUTHORITY_HOST !== undefined,
      },
    );
    this.secrets = new SecretClient(config.KEY_VAULT_URL, credential, {
      disableChallengeResourceVerification: config.KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION,
      retryOptions: { maxRetries: 3, retryDelayInMs: 400, maxRetryDelayInMs: 3000 },
    });
    this.authorityHost = config.PARTNER_AUTHORITY_HOST;
    this.partnerCenterUrl = config.PARTNER_CENTER_API_URL;
  }

  async run(): Promise<FloorTimings> {
    const { applicationId, domain, secret } = this.credentials;
    const t0 = performance.now();

    const written = await this.secrets.setSecret(FLOOR_SECRET_NAME, secret, {
      contentType: 'client-secret',
      tags: { registrationId: 'bench-floor', applicationId },
    });
    if (!written.properties.version) throw new Error('Floor: Key Vault returned no version');
    const t1 = performance.now();

    const lookup = await fetch(
      `${this.authorityHost}/${encodeURIComponent(domain)}/v2.0/.well-known/openid-configuration`,
      {
        headers: { 'client-request-id': randomUUID() },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      },
    );
    const openIdConfiguration = await lookup.text();
    const tenantId = /\/([0-9a-f-]{36})\//i.exec(
      String((JSON.parse(openIdConfiguration) as { issuer?: string }).issuer) + '/',
    )?.[1];
    if (!lookup.ok || !tenantId) throw new Error(`Floor: tenant lookup answered ${lookup.status} without a tenant`);
    const t2 = performance.now();

    const msal = new ConfidentialClientApplication({
      auth: {
        clientId: applicationId,
        clientSecret: secret,
        authority: `${this.authorityHost}/${tenantId}`,
        knownAuthorities: [new URL(this.authorityHost).host],
        authorityMetadata: openIdConfiguration,
      },
      system: {
        loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined },
      },
    });
    const token = await msal.acquireTokenByClientCredential({
      scopes: [PARTNER_CENTER_SCOPE],
      skipCache: true,
      correlationId: randomUUID(),
    });
    if (!token?.accessToken) throw new Error('Floor: no access token');
    const t3 = performance.now();

    const profile = await fetch(`${this.partnerCenterUrl}/v1/profiles/legalbusiness`, {
      headers: {
        authorization: `Bearer ${token.accessToken}`,
        accept: 'application/json',
        'MS-CorrelationId': randomUUID(),
        'MS-RequestId': randomUUID(),
      },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const body = (await profile.json().catch(() => ({}))) as { companyName?: string };
    if (!profile.ok || !body.companyName) throw new Error(`Floor: Partner Center answered ${profile.status}`);
    const t4 = performance.now();

    return {
      keyVaultWriteMs: t1 - t0,
      tenantLookupMs: t2 - t1,
      tokenMs: t3 - t2,
      partnerCenterMs: t4 - t3,
      totalMs: t4 - t0,
    };
  }
}
