import { z } from 'zod';

const url = z
  .string()
  .url()
  .transform((value) => value.replace(/\/+$/, ''));
const list = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true');

/**
 * Every app setting the product reads, validated once at first use. Names follow Azure
 * conventions (AzureWebJobsStorage*, AZURE_* for @azure/identity). Secrets are never settings
 * in Azure: AZURE_CLIENT_SECRET exists only for the local stand-in of the managed identity.
 */
export const settingsSchema = z
  .object({
    /** Storage for the app's own tables: a connection string (local) ... */
    AzureWebJobsStorage: z.string().min(1).optional(),
    /** ... or the identity-based table endpoint (Azure). */
    AzureWebJobsStorage__tableServiceUri: url.optional(),
    PAYER_ACCOUNTS_TABLE: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/)
      .default('PayerAccounts'),
    /** The audit trail: who changed what and when, one partition per organization. */
    AUDIT_TABLE: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/)
      .default('AuditTrail'),

    KEY_VAULT_URL: url,
    /** Only for a vault on loopback, whose challenge resource cannot match vault.azure.net. */
    KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: flag,

    /** The managed identity's client ID in Azure (user-assigned), or the local stand-in's app. */
    AZURE_CLIENT_ID: z.string().min(1),
    AZURE_TENANT_ID: z.string().optional(),
    AZURE_CLIENT_SECRET: z.string().optional(),
    AZURE_AUTHORITY_HOST: url.optional(),

    /**
     * Where this API's bearer tokens come from: the OpenID Connect authority whose
     * `/.well-known/openid-configuration` names their issuer and signing keys (Entra ID's multi-tenant v2.0
     * authority by default; `.../{tenant}/v2.0` for one tenant, or any OpenID Connect issuer).
     */
    API_AUTHORITY: url.default('https://login.microsoftonline.com/organizations/v2.0'),
    /** This API's client ID and/or application ID URI, comma-separated. */
    API_AUDIENCE: list.pipe(z.array(z.string()).min(1, 'at least one audience is required')),
    API_ALLOWED_TENANTS: list,
    API_ORGANIZATION_CLAIM: z.string().min(1).default('tid'),
    API_WRITE_ROLE: z.string().min(1).default('PayerAccount.Manage'),
    API_OPS_ROLE: z.string().min(1).default('PayerAccount.Ops'),
    /**
     * The operator's own tenant IDs (comma-separated): the ops role counts only in their tokens. The API is
     * multi-tenant and every customer's admin can assign its app roles in their own tenant. With an OpenID Connect
     * issuer other than Entra ID (tokens without `tid`), its issuer URL.
     */
    API_OPS_TENANTS: list.pipe(
      z
        .array(
          z
            .string()
            .regex(
              /^(?:[0-9a-fA-F-]{36}|https:\/\/\S+)$/,
              "Entra ID tenant IDs (GUIDs), or another OpenID Connect issuer's https URL",
            ),
        )
        .min(1, "at least the operator's tenant ID is required"),
    ),

    REGISTRATION_EXPIRY_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 90)
      .default(168),

    /** Entra ID for the partners' tenants (tenant lookup, their apps' tokens). */
    PARTNER_AUTHORITY_HOST: url.default('https://login.microsoftonline.com'),
    PARTNER_CENTER_API_URL: url.default('https://api.partnercenter.microsoft.com'),
    /** The Microsoft Partner API (pricing); its tokens are always for https://api.partner.microsoft.com. */
    PARTNER_API_URL: url.default('https://api.partner.microsoft.com'),
    /** How long PUT .../partner-center-credentials waits for the verification before answering 202. */
    PARTNER_CENTER_VERIFY_WAIT_SECONDS: z.coerce.number().min(0).max(60).default(8),

    /** The app's public address: consent links and the callback partners register are built from it. */
    PUBLIC_BASE_URL: url,
    /**
     * The registration wizard's address, for the consent page's way back; default PUBLIC_BASE_URL's `/` (where the
     * local host serves it). In Azure the wizard is a Static Web App of its own: infra sets its address.
     */
    WIZARD_URL: url.optional(),
    /** How long a consent link stays valid (default 72 hours). */
    CONSENT_LINK_TTL_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(72),
    /** How long the admin's page after consent waits for the checks' verdict before saying a reload will show it. */
    CONSENT_VERDICT_WAIT_SECONDS: z.coerce.number().min(0).max(60).default(12),
    /** How often that page looks at the verdict while it waits, in milliseconds. */
    CONSENT_VERDICT_POLL_MS: z.coerce.number().int().min(5).max(2000).default(100),
    /** How long one click's sign-in may take before its state expires. */
    CONSENT_STATE_TTL_MINUTES: z.coerce.number().positive().max(120).default(15),
    CONSENT_STATES_TABLE: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/)
      .default('ConsentStates'),

    /**
     * When the token keep-alive runs (NCRONTAB with seconds, UTC). Read by the Functions host from the
     * app settings (`%TOKEN_KEEP_ALIVE_SCHEDULE%`); validated here so a typo fails loudly.
     */
    TOKEN_KEEP_ALIVE_SCHEDULE: z
      .string()
      .trim()
      .regex(
        /^(\S+\s+){5}\S+$/,
        'must be an NCRONTAB expression with six fields, e.g. "0 0 3 * * 1" (Mondays 03:00 UTC)',
      )
      .default('0 0 3 * * 1'),
    /** Refreshes the keep-alive round keeps in flight at most; throttling (429) lowers it for the rest of the round. */
    KEEP_ALIVE_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
    /** Accounts the round reads per page, each page one generation of its orchestration (continue-as-new). */
    KEEP_ALIVE_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(100),

    /**
     * Connection checks (POST /api/payer-account/connection-check) an organization may run in any hour: each one
     * redeems the refresh token and calls Partner Center and the Partner API on the partner's behalf.
     */
    CONNECTION_CHECKS_PER_HOUR: z.coerce.number().int().min(1).max(60).default(6),

    /**
     * How many days the Durable engine keeps an ended orchestration's history (registrations, re-consents, keep-alive
     * rounds) before the purge deletes it; the audit trail keeps what must outlive it. At least a week: ops read an ended
     * registration's timeline, and step 1 and DELETE tell one that ended without its clean-up by its history.
     */
    HISTORY_RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(90),
    /** When the purge of those histories runs (NCRONTAB with seconds, UTC; `%HISTORY_PURGE_SCHEDULE%`, as above). */
    HISTORY_PURGE_SCHEDULE: z
      .string()
      .trim()
      .regex(
        /^(\S+\s+){5}\S+$/,
        'must be an NCRONTAB expression with six fields, e.g. "0 30 4 * * *" (daily 04:30 UTC)',
      )
      .default('0 30 4 * * *'),

    /**
     * Only under a host that runs the app on a clock it controls (the project's local host, so tests can move time):
     * the path of a CommonJS module exporting `now(): number`. Unset in Azure: the system clock.
     */
    APP_CLOCK_MODULE: z.string().min(1).optional(),

    /**
     * While PUT .../partner-center-credentials waits for the verification, it looks first after FIRST_POLL_MS, then
     * after pauses 1.5 times longer each, at most POLL_MS (milliseconds).
     */
    PARTNER_CENTER_VERIFY_FIRST_POLL_MS: z.coerce.number().int().min(1).max(1000).default(2),
    PARTNER_CENTER_VERIFY_POLL_MS: z.coerce.number().int().min(5).max(1000).default(25),

    /** The consent e-mail's sender; sent through Azure Communication Services (Azure) ... */
    CONSENT_EMAIL_SENDER: z.string().email(),
    ACS_ENDPOINT: url.optional(),
    /** ... or through SMTP (the local stack's mail catcher). */
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(25),
  })
  .refine((s) => s.AzureWebJobsStorage || s.AzureWebJobsStorage__tableServiceUri, {
    message: 'set AzureWebJobsStorage or AzureWebJobsStorage__tableServiceUri',
    path: ['AzureWebJobsStorage'],
  })
  .refine((s) => s.ACS_ENDPOINT || s.SMTP_HOST, {
    message: 'set ACS_ENDPOINT (Azure Communication Services) or SMTP_HOST',
    path: ['ACS_ENDPOINT'],
  });

export type AppConfig = z.infer<typeof settingsSchema>;

/**
 * Settings that exist only on a developer's machine (the local stack's stand-ins); in Azure
 * the managed identity and identity-based storage settings replace them. Every other setting
 * of the schema must be set by the infrastructure (infra/ is tested against this list).
 */
export const LOCAL_ONLY_SETTINGS: readonly (keyof AppConfig)[] = [
  'AzureWebJobsStorage',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_AUTHORITY_HOST',
  'KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION',
  'SMTP_HOST',
  'SMTP_PORT',
  'APP_CLOCK_MODULE',
];

/**
 * API_AUTHORITY_HOST, the setting API_AUTHORITY replaced (tokens had to come from `<host>/<tid>/v2.0`), still read
 * when API_AUTHORITY is not set: as that host's multi-tenant authority.
 */
function withFormerSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const host = env.API_AUTHORITY_HOST?.trim().replace(/\/+$/, '');
  return env.API_AUTHORITY || !host ? env : { ...env, API_AUTHORITY: `${host}/organizations/v2.0` };
}

export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const parsed = settingsSchema.safeParse(withFormerSettings(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`);
    throw new Error(`Invalid app settings:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}
