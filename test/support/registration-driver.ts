import type { Stack } from '../../local/stack';
import type { ApiAnswer as Answer, RegisteringOrganization } from '../../local/registration-driver';
import { apiClient as client, registerOrganization } from '../../local/registration-driver';

export { until } from '../../local/registration-driver';

/** An answer whose JSON the test asserts on directly. */
export type ApiAnswer = Answer<any>;

/** Calls the API as a person, recording every answer's text (for checks that no secret leaked). */
export const apiClient = (stack: Pick<Stack, 'apiBaseUrl'>, seen: string[] = []) => client<any>(stack, seen);

export const CONTOSO = '22222222-2222-4222-8222-222222222222';
export const PC_APP = 'bbbbbbbb-0000-4000-8000-000000000001';
export const VALID_SECRET = 'contoso-pc-secret-value~valid';
export const TOKEN_PATH = '^POST /[^/]+/oauth2/v2\\.0/token$';

/** Contoso's payer account as Alice registers it (she is also the admin who consents). */
export const CONTOSO_ORGANIZATION: RegisteringOrganization = {
  accountName: 'Contoso CSP',
  tenantId: CONTOSO,
  domain: 'contoso.example',
  applicationId: PC_APP,
  secret: VALID_SECRET,
  admin: 'alice@contoso.example',
};

/**
 * Drives one registration of Contoso's payer account through the API, as the end-to-end test does:
 * step 1, step 2 with the valid secret, a consent link, the admin's consent at the Entra ID
 * stand-in and the callback; resolves with GET /api/payer-account's answer once registered.
 */
export async function registerContoso(
  stack: Stack,
  token: string,
  seen: string[] = [],
  step2Extras: Record<string, string> = {},
): Promise<any> {
  return (await registerOrganization(stack, CONTOSO_ORGANIZATION, token, { seen, step2Extras })).account;
}
