import { LOCAL_PASSWORD } from '../stack';
import { loadEntraFixtures, type EntraFixtures } from './entra-id/fixtures';
import { loadPartnerCenterFixtures, type PartnerCenterFixtures } from './partner-center/fixtures';

/** What a person needs to register one generated partner's payer account through the API. */
export interface GeneratedPartner {
  accountName: string;
  companyName: string;
  tenantId: string;
  domain: string;
  /** The partner's Partner Center app (App management), with its valid secret. */
  applicationId: string;
  secret: string;
  /** Registers (PayerAccount.Manage on the API) and consents (Admin agent, MFA): one person, as Contoso's Alice. */
  admin: string;
}

export interface GeneratedPartners {
  partners: GeneratedPartner[];
  entra: EntraFixtures;
  partnerCenter: PartnerCenterFixtures;
}

const CONTOSO_TENANT = '22222222-2222-4222-8222-222222222222';
const CONTOSO_APP = 'contoso-partner-center-app';

/** A fixture GUID per kind (a distinct first group) and partner number; none collides with the bundled ones. */
const guid = (kind: string, n: number) => `${kind}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/**
 * The bundled fixtures plus `count` CSP partners shaped like Contoso: each its own tenant and domain
 * (partner-0001.example…), a single-tenant Partner Center app enabled in App management with a valid secret, and
 * one admin with MFA, the Admin agent role and PayerAccount.Manage on the API; in Partner Center each has its own MPN
 * ID, legal business profile, and Contoso's customers and invoices. For load benches and their smoke tests.
 */
export function generatePartners(count: number): GeneratedPartners {
  const entra = loadEntraFixtures();
  const partnerCenter = loadPartnerCenterFixtures();
  const contosoApp = entra.applications.find((a) => a.name === CONTOSO_APP);
  const contoso = partnerCenter.partners.find((p) => p.tenantId === CONTOSO_TENANT);
  if (!contosoApp || !contoso) throw new Error('the bundled fixtures lack Contoso');
  const partners: GeneratedPartner[] = [];
  for (let n = 1; n <= count; n++) {
    const label = String(n).padStart(4, '0');
    const domain = `partner-${label}.example`;
    const admin = `admin@${domain}`;
    const companyName = `Partner ${label} Ltd`;
    const tenantId = guid('7e7e7e7e', n);
    const applicationId = guid('7a7a7a7a', n);
    const secret = `partner-${label}-pc-secret~valid`;
    entra.tenants.push({ tenantId, displayName: `Partner ${label}`, domains: [domain] });
    entra.applications.push({
      ...contosoApp,
      name: `partner-${label}-partner-center-app`,
      clientId: applicationId,
      homeTenantId: tenantId,
      secrets: [{ id: guid('7c7c7c7c', n), value: secret, expiresOn: '2099-01-01T00:00:00Z' }],
      redirectUris: ['https://localhost'],
    });
    entra.users.push({
      userPrincipalName: admin,
      displayName: `Admin ${label}`,
      objectId: guid('7b7b7b7b', n),
      tenantId,
      password: LOCAL_PASSWORD,
      mfa: true,
      appRoles: { 'octo-payer-registration-api': ['PayerAccount.Manage'] },
      partnerCenterRoles: ['AdminAgent'],
    });
    const profile = contoso.legalBusinessProfile;
    partnerCenter.partners.push({
      ...contoso,
      tenantId,
      mpnId: String(8_000_000 + n),
      legalBusinessProfile: {
        ...profile,
        companyName,
        primaryContact: { ...profile.primaryContact, email: admin },
        companyApproverEmail: admin,
      },
      apiApplications: [{ clientId: applicationId, name: `partner-${label}-partner-center-app` }],
    });
    partners.push({ accountName: `${companyName} CSP`, companyName, tenantId, domain, applicationId, secret, admin });
  }
  return { partners, entra, partnerCenter };
}
