/**
 * The `EmailMessage` body of `POST /emails:send` (azure-rest-api-specs, Email stable 2025-09-01, definitions
 * EmailMessage / EmailContent / EmailRecipients / EmailAddress / EmailAttachment), validated as the service
 * does (400 `BadRequest`, `target` = the offending JSON path), and turned into a nodemailer message for the
 * local SMTP catcher.
 *
 * Required: `senderAddress`, `content.subject`, `recipients.to` (spec); the SDK's own types also require
 * `content.plainText` or `content.html`, and the stand-in enforces that. Limits from ACS's service limits:
 * at most 50 recipients (to + cc + bcc) per message, 10 MB per request (checked on the raw body).
 */
import type { SendMailOptions } from 'nodemailer';
import { z } from 'zod';
import { acsErrors } from './errors';

export const MAX_RECIPIENTS = 50;

// A pragmatic address check: local@domain.tld, no spaces, brackets, quotes, commas or semicolons.
const ADDRESS = /^[^\s@<>()",;:[\]\\]+@[^\s@<>()",;:[\]\\]+\.[^\s@<>()",;:[\]\\.]+$/;

const addressSchema = z.object({
  address: z.string({ error: 'an e-mail address is required' }).regex(ADDRESS, 'not a valid e-mail address'),
  displayName: z.string().optional(),
});

const attachmentSchema = z.object({
  name: z.string().min(1, 'an attachment needs a name'),
  contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, 'not a MIME type'),
  contentInBase64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64'),
  contentId: z.string().optional(),
});

export const emailMessageSchema = z.object(
  {
    headers: z.record(z.string(), z.string()).optional(),
    senderAddress: z.string({ error: 'senderAddress is required' }).regex(ADDRESS, 'not a valid e-mail address'),
    content: z
      .object(
        {
          subject: z.string({ error: 'content.subject is required' }).min(1, 'the subject must not be empty'),
          plainText: z.string().optional(),
          html: z.string().optional(),
        },
        { error: 'content is required' },
      )
      .refine((c) => Boolean(c.plainText) || Boolean(c.html), {
        message: 'content.plainText or content.html is required',
      }),
    recipients: z
      .object(
        {
          to: z
            .array(addressSchema, { error: 'recipients.to is required' })
            .min(1, 'at least one recipient in recipients.to is required'),
          cc: z.array(addressSchema).optional(),
          bcc: z.array(addressSchema).optional(),
        },
        { error: 'recipients is required' },
      )
      .refine((r) => r.to.length + (r.cc?.length ?? 0) + (r.bcc?.length ?? 0) <= MAX_RECIPIENTS, {
        message: `at most ${MAX_RECIPIENTS} recipients (to, cc and bcc together)`,
      }),
    attachments: z.array(attachmentSchema).optional(),
    replyTo: z.array(addressSchema).optional(),
    userEngagementTrackingDisabled: z.boolean().optional(),
  },
  { error: 'the body must be a JSON EmailMessage object' },
);

export type AcsEmailMessage = z.infer<typeof emailMessageSchema>;

/** `recipients.to[0].address` from zod's path. */
function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );
}

/** Parses and validates the body; throws 400 `BadRequest` naming the first problem (all of them in `details`). */
export function parseEmailMessage(body: Buffer): AcsEmailMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(body.toString('utf8'));
  } catch {
    throw acsErrors.badRequest('The request body is not valid JSON.');
  }
  const result = emailMessageSchema.safeParse(raw);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({
    code: 'BadRequest',
    message: i.message,
    target: jsonPath(i.path) || 'emailMessage',
  }));
  const first = details[0];
  throw acsErrors.badRequest(`Invalid email message: ${first.target}: ${first.message}`, first.target, details);
}

export const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/** Headers a custom `headers` entry may not override: the message's own structure. */
const RESERVED_HEADERS = new Set([
  'from',
  'sender',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);

const toAddress = (a: { address: string; displayName?: string }) => ({ address: a.address, name: a.displayName ?? '' });

/** The message as the SMTP catcher receives it (bcc recipients only in the envelope, as with any MTA). */
export function toNodemailerMessage(message: AcsEmailMessage, operationId: string): SendMailOptions {
  const custom = Object.fromEntries(
    Object.entries(message.headers ?? {}).filter(([name]) => !RESERVED_HEADERS.has(name.toLowerCase())),
  );
  return {
    from: message.senderAddress,
    to: message.recipients.to.map(toAddress),
    ...(message.recipients.cc?.length ? { cc: message.recipients.cc.map(toAddress) } : {}),
    ...(message.recipients.bcc?.length ? { bcc: message.recipients.bcc.map(toAddress) } : {}),
    ...(message.replyTo?.length ? { replyTo: message.replyTo.map(toAddress) } : {}),
    subject: message.content.subject,
    ...(message.content.plainText !== undefined ? { text: message.content.plainText } : {}),
    ...(message.content.html !== undefined ? { html: message.content.html } : {}),
    ...(message.attachments?.length
      ? {
          attachments: message.attachments.map((a) => ({
            filename: a.name,
            contentType: a.contentType,
            content: Buffer.from(a.contentInBase64, 'base64'),
            ...(a.contentId ? { cid: a.contentId } : {}),
          })),
        }
      : {}),
    // The stand-in's own header (not ACS's): lets a reader of the catcher tie a mail to its send operation.
    headers: { ...custom, 'X-Stand-In-ACS-Operation-Id': operationId },
  };
}
