import type { FieldError } from './error-codes';
import { ErrorCode } from './error-codes';

const domainOf = (address: string | undefined) => address?.split('@')[1]?.trim().toLowerCase() || undefined;

/**
 * Whom the product e-mails a consent link: only addresses the partner plausibly owns, i.e. at the domain of the
 * person asking or of the partner tenant (or a subdomain of either). Anything else could make the product send its
 * mail, with a Microsoft sign-in link, to a stranger.
 */
export function consentEmailRefused(address: string, owners: (string | undefined)[]): FieldError | undefined {
  const domains = [...new Set(owners.map((o) => (o?.includes('@') ? domainOf(o) : o?.toLowerCase())))].filter(
    (d): d is string => !!d,
  );
  const domain = domainOf(address);
  if (domain && domains.some((d) => domain === d || domain.endsWith(`.${d}`))) return undefined;
  return {
    code: ErrorCode.AdminEmailNotAllowed,
    field: 'adminEmail',
    message: `Consent links are e-mailed only to addresses at ${domains.join(' or ') || "your organization's domain"} (or their subdomains). Copy the link and send it to the admin yourself instead.`,
  };
}

/** How the consent e-mail names the person who asked: name and address where the token gives them. */
export function requesterOf(caller: { userId: string; name?: string; email?: string }): string {
  if (caller.name && caller.email) return `${caller.name} <${caller.email}>`;
  return caller.email ?? caller.name ?? `user ${caller.userId}`;
}
