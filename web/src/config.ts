/**
 * The wizard's runtime configuration, read from `config.json` beside index.html, so one build serves every
 * environment: the Entra ID authority and this app's client ID, the API's scope and base URL.
 */
export interface WizardConfig {
  /** `https://login.microsoftonline.com/organizations` in production. */
  authority: string;
  clientId: string;
  /**
   * A delegated scope the API exposes, `api://octo-payer-registration/access_as_user`. Not `/.default`: MSAL keeps
   * tokens under the scopes Entra ID grants, which never include `.default`, so every call would redeem the refresh
   * token again (and Entra ID throttles a client that asks for the same token in a loop).
   */
  apiScope: string;
  /** Absolute, or relative to this page (`/api` when the API shares the origin). */
  apiBaseUrl: string;
  /** Where Microsoft returns after sign-in; default: this page's folder. */
  redirectUri?: string;
  /** Only for an authority that is not Microsoft's (the local Entra ID stand-in): its host, trusted as is. */
  knownAuthorities?: string[];
  /** The authority's OpenID configuration, so no request reaches it before the sign-in page does. */
  authorityMetadata?: Record<string, unknown>;
  /** The product's consent callback partners register; default: `<apiBaseUrl>/consent/callback`. */
  consentCallbackUrl?: string;
  /** Local stand-ins only: who to sign in as and what to type (never a password or secret). */
  localHints?: LocalHints;
}

export interface LocalHints {
  users: { username: string; note: string }[];
  /** Contoso's fixture app; `secretId` is the ID of its secret, which people paste by mistake for the value. */
  partnerCenterApp: { applicationId: string; domain: string; tenantId: string; secretId?: string };
  /** Where the fixture password and secret value are shown: the terminal running npm start. */
  credentialsNote: string;
  inboxUrl?: string;
}

const REQUIRED = ['authority', 'clientId', 'apiScope', 'apiBaseUrl'] as const;

export async function loadConfig(): Promise<WizardConfig> {
  const res = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
  if (!res.ok)
    throw new Error(`config.json answered ${res.status}: place it beside index.html (see web/config.example.json).`);
  const config = (await res.json()) as Partial<WizardConfig>;
  const missing = REQUIRED.filter((key) => typeof config[key] !== 'string' || !config[key]);
  if (missing.length) throw new Error(`config.json lacks ${missing.join(', ')} (see web/config.example.json).`);
  return config as WizardConfig;
}

/** The API's base as an absolute URL without a trailing slash. */
export const apiBase = (config: WizardConfig) => new URL(config.apiBaseUrl, document.baseURI).href.replace(/\/+$/, '');

export const consentCallbackUrl = (config: WizardConfig) =>
  config.consentCallbackUrl ?? `${apiBase(config)}/consent/callback`;
