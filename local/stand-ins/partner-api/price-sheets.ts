/**
 * The price sheets the Partner API stand-in serves, and the parsing of the price sheet URL.
 *
 * The real `GET https://api.partner.microsoft.com/v1.0/sales/pricesheets(Market='{market}',PricesheetView='{view}')/$value`
 * ("Get a price sheet", learn.microsoft.com/partner-center/developer/get-a-price-sheet) answers 200 with the file
 * itself — no redirect is documented — as `Content-Type: application/octet-stream`,
 * `Content-Disposition: attachment; filename=…` (`pricesheet` in the 2019 example, `sheets.csv` in the 2021
 * one), `Cache-Control: private` and a `Request-ID` header. The body is a CSV whose header row and values are
 * all double-quoted; for `azure_consumption` the documented columns are ProductTitle, ProductId, SkuId,
 * SkuTitle, Publisher, SkuDescription, UnitOfMeasure, TermDuration, Market, Currency, UnitPrice,
 * PricingTierRangeMin, PricingTierRangeMax, EffectiveStartDate, EffectiveEndDate, MeterIds, MeterType, Tags
 * (consumption prices are always USD). `Market` is a two-letter country code (the examples use 'ad', 'be',
 * 'US'); the views include azure_consumption and azure_reservations (others — updatedlicensebased,
 * marketplace… — are not served here). Query: `timeline=history|current|future` (default current) and
 * `month=YYYYMM` (required with history). `Accept-Encoding: deflate` asks for a zipped file; the stand-in
 * always answers uncompressed (allowed: compression is optional).
 *
 * The rows below are local inventions with the documented columns (the reservations sheet reuses the
 * consumption columns: its exact column list is not published); `Market` is filled from the request.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import bundled from './price-sheets.json';
import { partnerApiErrors } from './errors';

export const PRICE_SHEET_COLUMNS = [
  'ProductTitle',
  'ProductId',
  'SkuId',
  'SkuTitle',
  'Publisher',
  'SkuDescription',
  'UnitOfMeasure',
  'TermDuration',
  'Market',
  'Currency',
  'UnitPrice',
  'PricingTierRangeMin',
  'PricingTierRangeMax',
  'EffectiveStartDate',
  'EffectiveEndDate',
  'MeterIds',
  'MeterType',
  'Tags',
] as const;

export const PRICE_SHEET_VIEWS = ['azure_consumption', 'azure_reservations'] as const;
export type PriceSheetView = (typeof PRICE_SHEET_VIEWS)[number];

const rowSchema = z.object({
  ProductTitle: z.string(),
  ProductId: z.string(),
  SkuId: z.string(),
  SkuTitle: z.string(),
  Publisher: z.string(),
  SkuDescription: z.string(),
  UnitOfMeasure: z.string(),
  TermDuration: z.string(),
  Currency: z.string().length(3).optional(),
  UnitPrice: z.string().regex(/^\d+(\.\d+)?$/, 'a decimal number'),
  PricingTierRangeMin: z.string(),
  PricingTierRangeMax: z.string(),
  EffectiveStartDate: z.string(),
  EffectiveEndDate: z.string(),
  MeterIds: z.string(),
  MeterType: z.string(),
  Tags: z.string(),
});

const fixturesSchema = z.object({ azure_consumption: z.array(rowSchema), azure_reservations: z.array(rowSchema) });

export type PriceSheetRow = z.infer<typeof rowSchema>;
export type PriceSheetFixtures = z.infer<typeof fixturesSchema>;

/** The bundled price sheets (price-sheets.json beside this file), or another JSON file of the same shape. */
export function loadPriceSheetFixtures(filePath?: string): PriceSheetFixtures {
  const raw: unknown = filePath === undefined ? bundled : JSON.parse(readFileSync(filePath, 'utf8'));
  const result = fixturesSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`Invalid Partner API stand-in price sheets: ${issues.join('; ')}`);
  }
  return result.data;
}

export interface PriceSheetRequest {
  /** Upper-cased two-letter market, e.g. `US`. */
  market: string;
  view: PriceSheetView;
  timeline: 'current' | 'history' | 'future';
  /** `YYYYMM`, with timeline history. */
  month?: string;
}

// Matched on the URL-decoded path: clients send `%27`, `%28`, `%24`… for the quotes, brackets and `$`.
const PRICE_SHEET_PATH =
  /^\/v1\.0\/sales\/pricesheets\(\s*Market\s*=\s*'([^']*)'\s*,\s*PricesheetView\s*=\s*'([^']*)'\s*\)\/\$value\/?$/;
const PRICE_SHEETS_PREFIX = /^\/v1\.0\/sales\/pricesheets\b/;

/** Is this (decoded) path a price sheet download? `undefined`: not a price sheet path at all. */
export function matchPriceSheetPath(pathname: string): { market: string; view: string } | 'malformed' | undefined {
  const m = PRICE_SHEET_PATH.exec(pathname);
  if (m) return { market: m[1], view: m[2] };
  return PRICE_SHEETS_PREFIX.test(pathname) ? 'malformed' : undefined;
}

/** Validates the path keys and the query; throws a 400 `PartnerApiError`. */
export function parsePriceSheetRequest(
  keys: { market: string; view: string },
  query: URLSearchParams,
): PriceSheetRequest {
  if (!/^[A-Za-z]{2}$/.test(keys.market)) {
    throw partnerApiErrors.badRequest(`Market '${keys.market}' is not a two-letter country code.`);
  }
  const view = keys.view.toLowerCase();
  if (!(PRICE_SHEET_VIEWS as readonly string[]).includes(view)) {
    throw partnerApiErrors.badRequest(
      `PricesheetView '${keys.view}' is not served by the stand-in (it serves ${PRICE_SHEET_VIEWS.join(', ')}).`,
    );
  }
  const timelineParam = (query.get('timeline') ?? 'current').toLowerCase();
  if (timelineParam !== 'current' && timelineParam !== 'history' && timelineParam !== 'future') {
    throw partnerApiErrors.badRequest(`timeline '${timelineParam}' must be history, current or future.`);
  }
  const month = query.get('month') ?? undefined;
  if (timelineParam === 'history' && month === undefined)
    throw partnerApiErrors.badRequest('month (YYYYMM) is required with timeline=history.');
  if (month !== undefined && !/^\d{4}(0[1-9]|1[0-2])$/.test(month))
    throw partnerApiErrors.badRequest(`month '${month}' must be YYYYMM.`);
  return {
    market: keys.market.toUpperCase(),
    view: view as PriceSheetView,
    timeline: timelineParam,
    ...(month ? { month } : {}),
  };
}

const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;

/** The CSV file: every field double-quoted, CRLF line ends, a header row first. */
export function renderPriceSheetCsv(rows: readonly PriceSheetRow[], request: PriceSheetRequest): string {
  const { header, body } = priceSheetParts(rows, request);
  return header + body;
}

/** The header line and the rows, each line ending in CRLF. */
export function priceSheetParts(
  rows: readonly PriceSheetRow[],
  request: PriceSheetRequest,
): { header: string; body: string } {
  const line = (values: string[]) => `${values.map(quote).join(',')}\r\n`;
  const body = rows.map((row) => {
    const full: Record<string, string> = { ...row, Market: request.market, Currency: row.Currency ?? 'USD' };
    return line(PRICE_SHEET_COLUMNS.map((c) => full[c] ?? ''));
  });
  return { header: line([...PRICE_SHEET_COLUMNS]), body: body.join('') };
}
