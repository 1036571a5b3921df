import { looksLikeGuid, mapEntraFailure, mapPartnerCenterRefusal } from '../../src/domain/credential-errors';

const context = { domain: 'contoso.example', secretLooksLikeId: false };
const entra = (codes: number[], error = 'invalid_client') =>
  mapEntraFailure({ error, errorCodes: codes, traceId: 't', correlationId: 'c' }, context);

describe('what the person is told for each Entra ID answer', () => {
  it.each([
    [7000215, 'secret_invalid', 'secret'],
    [7000222, 'secret_expired', 'secret'],
    [700016, 'application_not_found', 'applicationId'],
    [700011, 'application_not_found', 'applicationId'],
    [90002, 'tenant_not_found', 'domain'],
    [50194, 'application_not_multi_tenant', 'domain'],
    [700025, 'application_is_public_client', 'applicationId'],
    [65001, 'consent_required', 'applicationId'],
    [90094, 'consent_required', 'applicationId'],
    [53003, 'access_blocked', 'applicationId'],
    [530035, 'access_blocked', 'applicationId'],
  ])('AADSTS%i → %s on %s, with the trace IDs', (aadsts, code, field) => {
    expect(entra([aadsts])).toMatchObject({
      code,
      field,
      aadsts,
      traceId: 't',
      correlationId: 'c',
      message: expect.any(String),
    });
  });

  it('decides by error_codes, never by the description or the OAuth error name alone', () => {
    expect(entra([7000222], 'invalid_request').code).toBe('secret_expired');
    expect(entra([999999]).code).toBe('credentials_rejected');
    expect(entra([999999]).aadsts).toBe(999999);
    expect(entra([999999]).message).toContain('AADSTS999999');
  });

  it('names the domain the person typed when the tenant is not found', () => {
    expect(entra([90002]).message).toContain('"contoso.example"');
  });

  it('says so when the secret pasted is a secret ID', () => {
    const asId = mapEntraFailure(
      { error: 'invalid_client', errorCodes: [7000215] },
      { ...context, secretLooksLikeId: true },
    );
    expect(asId.message).toMatch(/looks like the secret's ID/);
    expect(entra([7000215]).message).not.toMatch(/looks like the secret's ID/);
  });
});

describe('what the person is told for each Partner Center refusal', () => {
  it('401: the app is not enabled for Partner Center API access', () => {
    expect(mapPartnerCenterRefusal(401, 400, 'corr')).toMatchObject({
      code: 'partner_center_app_not_enabled',
      field: 'applicationId',
      partnerCenterCode: 400,
      correlationId: 'corr',
    });
  });
  it('403: the tenant is not a CSP partner', () => {
    expect(mapPartnerCenterRefusal(403, 900149, 'corr')).toMatchObject({
      code: 'not_a_csp_partner',
      field: 'domain',
      partnerCenterCode: 900149,
    });
  });
  it('anything else: refused, with the status when there is no code', () => {
    expect(mapPartnerCenterRefusal(400, undefined, undefined)).toMatchObject({
      code: 'partner_center_rejected',
      partnerCenterCode: 400,
    });
  });
});

describe('a secret ID looks like a GUID; secret values do not', () => {
  it.each([
    ['c0c0c0c0-0000-4000-8000-000000000001', true],
    [' C0C0C0C0-0000-4000-8000-000000000001\n', true],
    ['Abc8Q~someSecretValue.with-chars_123', false],
  ])('%j → %s', (value, expected) => expect(looksLikeGuid(value)).toBe(expected));
});
