import { z } from 'zod';
import { loadFixtures } from '../fixtures-file';
import bundledFixtures from './fixtures.json';

/** The directory the Entra ID stand-in serves: tenants, app registrations and users. Local values only. */

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a GUID');
const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO date');

const tenantSchema = z.object({
  tenantId: guid,
  displayName: z.string().min(1),
  domains: z.array(z.string().min(1)),
});

const secretSchema = z.object({
  /** The secret's ID, as the portal shows it beside the value (people paste it by mistake). */
  id: guid,
  value: z.string().min(1),
  expiresOn: isoDate,
});

const applicationSchema = z.object({
  name: z.string().min(1),
  clientId: guid,
  homeTenantId: guid,
  multiTenant: z.boolean(),
  publicClient: z.boolean().optional(),
  identifierUri: z.string().optional(),
  appRoles: z.array(z.string()).optional(),
  delegatedScopes: z.array(z.string()).optional(),
  /** App roles this app holds (app-only) on other fixture apps, keyed by the resource app's name. */
  appRoleGrants: z.record(z.string(), z.array(z.string())).optional(),
  secrets: z.array(secretSchema),
  /** The Web and Mobile/desktop platforms' redirect URIs. */
  redirectUris: z.array(z.string()).optional(),
  /** The Single-page application platform's: codes redeemed from a browser (CORS) must come back to one of these. */
  spaRedirectUris: z.array(z.string()).optional(),
  requiredResourceAccess: z
    .array(z.object({ resourceAppId: guid, resource: z.string(), delegatedScopes: z.array(z.string()) }))
    .optional(),
});

const userSchema = z.object({
  userPrincipalName: z.string().includes('@'),
  displayName: z.string(),
  objectId: guid,
  tenantId: guid,
  password: z.string(),
  mfa: z.boolean(),
  /** App roles assigned to the user, keyed by the resource app's name. */
  appRoles: z.record(z.string(), z.array(z.string())),
  partnerCenterRoles: z.array(z.string()).optional(),
});

const fixturesSchema = z
  .object({ tenants: z.array(tenantSchema), applications: z.array(applicationSchema), users: z.array(userSchema) })
  .superRefine((f, ctx) => {
    const tenantIds = new Set(f.tenants.map((t) => t.tenantId.toLowerCase()));
    for (const a of f.applications) {
      if (!tenantIds.has(a.homeTenantId.toLowerCase()))
        ctx.addIssue({ code: 'custom', message: `app ${a.name}: unknown home tenant` });
    }
    for (const u of f.users) {
      if (!tenantIds.has(u.tenantId.toLowerCase()))
        ctx.addIssue({ code: 'custom', message: `user ${u.userPrincipalName}: unknown tenant` });
    }
  });

export type EntraTenant = z.infer<typeof tenantSchema>;
export type EntraSecret = z.infer<typeof secretSchema>;
export type EntraApplication = z.infer<typeof applicationSchema>;
export type EntraUser = z.infer<typeof userSchema>;
export type EntraFixtures = z.infer<typeof fixturesSchema>;

/** The bundled fixtures (fixtures.json beside this file), or another JSON file of the same shape. */
export function loadEntraFixtures(filePath?: string): EntraFixtures {
  return loadFixtures('Entra ID', fixturesSchema, bundledFixtures, filePath);
}
