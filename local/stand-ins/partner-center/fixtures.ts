import { z } from 'zod';
import { loadFixtures } from '../fixtures-file';
import bundledFixtures from './fixtures.json';

/**
 * What the Partner Center stand-in knows: the CSP partner organizations, keyed by their Entra tenant, with
 * their legal business profile, MPN ID, customers, and the applications enabled for Partner Center API access
 * (Partner Center → Account settings → App management). A tenant not listed here is not a CSP partner.
 * Local values only.
 */

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a GUID');

const addressSchema = z.object({
  country: z.string().length(2),
  city: z.string(),
  state: z.string(),
  addressLine1: z.string(),
  addressLine2: z.string(),
  postalCode: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  phoneNumber: z.string().optional(),
});

const legalBusinessProfileSchema = z.object({
  companyName: z.string().min(1),
  address: addressSchema,
  primaryContact: z.object({
    firstName: z.string(),
    lastName: z.string(),
    email: z.string().includes('@'),
    phoneNumber: z.string(),
  }),
  companyApproverAddress: addressSchema,
  companyApproverEmail: z.string().includes('@'),
  /** Partner Center's vetting of the legal profile: `authorized`, `pending`, `rejected`, `none`. */
  vettingStatus: z.enum(['none', 'pending', 'authorized', 'rejected']),
  vettingSubStatus: z.string(),
});

const customerSchema = z.object({
  id: guid,
  companyProfile: z.object({ tenantId: guid, domain: z.string(), companyName: z.string() }),
  relationshipToPartner: z.enum(['reseller', 'advisor', 'none']),
});

const invoiceSchema = z.object({
  id: z.string().min(1),
  invoiceDate: z.string(),
  billingPeriodStartDate: z.string(),
  billingPeriodEndDate: z.string(),
  totalCharges: z.number(),
  paidAmount: z.number(),
  currencyCode: z.string().length(3),
  currencySymbol: z.string(),
  documentType: z.string(),
  invoiceType: z.string(),
});
const partnerSchema = z.object({
  tenantId: guid,
  /** The MPN ID (PartnerID) of the partner's location, digits. */
  mpnId: z.string().regex(/^\d+$/),
  legalBusinessProfile: legalBusinessProfileSchema,
  /** Apps registered under Account settings → App management: only these may call with app-only tokens. */
  apiApplications: z.array(z.object({ clientId: guid, name: z.string() })),
  customers: z.array(customerSchema),
  /** Partner Center's invoices of the partner, newest first ("Get a collection of invoices"). */
  invoices: z.array(invoiceSchema).default([]),
});

const fixturesSchema = z.object({ partners: z.array(partnerSchema) });

export type PartnerOrganization = z.infer<typeof partnerSchema>;
export type PartnerCustomer = z.infer<typeof customerSchema>;
export type PartnerInvoice = z.infer<typeof invoiceSchema>;
export type LegalBusinessProfileFixture = z.infer<typeof legalBusinessProfileSchema>;
export type PartnerCenterFixtures = z.infer<typeof fixturesSchema>;

/** The bundled fixtures (fixtures.json beside this file), or another JSON file of the same shape. */
export function loadPartnerCenterFixtures(filePath?: string): PartnerCenterFixtures {
  return loadFixtures('Partner Center', fixturesSchema, bundledFixtures, filePath);
}

/** Lookups over the fixtures. */
export class PartnerDirectory {
  constructor(readonly fixtures: PartnerCenterFixtures) {}

  /** The CSP partner whose Entra tenant this is, or undefined (an ordinary tenant). */
  partnerByTenant(tenantId: string): PartnerOrganization | undefined {
    const t = tenantId.toLowerCase();
    return this.fixtures.partners.find((p) => p.tenantId.toLowerCase() === t);
  }

  partnerByMpnId(mpnId: string): PartnerOrganization | undefined {
    return this.fixtures.partners.find((p) => p.mpnId === mpnId);
  }

  /** Is the app registered in the partner's App management (enabled for Partner Center API access)? */
  appEnabled(partner: PartnerOrganization, clientId: string): boolean {
    const id = clientId.toLowerCase();
    return partner.apiApplications.some((a) => a.clientId.toLowerCase() === id);
  }
}
