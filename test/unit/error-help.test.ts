import { ErrorCode } from '../../src/domain/error-codes';
import { ERROR_HELP } from '../../src/domain/error-help';
import { withHelp } from '../../src/http/error-help';
import { problem } from '../../src/http/problem';

const MICROSOFT =
  /^https:\/\/(learn\.microsoft\.com\/en-us\/|portal\.azure\.com\/|partner\.microsoft\.com\/|azure\.status\.microsoft\/)/;
const PRODUCT = ['/', '/api/openapi.json'];

describe('the page that fixes each error', () => {
  it('exists for every error code: a Microsoft page, or the API reference / the wizard for what no Microsoft setting fixes', () => {
    for (const code of Object.values(ErrorCode)) {
      const help = ERROR_HELP[code];
      expect([code, MICROSOFT.test(help) || PRODUCT.includes(help)]).toEqual([code, true]);
    }
  });

  it('sends every error a partner can fix in Entra ID or Partner Center to Microsoft, not to the product', () => {
    const fixedAtMicrosoft: ErrorCode[] = [
      ErrorCode.SecretInvalid,
      ErrorCode.SecretExpired,
      ErrorCode.ApplicationNotMultiTenant,
      ErrorCode.PartnerCenterAppNotEnabled,
      ErrorCode.RedirectUriNotRegistered,
      ErrorCode.RedirectUriWrongPlatform,
      ErrorCode.AdminWithoutMfa,
      ErrorCode.AdminWithoutPartnerRole,
      ErrorCode.PermissionNotConfigured,
      ErrorCode.TokenNoLongerValid,
    ];
    for (const code of fixedAtMicrosoft)
      expect([code, ERROR_HELP[code]]).toEqual([code, expect.stringMatching(MICROSOFT)]);
  });

  it('is added to a problem and to every error nested in an answer, and to nothing else', () => {
    const answer = JSON.parse(
      String(
        problem([
          { code: ErrorCode.InvalidField, message: 'a', field: 'domain' },
          { code: ErrorCode.UnknownField, message: 'b', field: 'x' },
        ]).body,
      ),
    );
    expect(answer.help).toBe(ERROR_HELP[ErrorCode.InvalidField]);
    expect(answer.errors.map((e: { help: string }) => e.help)).toEqual([
      ERROR_HELP[ErrorCode.InvalidField],
      ERROR_HELP[ErrorCode.UnknownField],
    ]);
    const view = withHelp({
      status: 'awaitingPartnerApiCredentials',
      error: { code: ErrorCode.AdminWithoutMfa, message: 'm', aadsts: 50076 },
      health: { lastError: { code: ErrorCode.TokenNoLongerValid, message: 'n' } },
      consent: { code: 'not-an-error-code', message: 'left alone' },
    });
    expect(view.error).toEqual({
      code: 'admin_without_mfa',
      message: 'm',
      aadsts: 50076,
      help: ERROR_HELP.admin_without_mfa,
    });
    expect(view.health.lastError).toHaveProperty('help', ERROR_HELP.token_no_longer_valid);
    expect(view.consent).not.toHaveProperty('help');
  });
});
