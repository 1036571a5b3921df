import { z } from 'zod';
import { RUNTIME_STATUSES } from '../app/ops-registrations';
import { ACCOUNT_NAME_MAX_LENGTH, RegistrationStatus } from '../domain/registration';
import {
  AUTHORIZATION_CODE,
  CONTINUATION_TOKEN,
  DATE_OR_TIME,
  DOMAIN_OR_TENANT_ID,
  GUID,
  listOf,
  MPN_ID,
  NO_CONTROL_CHARACTERS,
  NOT_BLANK,
  PATH_ID,
} from './request-patterns';
import { CONSENT_ANSWER_LIMITS as LIMITS } from '../domain/pasted-consent';

/**
 * Request schemas of the API; the OpenAPI document is generated from their input side, so what a
 * check refuses is also stated there (a pattern, a format, `oneOf`), in terms any client can check.
 */

/** Date.parse rolls a day the month lacks (2026-02-30) over into the next month. */
function dayExists(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** A date, or a date and time with its offset: RFC 3339's `date` or `date-time` in the document. */
const dateOrTime = (message: string) =>
  z
    .string()
    .trim()
    .regex(DATE_OR_TIME, { message, abort: true })
    .refine((v) => dayExists(v) && !Number.isNaN(Date.parse(v)), message)
    .meta({ anyOf: [{ format: 'date' }, { format: 'date-time' }] });

/** Secrets never start or end with white space; pasting often brings some. */
const secretValue = z
  .string()
  .trim()
  .regex(NOT_BLANK, 'must not be empty')
  .max(1024, 'must be at most 1024 characters');

/** A client secret's expiry date as Entra ID shows it under Certificates & secrets (optional everywhere). */
const secretExpiry = dateOrTime(
  "must be the secret's expiry date, e.g. 2026-12-31, as shown under Certificates & secrets",
).transform((v) => new Date(v).toISOString());

/** Step 2: the Partner Center app's ID and secret, and the partner tenant's domain or ID. */
export const partnerCenterCredentialsBody = z.strictObject({
  applicationId: z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      GUID,
      "must be the Application (client) ID from the app's Overview page: a GUID like 00000000-0000-0000-0000-000000000000",
    ),
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .max(253, 'must be at most 253 characters')
    .regex(DOMAIN_OR_TENANT_ID, 'must be a domain name such as contoso.onmicrosoft.com, or a Directory (tenant) ID'),
  secret: secretValue,
  /** Lets the product warn 30 days before the secret expires. */
  secretExpiresAt: secretExpiry.optional(),
});

/** Step 3: the person confirms what step 2 verified, and may give a new secret and the admin's e-mail. */
export const partnerApiCredentialsBody = z.strictObject({
  tenantId: z.string().trim().toLowerCase().regex(GUID, 'must be the Directory (tenant) ID shown after step 2'),
  applicationId: z.string().trim().toLowerCase().regex(GUID, 'must be the Application (client) ID shown after step 2'),
  mpnId: z.string().trim().regex(MPN_ID, 'must be your MPN ID (Partner ID): 5 to 10 digits').optional(),
  secret: secretValue.optional(),
  secretExpiresAt: secretExpiry.optional(),
  adminEmail: z.string().trim().max(254).email('must be an e-mail address').optional(),
  redirectUri: z.enum(['callback', 'https://localhost']).default('callback'),
});

/** Re-consent of a registered account: step 3's request without the confirmations (nothing new was verified). */
export const reconsentBody = partnerApiCredentialsBody.omit({ tenantId: true, applicationId: true });

/** Replacing the registered account's application secret; its expiry date lets the product warn 30 days ahead. */
export const applicationSecretBody = z.strictObject({
  secret: secretValue,
  expiresAt: secretExpiry.optional(),
});

/** The manual path: the code, or the whole address the browser showed after consent. */
export const authorizationCodeBody = z
  .strictObject({
    code: z
      .string()
      .trim()
      .max(8192, 'is too long to be an authorization code or address')
      .regex(
        AUTHORIZATION_CODE,
        'must be the authorization code: the part after code= in the address the browser showed after consent, which looks like https://localhost/?code=…&state=…; or give url: the whole address',
      )
      .optional(),
    url: z
      .string()
      .trim()
      .max(8192, 'is too long')
      .url('must be the whole address from the browser, starting with https://')
      .optional(),
    handMade: z
      .boolean()
      .describe(
        "With code: it comes from the sign-in address built by hand (step 3's handMade.consentUrl), redeemed without PKCE. An address without state is taken as hand-made anyway.",
      )
      .optional(),
  })
  .refine((b) => (b.code === undefined) !== (b.url === undefined), {
    message: 'give either code or url (the whole address from the browser), not both',
    path: ['code'],
  })
  .meta({ oneOf: [{ required: ['code'] }, { required: ['url'] }] });

