import { EntraAuthorityMetadata } from '../../src/adapters/entra-authority-metadata';

const HOST = 'https://login.microsoftonline.com';
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
/** A tenant's v2.0 OpenID configuration as Entra ID shapes it (trimmed). */
const documentOf = (tenant: string) =>
  JSON.stringify({
    token_endpoint: `${HOST}/${tenant}/oauth2/v2.0/token`,
    authorization_endpoint: `${HOST}/${tenant}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${HOST}/${tenant}/oauth2/v2.0/logout`,
    jwks_uri: `${HOST}/${tenant}/discovery/v2.0/keys`,
    issuer: `${HOST}/${tenant}/v2.0`,
  });

// https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
describe("Entra ID's OpenID configuration, read once for every tenant", () => {
  it("answers any tenant's document from the first one read, with one request for many tenants at once", async () => {
    const read: string[] = [];
    const metadata = new EntraAuthorityMetadata(HOST, async (url) => {
      read.push(url);
      return documentOf(A);
    });
    const [a, b] = await Promise.all([metadata.forTenant(A), metadata.forTenant(B.toUpperCase())]);
    expect(read).toEqual([`${HOST}/${A}/v2.0/.well-known/openid-configuration`]);
    expect(JSON.parse(a as string)).toEqual(JSON.parse(documentOf(A)));
    expect(JSON.parse(b as string)).toEqual(JSON.parse(documentOf(B)));
  });

  it('leaves MSAL to read it itself for a tenant named by domain, or when the document cannot be read or is not a tenant one', async () => {
    const domain = new EntraAuthorityMetadata(HOST, async () => documentOf(A));
    expect(await domain.forTenant('contoso.onmicrosoft.com')).toBeUndefined();
    const failing = new EntraAuthorityMetadata(HOST, async () => {
      throw new Error('HTTP 503');
    });
    expect(await failing.forTenant(A)).toBeUndefined();
    const common = new EntraAuthorityMetadata(HOST, async () => documentOf('common'));
    expect(await common.forTenant(A)).toBeUndefined();
    const garbage = new EntraAuthorityMetadata(HOST, async () => '<html>');
    expect(await garbage.forTenant(A)).toBeUndefined();
  });

  it('reads again after a failure', async () => {
    let calls = 0;
    const metadata = new EntraAuthorityMetadata(HOST, async (url) => {
      calls++;
      if (calls === 1) throw new Error('HTTP 503');
      return documentOf(new URL(url).pathname.split('/')[1]);
    });
    expect(await metadata.forTenant(B)).toBeUndefined();
    expect(JSON.parse((await metadata.forTenant(B)) as string)).toEqual(JSON.parse(documentOf(B)));
    expect(calls).toBe(2);
  });
});
