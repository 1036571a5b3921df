import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import type { Stack } from '../../local/stack';

/** What the vault holds under one registration's (or re-consent's) names `reg-<id>-…`, by the part after the prefix. */
export interface StagedListing {
  /** Each live name and how many of its versions are enabled (readable); 0 when only disabled ones are left. */
  live: Record<string, number>;
  /** The names in deleted state (soft-deleted: they take no new version until purged). */
  deleted: string[];
}

/**
 * Lists the vault as the product's identity sees it, through Key Vault's list operations (`GET /secrets`,
 * `GET /secrets/{name}/versions`, `GET /deletedsecrets`) with the SDK over HTTPS, not the stand-in's memory.
 */
export function vaultListing(stack: Stack): (id: string) => Promise<StagedListing> {
  const s = stack.settings;
  const credential = new ClientSecretCredential(s.AZURE_TENANT_ID, s.AZURE_CLIENT_ID, s.AZURE_CLIENT_SECRET, {
    authorityHost: s.AZURE_AUTHORITY_HOST,
    disableInstanceDiscovery: true,
  });
  const client = new SecretClient(s.KEY_VAULT_URL, credential, { disableChallengeResourceVerification: true });
  return async (id) => {
    const prefix = `reg-${id}-`;
    const live: Record<string, number> = {};
    for await (const secret of client.listPropertiesOfSecrets()) {
      if (!secret.name.startsWith(prefix)) continue;
      let enabled = 0;
      for await (const version of client.listPropertiesOfSecretVersions(secret.name)) if (version.enabled) enabled++;
      live[secret.name.slice(prefix.length)] = enabled;
    }
    const deleted: string[] = [];
    for await (const secret of client.listDeletedSecrets())
      if (secret.name.startsWith(prefix)) deleted.push(secret.name.slice(prefix.length));
    return { live, deleted: deleted.sort() };
  };
}
