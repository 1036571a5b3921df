const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 24 * 3600_000;

/**
 * Entra ID's OpenID configuration for any tenant, with one request per authority host instead of one per tenant: a
 * tenant's document is found at `{authority host}/{tenant}/v2.0/.well-known/openid-configuration` and names that
 * tenant in its issuer and endpoints
 * (https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri),
 * so one tenant's document, with another's ID in place of its own, is the other's. MSAL, handed it, asks Entra ID for
 * nothing but the token. Read again after a day; when it cannot be read, MSAL reads each tenant's itself.
 */
export class EntraAuthorityMetadata {
  private template: Promise<{ tenantId: string; document: string; readAt: number } | undefined> | undefined;

  constructor(
    private readonly authorityHost: string,
    private readonly read: (url: string) => Promise<string> = readDocument,
  ) {}

  /** The tenant's OpenID configuration as MSAL's `authorityMetadata`; undefined when MSAL must read it itself. */
  async forTenant(tenantId: string): Promise<string | undefined> {
    if (!GUID.test(tenantId)) return undefined;
    const pending = this.template;
    let template = pending ? await pending : undefined;
    if (!template || Date.now() - template.readAt > DAY_MS) {
      // Only the first caller to find it missing or old reads it again; the others wait for that read.
      if (this.template === pending) this.template = this.fetch(tenantId.toLowerCase());
      template = await this.template;
    }
    return template?.document.replaceAll(template.tenantId, tenantId.toLowerCase());
  }

  private async fetch(tenantId: string) {
    try {
      const document = await this.read(`${this.authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`);
      const parsed = JSON.parse(document) as { token_endpoint?: unknown; issuer?: unknown };
      if (typeof parsed.token_endpoint !== 'string' || !parsed.token_endpoint.includes(tenantId)) return undefined;
      return { tenantId, document, readAt: Date.now() };
    } catch {
      return undefined;
    }
  }
}

async function readDocument(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.text();
}
