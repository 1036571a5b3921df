import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';
import { ensureLoopbackTls } from '../../local/tls';
import { issuerKey, signWith, startTestIssuer, type IssuerKey, type TestIssuer } from '../support/oidc-issuer';

const AUDIENCE = 'api://octo-payer-registration';

// https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc (the discovery document names the
// issuer and the jwks_uri): the API takes the tokens of whichever OpenID Connect issuer API_AUTHORITY names.
describe('the API configured for an OpenID Connect issuer that is not Entra ID', () => {
  let stack: Stack;
  let issuer: TestIssuer;
  let key: IssuerKey;
  const tokenFor = (claims: Record<string, unknown>) =>
    signWith(key, { iss: issuer.issuer, aud: AUDIENCE, sub: 'user-7', org: 'fabrikam-eu', ...claims });
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${stack.apiBaseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    issuer = await startTestIssuer(await ensureLoopbackTls());
    key = await issuerKey('realm-key-1', 'RS256');
    issuer.keys = [key.jwk];
    stack = await startStack({
      hostEnv: {
        API_AUTHORITY: issuer.authority,
        API_AUDIENCE: AUDIENCE,
        API_ORGANIZATION_CLAIM: 'org',
        API_OPS_TENANTS: issuer.issuer,
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await issuer?.stop();
  });

  it("signs its users in: the organization from the configured claim, roles from the token's roles", async () => {
    const me = await call('GET', '/me', await tokenFor({ roles: ['PayerAccount.Manage'] }));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ organizationId: 'fabrikam-eu', canManage: true, canOperate: false });
    const started = await call(
      'POST',
      '/payer-account/registration',
      await tokenFor({ roles: ['PayerAccount.Manage'] }),
      {
        accountName: 'Fabrikam EU',
      },
    );
    expect(started.status).toBe(201);
    expect(
      (await call('DELETE', '/payer-account/registration', await tokenFor({ roles: ['PayerAccount.Manage'] }))).status,
    ).toBe(204);
  });

  it("takes the ops role in the issuer's own tokens (API_OPS_TENANTS names the issuer)", async () => {
    const ops = await call('GET', '/ops/registrations', await tokenFor({ roles: ['PayerAccount.Ops'] }));
    expect(ops.status).toBe(200);
  });

  it('refuses another issuer, another audience, a token without the organization claim, and Entra ID tokens', async () => {
    for (const token of [
      await tokenFor({ iss: 'https://elsewhere.example/realms/octo' }),
      await tokenFor({ aud: 'api://another-api' }),
      await tokenFor({ org: undefined }),
      await stack.tokenFor('alice@contoso.example'),
    ]) {
      const answer = await call('GET', '/me', token);
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('invalid_token');
    }
  });
});
