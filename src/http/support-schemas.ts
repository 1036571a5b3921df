import { z } from 'zod';
import type { SupportBundle } from '../app/support-bundle';
import type { ConnectionCheck } from '../domain/connection-check';
import { ConnectionPath } from '../domain/connection-check';
import { errorCode, help, microsoftReferences } from './problem-schema';
import { registrationTimeline, timelineEntry } from './ops-response-schemas';
import { apiComponents, describes, guid, timestamp } from './schema-support';

/** The connection check's and the support bundle's bodies, output side. */

const pathError = z
  .object({
    code: errorCode,
    message: z.string(),
    help: help.optional(),
    ...microsoftReferences,
    unavailable: z.boolean().describe('Microsoft or Key Vault did not answer: trying again later may work.').optional(),
  })
  .describe("Microsoft's refusal (or silence), with what its support asks for.");

export const connectionCheck = describes<ConnectionCheck>()(
  z.object({
    checkedAt: timestamp,
    verdict: z
      .enum(['ok', 'failed', 'unavailable'])
      .describe(
        '`ok`: every path proven; `failed`: Microsoft refused a path (someone must act); `unavailable`: only passing faults.',
      ),
    reconsentRequired: z
      .boolean()
      .describe("The refresh token is dead: only an admin's new consent helps (POST /api/payer-account/reconsent)."),
    paths: z
      .array(
        z.object({
          path: z
            .enum(ConnectionPath)
            .describe(
              "`refreshToken`: Entra ID redeems the refresh token (rotated and kept as the weekly keep-alive does); `priceSheet`: the Partner API serves the account's market's Azure price sheet; `billing`: Partner Center lists the invoices; `mpnProfile`: Partner Center reads the MPN profile.",
            ),
          outcome: z
            .enum(['ok', 'failed', 'unavailable', 'notChecked'])
            .describe('`notChecked`: no access token to check it with (the refresh token failed).'),
          at: timestamp.describe("When the path's answer came."),
          detail: z.string().describe('What was proven, in words.').optional(),
          error: pathError.optional(),
        }),
      )
      .describe('In the order checked: the refresh token first, the others with its fresh tokens.'),
  }),
)
  .describe('Every data path of the registered account, proven at one time.')
  .register(apiComponents, { id: 'ConnectionCheck' });

const seenError = z.object({
  at: timestamp.optional(),
  source: z
    .string()
    .describe(
      'Where it was seen: `registration`, `reconsent`, `tokenRefresh`, `connectionCheck.<path>`, or the audit action that recorded it.',
    ),
  code: z.string().describe("The product's error code (see ErrorCode)."),
  message: z.string().optional(),
  help: help.optional(),
  ...microsoftReferences,
});

const supportTimeline = registrationTimeline
  .omit({ organizationId: true, progress: true, outcome: true, entries: true })
  .extend({
    kind: z.enum(['registration', 'reconsent']),
    outcome: registrationTimeline.shape.outcome.omit({ result: true }),
    entries: z.array(timelineEntry).describe("As ops read them, without activity results or step 2's verdicts."),
  })
  .describe("A registration's (or re-consent's) timeline as ops read it, without payloads.");

export const supportBundle = describes<SupportBundle>()(
  z.object({
    generatedAt: timestamp,
    organizationId: z.string(),
    state: z.enum(['registering', 'registered']),
    accountName: z.string().optional(),
    registrationId: guid,
    reconsentId: guid.describe('A re-consent in progress.').optional(),
    tenantId: guid.describe("The partner's Directory (tenant) ID.").optional(),
    applicationId: guid.describe("The Partner Center application's (client) ID.").optional(),
    mpnId: z.string().optional(),
    companyName: z.string().optional(),
    country: z.string().optional(),
    consentedBy: z.string().describe('The admin who consented.').optional(),
    consentedAt: timestamp.optional(),
    health: z
      .object({
        lastRefreshAt: timestamp.optional(),
        lastAttemptAt: timestamp.optional(),
        refreshTokenExpiresAt: timestamp.optional(),
        reconsentRequired: z.boolean(),
        secretExpiresSoon: z.boolean().optional(),
      })
      .describe("The keep-alive's findings (its last error is under microsoftErrors).")
      .optional(),
    lastConnectionCheck: connectionCheck.optional(),
    microsoftErrors: z
      .array(seenError)
      .describe(
        "Every error seen, newest first, each once: the registration's and re-consents', the keep-alive's, the connection checks'.",
      ),
    timelines: z.array(supportTimeline).describe('The registration, then a re-consent in progress.'),
    text: z.string().describe('All of it as plain text, to paste into a Microsoft support ticket.'),
  }),
)
  .describe(
    'Support details for a Microsoft support ticket: identifiers, times, codes and IDs; never a secret, code or token.',
  )
  .register(apiComponents, { id: 'SupportBundle' });
