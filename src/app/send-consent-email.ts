import type { Mailer } from '../ports/mailer';
import type { SignedTokens } from '../ports/signed-tokens';
import { signedConsentLink } from './request-consent-link';

export interface ConsentEmailInput {
  registrationId: string;
  linkId: string;
  linkExpiresAt: string;
  to: string;
  requestedBy: string;
  companyName?: string;
  tenantId?: string;
  /** The registered account's token died or is about to: the admin is asked again. */
  reconsent?: boolean;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Mails the consent link to the partner's admin. The link is signed here, in the activity, so it
 * never passes through the orchestration's history.
 */
export async function sendConsentEmail(
  input: ConsentEmailInput,
  deps: { mailer: Mailer; tokens: SignedTokens; publicBaseUrl: string },
): Promise<{ sent: true }> {
  const link = await signedConsentLink(
    { signedTokens: deps.tokens, config: { PUBLIC_BASE_URL: deps.publicBaseUrl } },
    input.registrationId,
    input.linkId,
    input.linkExpiresAt,
  );
  const company = input.companyName ?? 'your organization';
  const expires = new Date(input.linkExpiresAt).toUTCString();
  const lines = [
    input.reconsent
      ? `Octo needs your consent again to keep reading ${company}'s Azure CSP pricing and billing data (requested by ${input.requestedBy}): the consent given at registration no longer works, for example because an administrator revoked the consenting account's sign-in sessions, or after 90 days without use.`
      : `${input.requestedBy} at ${company} is registering your Azure CSP payer account with Octo and asks you, as an administrator, to give consent.`,
    'You need: the Admin agent role in Partner Center, and multi-factor authentication on your account.',
    `Open this link, sign in to Microsoft with your ${input.tenantId ? `tenant ${input.tenantId} ` : ''}admin account, and accept the permissions:`,
    link,
    `The link expires ${expires}. After you accept, the page you land on tells you whether the registration went through, or what to change. If you did not expect this request, ignore this e-mail.`,
  ];
  await deps.mailer.send({
    to: input.to,
    subject: input.reconsent
      ? `Consent needed again: ${company}'s Azure CSP payer account`
      : `Consent needed: register ${company}'s Azure CSP payer account`,
    text: lines.join('\n\n'),
    html: `<p>${escape(lines[0])}</p><p>${escape(lines[1])}</p><p>${escape(lines[2])}</p><p><a href="${escape(link)}">Give consent</a></p><p>${escape(lines[4])}</p>`,
  });
  return { sent: true };
}
