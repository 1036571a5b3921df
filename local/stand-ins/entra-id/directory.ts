import { createHash } from 'node:crypto';
import type { EntraApplication, EntraFixtures, EntraTenant, EntraUser } from './fixtures';

/** Lookups over the fixtures, with Entra's rules for which tenant sees which app and user. */
export class Directory {
  /** Microsoft API (app ID, lower-case) → the access-token version its registration accepts, where not 1.0. */
  private readonly tokenVersions = new Map<string, '1.0' | '2.0'>();

  constructor(readonly fixtures: EntraFixtures) {}

  /**
   * A resource's `accessTokenAcceptedVersion` decides the access token's format, not the endpoint the client used
   * (https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens#token-formats).
   */
  accessTokenVersion(resourceAppId: string): '1.0' | '2.0' {
    return this.tokenVersions.get(resourceAppId.toLowerCase()) ?? '1.0';
  }

  setAccessTokenVersion(resourceAppId: string, version: '1.0' | '2.0'): void {
    this.tokenVersions.set(resourceAppId.toLowerCase(), version);
  }

  /** `tenant|appId` (lower-case) of Microsoft APIs whose service principal a tenant lacks (every one exists unless told). */
  private readonly missingServicePrincipals = new Set<string>();

  /** Whether a Microsoft API has its service principal in the tenant; without one, Entra answers AADSTS500011. */
  hasServicePrincipal(tenantId: string, resourceAppId: string): boolean {
    return !this.missingServicePrincipals.has(`${tenantId}|${resourceAppId}`.toLowerCase());
  }

  setServicePrincipal(tenantId: string, resourceAppId: string, present: boolean): void {
    const key = `${tenantId}|${resourceAppId}`.toLowerCase();
    if (present) this.missingServicePrincipals.delete(key);
    else this.missingServicePrincipals.add(key);
  }

  /** A tenant by GUID or by any of its domains (case-insensitive), as in `/{tenant}/…` paths. */
  tenant(segment: string): EntraTenant | undefined {
    const s = segment.toLowerCase();
    return this.fixtures.tenants.find(
      (t) => t.tenantId.toLowerCase() === s || t.domains.some((d) => d.toLowerCase() === s),
    );
  }

  tenantById(tenantId: string): EntraTenant {
    const t = this.tenant(tenantId);
    if (!t) throw new Error(`fixtures: no tenant ${tenantId}`);
    return t;
  }

  appByClientId(clientId: string): EntraApplication | undefined {
    const id = clientId.toLowerCase();
    return this.fixtures.applications.find((a) => a.clientId.toLowerCase() === id);
  }

  appByName(name: string): EntraApplication | undefined {
    return this.fixtures.applications.find((a) => a.name === name);
  }

  /** An app is usable in its home tenant, and in other tenants only when it is multi-tenant. */
  appInTenant(clientId: string, tenantId: string): EntraApplication | undefined {
    const app = this.appByClientId(clientId);
    if (!app) return undefined;
    return app.homeTenantId.toLowerCase() === tenantId.toLowerCase() || app.multiTenant ? app : undefined;
  }

  user(userPrincipalName: string): EntraUser | undefined {
    const upn = userPrincipalName.toLowerCase();
    return this.fixtures.users.find((u) => u.userPrincipalName.toLowerCase() === upn);
  }
}

/** A name-based (v5-style) GUID: the same inputs always give the same ID. */
export function deterministicGuid(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('|').toLowerCase()).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The object ID of an app's service principal in a tenant (each tenant has its own). */
export function servicePrincipalObjectId(clientId: string, tenantId: string): string {
  return deterministicGuid('service-principal', clientId, tenantId);
}

/** Entra's `sub` for users is pairwise: stable per user and app, different across apps. */
export function pairwiseSubject(objectId: string, clientId: string): string {
  return createHash('sha256').update(`${objectId}|${clientId}`.toLowerCase()).digest('base64url');
}
