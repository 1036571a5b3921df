import { consentEmailRefused, requesterOf } from '../../src/domain/consent-email-recipient';

describe('whom a consent link is e-mailed to', () => {
  const owners = ['alice@contoso.example', 'contoso.onmicrosoft.com'];

  it("takes the asking person's domain and the partner tenant's, and their subdomains, in any case", () => {
    for (const address of ['bob@contoso.example', 'it@EU.Contoso.example', 'admin@contoso.onmicrosoft.com'])
      expect([address, consentEmailRefused(address, owners)]).toEqual([address, undefined]);
  });

  it('refuses any other address on adminEmail, naming the domains it takes and saying to copy the link', () => {
    for (const address of [
      'stranger@fabrikam.example',
      'x@notcontoso.example',
      'x@contoso.example.evil.example',
      'no-at-sign',
    ]) {
      const refused = consentEmailRefused(address, owners);
      expect(refused).toMatchObject({ code: 'admin_email_not_allowed', field: 'adminEmail' });
      expect(refused?.message).toMatch(/contoso\.example or contoso\.onmicrosoft\.com.*Copy the link/);
    }
    expect(consentEmailRefused('a@contoso.example', [undefined, undefined])?.message).toMatch(
      /your organization's domain/,
    );
  });

  it('names the requester by name and address, never by object ID alone when either is known', () => {
    expect(requesterOf({ userId: 'oid-1', name: 'Alice Admin', email: 'alice@contoso.example' })).toBe(
      'Alice Admin <alice@contoso.example>',
    );
    expect(requesterOf({ userId: 'oid-1', email: 'alice@contoso.example' })).toBe('alice@contoso.example');
    expect(requesterOf({ userId: 'oid-1' })).toBe('user oid-1');
  });
});
