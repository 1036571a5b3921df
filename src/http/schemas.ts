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

export const startRegistrationBody = z.strictObject({
  accountName: z.string()
    .trim()
    .min(1, 'must not be empty')
    .max(ACCOUNT_NAME_MAX_LENGTH, `must be at most ${ACCOUNT_NAME_MAX_LENGTH} characters`)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters')
    .optional(),
});