/** The admin's browser brings these: the link's ticket, or Microsoft's answer at the callback. */
export const consentStartQuery = z.object({
  ticket: z.string().min(1).max(4096).describe('The signed ticket of the consent link.'),
});
export const consentCallbackQuery = z.object({
  state: z.string().max(LIMITS.state).describe('The signed, single-use state of the sign-in.').optional(),
  code: z.string().max(LIMITS.code).describe('The authorization code, when the admin consented.').optional(),
  error: z
    .string()
    .max(LIMITS.error)
    .describe("Microsoft's error, e.g. access_denied, when the admin did not consent.")
    .optional(),
  error_description: z.string().max(LIMITS.error_description).optional(),
});

export const startRegistrationBody = z.strictObject({
  accountName: z
    .string()
    .trim()
    .regex(NOT_BLANK, 'must not be empty')
    .max(ACCOUNT_NAME_MAX_LENGTH, `must be at most ${ACCOUNT_NAME_MAX_LENGTH} characters`)
    .regex(NO_CONTROL_CHARACTERS, 'must not contain control characters')
    .optional(),
});

/** Ops: runtime statuses and registration statuses, one list; the canonical spelling of each. */
const STATUSES: readonly string[] = [...RUNTIME_STATUSES, ...Object.values(RegistrationStatus)];
const STATUS_NAMES = new Map(STATUSES.map((s) => [s.toLowerCase(), s]));
const instant = dateOrTime(
  'must be an ISO 8601 date or time with offset, e.g. 2025-01-31 or 2025-01-31T12:00:00Z',
).transform((v) => new Date(v));

/** Also the answer when the engine refuses a token: either way, one this API did not give out. */
export const CONTINUATION_TOKEN_REFUSED =
  'not a token this API gave out; pass back the continuationToken of the previous page unchanged, or leave it out to start again.';

/** GET /api/ops/registrations: filters and paging. */
/** A page of the engine's instances: how many, and where the previous page left off. */
const paging = {
  pageSize: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(50),
  continuationToken: z
    .string()
    .min(1, 'must not be empty')
    .max(4096, 'must be at most 4096 characters')
    // It travels to the engine in an HTTP header: tokens the engine gives out are printable ASCII.
    .regex(CONTINUATION_TOKEN, CONTINUATION_TOKEN_REFUSED)
    .describe("The previous page's continuationToken, unchanged.")
    .optional(),
};

/** GET /api/ops/keep-alive-rounds: the rounds in the engine's order, which is their IDs', so oldest first. */
export const opsKeepAliveRoundsQuery = z.strictObject({ ...paging });

export const opsRegistrationsQuery = z
  .strictObject({
    status: z
      .string()
      .trim()
      .max(500, 'must be at most 500 characters')
      .transform((value, ctx) => {
        const names = value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const unknown = names.filter((n) => !STATUS_NAMES.has(n.toLowerCase()));
        if (unknown.length) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown status ${unknown.map((u) => JSON.stringify(u)).join(', ')}: use runtime statuses (${RUNTIME_STATUSES.join(', ')}) or registration statuses (${Object.values(RegistrationStatus).join(', ')}), comma-separated`,
          });
          return z.NEVER;
        }
        return [...new Set(names.map((n) => STATUS_NAMES.get(n.toLowerCase()) as string))];
      })
      // Other spellings (any case, spaces around commas) are taken too; the document names the canonical ones.
      .meta({ pattern: listOf(STATUSES).source })
      .describe(
        `Comma-separated: runtime statuses (${RUNTIME_STATUSES.join(', ')}) and/or registration statuses (${Object.values(RegistrationStatus).join(', ')}).`,
      )
      .optional(),
    createdFrom: instant.describe('Created at or after: an ISO 8601 date or time with offset.').optional(),
    createdTo: instant
      .describe('Created at or before, and not before createdFrom: an ISO 8601 date or time with offset.')
      .optional(),
    ...paging,
  })
  .refine((q) => !q.createdFrom || !q.createdTo || q.createdFrom.getTime() <= q.createdTo.getTime(), {
    message: 'must not be before createdFrom',
    path: ['createdTo'],
    // A bound that failed its own check is still the string given: compare only bounds that parsed.
    when: ({ issues }) => !issues.some((i) => i.path?.[0] === 'createdFrom' || i.path?.[0] === 'createdTo'),
  });

/** An orchestration instance ID as it may appear in a URL path (registration IDs are GUIDs). */
export const instanceIdParam = z
  .string()
  .regex(PATH_ID, 'must be an orchestration instance ID (letters, digits, ".", "_", "-"; at most 128)')
  .describe("The registration's ID (its orchestration instance ID).");

/** Reading an audit trail: the newest entries first, at most `limit`. */
export const auditQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(500, 'must be at most 500')
    .default(100),
});

/** An organization's ID as the API's organization claim carries it (a tenant GUID by default). */
export const organizationIdParam = z
  .string()
  .regex(PATH_ID, 'must be an organization ID (by default the Directory (tenant) ID: a GUID)');
