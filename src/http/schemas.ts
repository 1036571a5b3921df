import { z } from 'zod';
import { ACCOUNT_NAME_MAX_LENGTH } from '../domain/registration';

/** Request bodies of the frontend API; the same schemas will generate the OpenAPI document. */
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Step 2: the Partner Center app's ID and secret, and the partner tenant's domain or ID. */
export const partnerCenterCredentialsBody = z.strictObject({
  applicationId: z.string().trim().toLowerCase()
    .regex(TENANT_ID, 'must be the Application (client) ID from the app\'s Overview page: a GUID like 00000000-0000-0000-0000-000000000000'),
  domain: z.string().trim().toLowerCase().max(253, 'must be at most 253 characters')
    .refine((v) => DOMAIN_NAME.test(v) || TENANT_ID.test(v), 'must be a domain name such as contoso.onmicrosoft.com, or a Directory (tenant) ID'),
  // Pasting often brings a trailing newline; secret values never start or end with white space.
  secret: z.string().trim().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
});

/** Step 3: the person confirms what step 2 verified, and may give a new secret and the admin's e-mail. */
export const partnerApiCredentialsBody = z.strictObject({
  tenantId: z.string().trim().toLowerCase().regex(TENANT_ID, 'must be the Directory (tenant) ID shown after step 2'),
  applicationId: z.string().trim().toLowerCase().regex(TENANT_ID, 'must be the Application (client) ID shown after step 2'),
  mpnId: z.string().trim().regex(/^\d{5,10}$/, 'must be your MPN ID (Partner ID): 5 to 10 digits').optional(),
  secret: z.string().trim().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters').optional(),
  adminEmail: z.string().trim().max(254).email('must be an e-mail address').optional(),
  redirectUri: z.enum(['callback', 'https://localhost']).default('callback'),
});

/** The manual path: the code, or the whole address the browser showed after consent. */
export const authorizationCodeBody = z.strictObject({
  code: z.string().trim().min(1, 'must not be empty').max(8192, 'is too long to be an authorization code or address').optional(),
  url: z.string().trim().max(8192, 'is too long').url('must be the whole address from the browser, starting with https://').optional(),
}).refine((b) => (b.code === undefined) !== (b.url === undefined), { message: 'give either code or url (the whole address from the browser), not both', path: ['code'] });

export const startRegistrationBody = z.strictObject({
  accountName: z.string()
    .trim()
    .min(1, 'must not be empty')
    .max(ACCOUNT_NAME_MAX_LENGTH, `must be at most ${ACCOUNT_NAME_MAX_LENGTH} characters`)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters')
    .optional(),
});
