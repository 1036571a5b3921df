import { z } from 'zod';
import type { KeepAliveRoundsPage } from '../app/ops-keep-alive-rounds';
import type { RegistrationsPage } from '../app/ops-registrations';
import type { RegistrationTimeline } from '../app/registration-timeline';
import type { AuditEntry } from '../domain/audit';
import { AuditAction } from '../domain/audit';
import { RegistrationStep } from '../domain/registration';
import { apiComponents, describes, timestamp } from './schema-support';

/** Success bodies of the ops API, output side: exactly the types the use cases return. */

const whitelisted = z
  .record(z.string(), z.unknown())
  .describe('Whitelisted fields only (identifiers, codes, flags), scrubbed of anything shaped like a token.');
const runtimeStatus = z
  .string()
  .describe(
    "The orchestration's runtime status: Pending, Running, Completed, Failed, Terminated, ContinuedAsNew or Suspended.",
  );

export const registrationsPage = describes<RegistrationsPage>()(
  z.object({
    items: z.array(
      z.object({
        registrationId: z.string(),
        runtimeStatus,
        progress: z
          .object({ step: z.string().optional(), status: z.string().optional(), errorCode: z.string().optional() })
          .describe('What the registration last published.')
          .optional(),
        createdTime: timestamp,
        lastUpdatedTime: timestamp,
      }),
    ),
    continuationToken: z
      .string()
      .describe(
        'Pass back as `continuationToken` for the next page; absent on the last page. A page may hold fewer items than asked.',
      )
      .optional(),
  }),
)
  .describe('One page of registration orchestrations.')
  .register(apiComponents, { id: 'RegistrationsPage' });

const count = z.number().int().min(0);

export const keepAliveRoundsPage = describes<KeepAliveRoundsPage>()(
  z.object({
    items: z.array(
      z.object({
        roundId: z
          .string()
          .describe('`keep-alive-` and the schedule occurrence it ran for (or when it was run by hand).'),
        runtimeStatus,
        startedAt: timestamp.optional(),
        finishedAt: timestamp.describe('Once the round ended.').optional(),
        pagesDone: count.describe('Pages of accounts done.').optional(),
        accounts: count.describe('Accounts whose turn ended so far.').optional(),
        counts: z
          .object({
            refreshed: count,
            reconsentRequired: count.describe('The recorded admin was asked to consent again.'),
            failed: count,
            transient: count.describe('Entra ID or Key Vault kept failing: tried again next round.'),
            skipped: count.describe('No longer registered when its turn came.'),
            throttled: count.describe(
              'Turns Entra ID or Key Vault throttled (429), each taken again after Retry-After.',
            ),
            error: count.describe('Turns that failed after their retries.'),
          })
          .optional(),
        window: count
          .describe('Refreshes in flight at the last batch: below KEEP_ALIVE_CONCURRENCY after throttling.')
          .optional(),
        createdTime: timestamp,
        lastUpdatedTime: timestamp,
      }),
    ),
    continuationToken: z
      .string()
      .describe('Pass back as `continuationToken` for the next page; absent on the last page.')
      .optional(),
  }),
)
  .describe('One page of token keep-alive rounds, oldest first.')
  .register(apiComponents, { id: 'KeepAliveRoundsPage' });

const entry = <K extends string, T extends z.ZodRawShape>(kind: K, shape: T) =>
  z.object({ kind: z.literal(kind), at: timestamp, ...shape });

export const timelineEntry = z.discriminatedUnion('kind', [
  entry('started', { name: z.string() }),
  entry('event', {
    name: z.string().describe("The external event's name; of its payload, only step 2's verdict."),
    verdict: whitelisted
      .optional()
      .describe(
        "PartnerCenterCredentialsSubmitted: the request's own verification, as an activity's result (when the request could not decide, none: the activity's result follows).",
      ),
  }),
  entry('activity', {
    name: z.string(),
    scheduledAt: timestamp,
    completedAt: timestamp,
    durationMs: z.number(),
    attempts: z.number().int().min(1).describe('1 + the retries of this call.'),
    outcome: z.enum(['completed', 'failed']),
    failures: z
      .array(
        z.object({ at: timestamp, reason: z.string().describe('The first line of the failure, scrubbed.').optional() }),
      )
      .optional(),
    result: whitelisted.optional(),
  }),
  entry('timer', {
    fireAt: timestamp.optional(),
    purpose: z.enum(['registrationExpiry', 'consentLinkExpiry']).optional(),
  }),
  entry('completed', { runtimeStatus, result: whitelisted.optional(), reason: z.string().optional() }),
  entry('terminated', { reason: z.string().optional() }),
  entry('other', { eventType: z.string() }),
]);

export const registrationTimeline = describes<RegistrationTimeline>()(
  z.object({
    registrationId: z.string(),
    organizationId: z.string().optional(),
    runtimeStatus,
    createdTime: timestamp,
    lastUpdatedTime: timestamp,
    steps: z.array(
      z.object({
        step: z.enum({ BasicDetails: 'basicDetails', ...RegistrationStep }),
        startedAt: timestamp.optional(),
        completedAt: timestamp.optional(),
        submissions: z
          .number()
          .int()
          .describe('Partner Center credential submissions (step 2) or consent links asked for (step 3).')
          .optional(),
      }),
    ),
    statusTransitions: z
      .array(
        z.object({
          at: timestamp,
          step: z.string(),
          status: z.string(),
          errorCode: z.string().optional(),
          cause: z
            .string()
            .describe('`started`, `event:<name>`, `activity:<name>`, or `customStatus` (the last published).'),
        }),
      )
      .describe('Derived from the history; the last one is the published status.'),
    progress: whitelisted.describe('The last published progress, whitelisted fields only.').optional(),
    outcome: z.object({
      runtimeStatus,
      at: timestamp.optional(),
      result: whitelisted.optional(),
      reason: z.string().optional(),
      status: z.string().optional(),
      errorCode: z.string().optional(),
    }),
    entries: z.array(timelineEntry),
  }),
)
  .describe("One registration's redacted history.")
  .register(apiComponents, { id: 'RegistrationTimeline' });

export const auditEntry = describes<AuditEntry>()(
  z.object({
    organizationId: z.string(),
    at: timestamp,
    actor: z.object({
      type: z.enum(['user', 'system']),
      id: z.string().describe("The user's object ID, or the product's function that acted."),
    }),
    action: z.enum(AuditAction),
    registrationId: z
      .string()
      .describe('The registration or re-consent (orchestration instance) concerned.')
      .optional(),
    details: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).optional())
      .describe('Identifiers, codes, counts and flags only; never a secret.')
      .optional(),
  }),
)
  .describe('Who changed what and when.')
  .register(apiComponents, { id: 'AuditEntry' });

export const auditPage = z
  .object({ items: z.array(auditEntry).describe('Newest first.') })
  .describe("An organization's audit trail.")
  .register(apiComponents, { id: 'AuditTrail' });
