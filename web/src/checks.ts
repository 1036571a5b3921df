import { ACCOUNT_NAME_MAX_LENGTH } from '../../src/domain/registration';
import { DOMAIN_OR_TENANT_ID, GUID, MPN_ID } from '../../src/http/request-patterns';
import type { Check } from './fields';

/**
 * What the browser checks as a field is left, with the API's own patterns (the API checks again): words that follow
 * the field's label.
 */
const EXAMPLE_GUID = '00000000-0000-0000-0000-000000000000';

export const guid =
  (where: string): Check =>
  (value) =>
    GUID.test(value) ? undefined : `must be a GUID like ${EXAMPLE_GUID}, as shown ${where}.`;

export const domainOrTenantId: Check = (value) => {
  if (DOMAIN_OR_TENANT_ID.test(value)) return undefined;
  if (value.includes('@'))
    return 'must be the domain alone, without a name and @: for example contoso.onmicrosoft.com.';
  if (/^[a-z]+:\/\//i.test(value) || value.includes('/'))
    return 'must be the domain alone, without https:// or a path: for example contoso.onmicrosoft.com.';
  return `must be a domain name such as contoso.onmicrosoft.com, or a Directory (tenant) ID (a GUID like ${EXAMPLE_GUID}).`;
};

export const mpnId: Check = (value) => (MPN_ID.test(value) ? undefined : 'must be 5 to 10 digits.');

/** The shape alone: one @ with a domain after it. Whether the address may receive the link is the API's to say. */
export const email: Check = (value) =>
  /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? undefined : 'must be an e-mail address such as admin@contoso.com.';

export const accountName: Check = (value) =>
  value.length <= ACCOUNT_NAME_MAX_LENGTH ? undefined : `must be at most ${ACCOUNT_NAME_MAX_LENGTH} characters.`;
