import { TableClient } from '@azure/data-tables';
import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';
import { TableAuditTrail } from '../../src/adapters/table-audit-trail';
import type { AuditEntry } from '../../src/domain/audit';
import { apiClient, CONTOSO, PC_APP, registerContoso, until, VALID_SECRET } from '../support/registration-driver';

const ALICE_OID = 'a11ce000-0000-4000-8000-000000000001';
const SECRET_ID = 'c0c0c0c0-0000-4000-8000-000000000001';

describe('audit trail: who changed what and when, never a secret', () => {
  let stack: Stack;
  let alice: string;
  let trail: TableAuditTrail;

  beforeAll(async () => {
    stack = await startStack();
    alice = await stack.tokenFor('alice@contoso.example');
    trail = new TableAuditTrail(
      TableClient.fromConnectionString(stack.azurite.connectionString, 'AuditTrail', { allowInsecureConnection: true }),
    );
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('records every change of a refused, cancelled, then registered and deregistered payer account', async () => {
    const { call } = apiClient(stack);
    const first = await call('POST', '/payer-account/registration', alice, { accountName: 'First try' });
    expect(first.status).toBe(201);
    await until(
      async () =>
        (await call('GET', '/payer-account/registration', alice)).body?.status === 'awaitingPartnerCenterCredentials',
    );
    expect(
      (
        await call('PUT', '/payer-account/registration/partner-center-credentials', alice, {
          applicationId: PC_APP,
          domain: 'contoso.example',
          secret: SECRET_ID,
        })
      ).status,
    ).toBe(422);
    expect((await call('DELETE', '/payer-account/registration', alice)).status).toBe(204);
    const account = await registerContoso(stack, alice);
    expect((await call('DELETE', '/payer-account', alice)).status).toBe(204);
    const firstId = first.body.registrationId as string;
    const secondId = account.registrationId as string;
    // The clean-up activity of the cancelled registration runs after the answer: wait for its entry.
    await until(async () => (await trail.list(CONTOSO)).some((e) => e.action === 'registration.ended'));

    const newestFirst = await trail.list(CONTOSO);
    expect(newestFirst.map((e) => e.at)).toEqual([...newestFirst.map((e) => e.at)].sort().reverse());
    const entries = [...newestFirst].reverse();
    const by = (type: 'user' | 'system') =>
      entries
        .filter((e) => e.actor.type === type)
        .map((e) => [e.action, e.registrationId, e.actor.id] as [string, string | undefined, string]);
    expect(by('user')).toEqual([
      ['registration.started', firstId, ALICE_OID],
      ['registration.partnerCenterCredentials.submitted', firstId, ALICE_OID],
      ['registration.cancelled', firstId, ALICE_OID],
      ['registration.started', secondId, ALICE_OID],
      ['registration.partnerCenterCredentials.submitted', secondId, ALICE_OID],
      ['registration.consentLink.requested', secondId, ALICE_OID],
      ['payerAccount.deregistered', secondId, ALICE_OID],
    ]);
    expect(by('system')).toEqual([
      ['registration.partnerCenterCredentials.refused', firstId, 'VerifyPartnerCenterCredentials'],
      ['registration.ended', firstId, 'CleanUpRegistration'],
      ['registration.partnerCenterCredentials.verified', secondId, 'VerifyPartnerCenterCredentials'],
      ['payerAccount.registered', secondId, 'RedeemConsent'],
    ]);
    const find = (action: string, registrationId: string) =>
      entries.find((e) => e.action === action && e.registrationId === registrationId) as AuditEntry;
    expect(find('registration.started', firstId).details).toEqual({ accountName: 'First try' });
    expect(find('registration.partnerCenterCredentials.submitted', firstId).details).toMatchObject({
      applicationId: PC_APP,
      domain: 'contoso.example',
      outcome: 'rejected',
      errorCode: 'secret_invalid',
    });
    expect(find('registration.partnerCenterCredentials.refused', firstId).details).toMatchObject({
      code: 'secret_invalid',
      aadsts: 7000215,
    });
    expect(find('registration.partnerCenterCredentials.verified', secondId).details).toMatchObject({
      tenantId: CONTOSO,
      applicationId: PC_APP,
    });
    expect(find('payerAccount.registered', secondId).details).toEqual({
      tenantId: CONTOSO,
      mpnId: '1234567',
      consentedBy: 'alice@contoso.example',
    });
    expect(find('payerAccount.deregistered', secondId).details).toEqual({ secretsDeleted: 5 });
    for (const entry of entries) expect(Date.parse(entry.at)).toBeGreaterThan(Date.parse(first.body.createdAt) - 1000);

    // No secret: neither the submitted values, nor the tokens, nor the refresh token of the (deleted) cache.
    const rows: string[] = [];
    const table = TableClient.fromConnectionString(stack.azurite.connectionString, 'AuditTrail', {
      allowInsecureConnection: true,
    });
    for await (const row of table.listEntities()) rows.push(JSON.stringify(row));
    expect(rows.length).toBe(entries.length);
    const cache = stack.keyVault.state.getDeleted(account.secrets.tokenCache.name).versions.at(-1)?.value ?? '';
    const refreshToken = /"secret":"([^"]+)"/.exec(cache.slice(cache.indexOf('RefreshToken')))?.[1] as string;
    expect(refreshToken?.length).toBeGreaterThan(10);
    for (const secret of [VALID_SECRET, SECRET_ID, alice, refreshToken]) expect(rows.join('\n')).not.toContain(secret);
  });

  it('keeps one partition per organization', async () => {
    expect(await trail.list('33333333-3333-4333-8333-333333333333')).toEqual([]);
    expect((await trail.list(CONTOSO, { limit: 2 })).length).toBe(2);
  });

  it("is read by the organization's own people, and by ops for any organization", async () => {
    const { call } = apiClient(stack);
    const [bob, carol, olivia] = await Promise.all(
      ['bob@contoso.example', 'carol@fabrikam.example', 'olivia@octo.example'].map((u) => stack.tokenFor(u)),
    );
    const stored = await trail.list(CONTOSO);
    const own = await call('GET', '/payer-account/audit', bob); // reading needs no write role
    expect(own.status).toBe(200);
    expect(own.body.items).toEqual(stored);
    expect((await call('GET', '/payer-account/audit?limit=3', alice)).body.items).toEqual(stored.slice(0, 3));
    const other = await call('GET', '/payer-account/audit', carol);
    expect(other.status).toBe(200);
    expect(other.body.items.every((e: AuditEntry) => e.organizationId !== CONTOSO)).toBe(true);
    expect((await call('GET', '/payer-account/audit', undefined)).status).toBe(401);
    const tooMany = await call('GET', '/payer-account/audit?limit=501', alice);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ code: 'invalid_field', field: 'limit' });

    const ops = await call('GET', `/ops/organizations/${CONTOSO}/audit?limit=5`, olivia);
    expect(ops.status).toBe(200);
    expect(ops.body.items).toEqual(stored.slice(0, 5));
    expect((await call('GET', `/ops/organizations/${CONTOSO}/audit`, alice)).status).toBe(403);
    const badId = await call('GET', `/ops/organizations/${encodeURIComponent("x' or 1 eq 1")}/audit`, olivia);
    expect(badId.status).toBe(400);
    expect(badId.body).toMatchObject({ code: 'invalid_field', field: 'organizationId' });
  });
});
