import { PartnerApiClient } from '../../src/adapters/partner-api-client';
import { TransientError } from '../../src/domain/transient-error';
import { startEntraIdStandIn, type EntraIdStandIn } from '../../local/stand-ins/entra-id/server';
import { loadPartnerCenterFixtures } from '../../local/stand-ins/partner-center/fixtures';
import { startPartnerApiStandIn, type PartnerApiStandIn } from '../../local/stand-ins/partner-api/server';
import { ensureLoopbackTls } from '../../local/tls';

const CONTOSO = '22222222-2222-4222-8222-222222222222';
const ALICE = { oid: 'a11ce000-0000-4000-8000-000000000001', upn: 'alice@contoso.example' }; // Admin agent
const BOB = { oid: 'b0b00000-0000-4000-8000-000000000002', upn: 'bob@contoso.example' }; // no Partner Center role
const PRICE_SHEET = '^GET /v1\\.0/sales/pricesheets';
/** The size of the documented example answer (Content-Length: 42180180). */
const REAL_SIZE = 42_180_180;

// https://learn.microsoft.com/en-us/partner-center/developer/get-a-price-sheet
describe('the Partner API client reads the price sheet as documented', () => {
  let entra: EntraIdStandIn;
  let api: PartnerApiStandIn;
  let client: PartnerApiClient;
  const tokenOf = (user: { oid: string; upn: string }, claims: Record<string, unknown> = {}) =>
    entra.mintToken({
      aud: 'https://api.partner.microsoft.com',
      iss: entra.v1Issuer(CONTOSO),
      tid: CONTOSO,
      oid: user.oid,
      upn: user.upn,
      appid: 'bbbbbbbb-0000-4000-8000-000000000001',
      scp: 'user_impersonation',
      ver: '1.0',
      ...claims,
    });

  beforeAll(async () => {
    const tls = await ensureLoopbackTls();
    entra = await startEntraIdStandIn({ tls });
    api = await startPartnerApiStandIn({ tls, entra, fixtures: loadPartnerCenterFixtures(), sheetBytes: REAL_SIZE });
    client = new PartnerApiClient(api.url);
  });
  afterEach(() => api.faults.clear());
  afterAll(async () => {
    await api?.stop();
    await entra?.stop();
  });

  it("streams the whole price list of the partner's market and leaves after its first rows", async () => {
    const read = await client.readPriceSheet(await tokenOf(ALICE), 'BE');
    expect(read).toEqual({ ok: true, value: { rows: expect.any(Number), columns: 18 } });
    expect(read.ok && read.value.rows).toBeGreaterThanOrEqual(3);
    const [download] = api.downloads().slice(-1);
    expect(download).toMatchObject({ market: 'BE', view: 'azure_consumption', bytes: expect.any(Number) });
    expect(download.bytes).toBeGreaterThanOrEqual(REAL_SIZE);
    // Let the server notice the client went away, then see how little of the file was taken.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(api.downloads().slice(-1)[0].bytesSent).toBeLessThan(download.bytes / 20);
  });

  it('maps HTTP 400 (an app-only token) to the permission the app registration needs', async () => {
    const appOnly = await tokenOf(ALICE, { scp: undefined, idtyp: 'app', upn: undefined });
    const read = await client.readPriceSheet(appOnly, 'US');
    expect(read).toMatchObject({ ok: false, error: { code: 'permission_not_configured', partnerCenterCode: 400 } });
    expect(!read.ok && read.error.message).toMatch(/Microsoft Partner .*user_impersonation/);
  });

  it('maps 403 (a user without Admin agent or Sales agent) to the role the admin needs', async () => {
    const read = await client.readPriceSheet(await tokenOf(BOB), 'US');
    expect(read).toMatchObject({ ok: false, error: { code: 'admin_without_partner_role', partnerCenterCode: 403 } });
  });

  // https://learn.microsoft.com/en-us/partner-center/developer/partner-center-authentication (MFA on App+User calls)
  it("maps Partner Center's MFA refusal (401, code 900421) to admin_without_mfa", async () => {
    api.faults.inject({
      match: PRICE_SHEET,
      status: 401,
      body: { code: 900421, description: 'MFA required' },
      count: 1,
    });
    const read = await client.readPriceSheet(await tokenOf(ALICE), 'US');
    expect(read).toMatchObject({ ok: false, error: { code: 'admin_without_mfa', partnerCenterCode: 401 } });
  });

  it.each([
    ['a 500', { status: 500 }],
    ['a 200 that is not a CSV file', { status: 200, body: '<html><body>Sign in</body></html>' }],
    ['a 200 whose file breaks off inside a quoted field', { status: 200, body: '"ProductTitle","UnitPrice"\r\n"Virt' }],
    ['a 200 with only the header', { status: 200, body: '"ProductTitle","UnitPrice"\r\n' }],
  ])('treats %s as a passing fault (retried by the activity)', async (_name, fault) => {
    api.faults.inject({ match: PRICE_SHEET, ...fault, count: 1 });
    await expect(client.readPriceSheet(await tokenOf(ALICE), 'US')).rejects.toBeInstanceOf(TransientError);
  });
});
