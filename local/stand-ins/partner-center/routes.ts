/**
 * The Partner Center REST routes the stand-in serves, with the resource shapes of the documentation
 * ("Get the partner legal business profile", "Get a list of customers", "Get Microsoft Partner Network
 * profile"): resources carry `links.self` and `attributes.objectType`; collections are
 * `{totalCount, items, links, continuationToken?, attributes: {objectType: "Collection"}}`.
 */
import type { IncomingMessage } from 'node:http';
import { pcErrors } from './errors';
import type { PartnerCustomer, PartnerDirectory, PartnerInvoice } from './fixtures';
import type { PartnerCenterCaller } from './token-check';

/** A route answers 200 with the JSON it returns, or throws a `PartnerCenterError`. */
export interface Route {
  method: 'GET';
  pattern: RegExp;
  /** App+User only: app-only tokens are refused (403) as Partner Center does. */
  appUserOnly?: boolean;
  /** The Partner Center roles a user needs here (any one); absent: any role. Refused with 403 / 900150. */
  userRoles?: readonly string[];
  handle(caller: PartnerCenterCaller, url: URL, req: IncomingMessage): unknown;
}

const MAX_PAGE_SIZE = 500;
const link = (uri: string, headers: { key: string; value: string }[] = []) => ({ uri, method: 'GET', headers });

export function buildRoutes(directory: PartnerDirectory): Route[] {
  return [
    {
      // App-only or App+User. `?vettingVersion=Current|LastFinalized` is accepted and ignored.
      method: 'GET',
      pattern: /^\/v1\/profiles\/legalbusiness$/,
      handle: (caller) => ({
        ...caller.partner.legalBusinessProfile,
        profileType: 'LegalBusinessProfile',
        links: { self: link('/profiles/legalbusiness') },
        attributes: { objectType: 'LegalBusinessProfile' },
      }),
    },
    {
      // App-only or App+User. `size` items per page; the next page is asked for with the
      // `MS-ContinuationToken` header that `links.next` names.
      method: 'GET',
      pattern: /^\/v1\/customers$/,
      handle: (caller, url, req) => customersPage(caller.partner.customers, url, req.headers['ms-continuationtoken']),
    },
    {
      // App-only or App+User ("Get a collection of invoices",
      // https://learn.microsoft.com/en-us/partner-center/developer/get-a-collection-of-invoices). For a user, billing
      // is the Admin agent's and the Billing admin's ("Assign roles and permissions to users",
      // https://learn.microsoft.com/en-us/partner-center/account-settings/permissions-overview), not a Sales agent's.
      method: 'GET',
      pattern: /^\/v1\/invoices$/,
      userRoles: ['AdminAgent', 'BillingAdmin'],
      handle: (caller, url) => invoicesPage(caller.partner.invoices, url),
    },
    {
      // App+User only. Without `mpnId`: the signed-in partner's MPN profile; with it: verifies a partner's MPN ID.
      method: 'GET',
      pattern: /^\/v1\/profiles\/mpn$/,
      appUserOnly: true,
      handle: (caller, url) => {
        const asked = url.searchParams.get('mpnId');
        if (asked === null) return mpnProfile(caller.partner.mpnId);
        const partner = /^\d+$/.test(asked) ? directory.partnerByMpnId(asked) : undefined;
        if (!partner) throw pcErrors.partnerNotFoundByMpnId(asked);
        return { partnerName: partner.legalBusinessProfile.companyName, ...mpnProfile(partner.mpnId) };
      },
    },
  ];
}

/** `size` and `offset` page the list (the page says they apply to legacy invoices only; modern ones come whole). */
function invoicesPage(all: PartnerInvoice[], url: URL) {
  const size = url.searchParams.has('size') ? Number(url.searchParams.get('size')) : all.length;
  const offset = url.searchParams.has('offset') ? Number(url.searchParams.get('offset')) : 0;
  if (!Number.isInteger(size) || size < 0 || !Number.isInteger(offset) || offset < 0)
    throw pcErrors.invalidInput('size and offset must be non-negative integers.');
  const items = all.slice(offset, offset + size).map((invoice) => ({
    ...invoice,
    pdfDownloadLink: `/invoices/${invoice.id}/documents/statement`,
    links: { self: link(`/invoices/${invoice.id}`) },
    attributes: { objectType: 'Invoice' },
  }));
  return {
    totalCount: items.length,
    items,
    links: { self: link(`/invoices?size=${size}&offset=${offset}`) },
    attributes: { objectType: 'Collection' },
  };
}

function mpnProfile(mpnId: string) {
  return {
    mpnId,
    profileType: 'MpnProfile',
    links: { self: link('/profiles/mpn') },
    attributes: { objectType: 'MpnProfile' },
  };
}

function customersPage(all: PartnerCustomer[], url: URL, continuation: string | string[] | undefined) {
  const sizeParam = url.searchParams.get('size');
  const size = sizeParam === null ? MAX_PAGE_SIZE : Number(sizeParam);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw pcErrors.invalidInput(`size must be an integer from 1 to ${MAX_PAGE_SIZE}.`);
  }
  const offset =
    continuation === undefined ? 0 : decodeContinuation(Array.isArray(continuation) ? continuation[0] : continuation);
  const items = all.slice(offset, offset + size).map((c) => ({
    id: c.id,
    companyProfile: { ...c.companyProfile, attributes: { objectType: 'CustomerCompanyProfile' } },
    relationshipToPartner: c.relationshipToPartner,
    attributes: { objectType: 'Customer' },
  }));
  const next = offset + size < all.length ? encodeContinuation(offset + size) : undefined;
  const self = `/v1/customers?size=${size}`;
  return {
    // As in Partner Center's seek-based collections: the count of items in this page.
    totalCount: items.length,
    items,
    links: {
      self: link(self),
      ...(next ? { next: link(self, [{ key: 'MS-ContinuationToken', value: next }]) } : {}),
    },
    ...(next ? { continuationToken: next } : {}),
    attributes: { objectType: 'Collection' },
  };
}

const encodeContinuation = (offset: number) => Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');

function decodeContinuation(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw pcErrors.invalidInput('The continuation token is not valid.');
}
