import { driveRegistrations } from '../../bench/api-load';
import { apiClient } from '../../local/registration-driver';
import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';
import { generatePartners } from '../../local/stand-ins/generated-partners';

/** The API load bench's driver (bench/api-load.ts) in small: what it measures must also be right. */
describe('ten organizations registering at once (the load bench in small)', () => {
  const generated = generatePartners(10);
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ fixtures: { entra: generated.entra, partnerCenter: generated.partnerCenter } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('registers each through steps 1 to 3 and its own admin’s consent, with no unexpected answer and no cross-talk', async () => {
    const callers = await Promise.all(
      generated.partners.map(async (organization) => ({
        organization,
        token: await stack.tokenFor(organization.admin),
      })),
    );
    const run = await driveRegistrations(stack, callers, {
      polling: { firstMs: 20, maxMs: 100, timeoutMs: 15_000 },
      requestTimeoutMs: 15_000,
    });

    expect(run.errors).toEqual([]);
    expect(run.registered).toBe(10);
    expect(run.adminPages).toEqual({ Registered: 10 });
    for (const step of ['step 1', 'step 2', 'step 3', 'consent', 'registration'] as const)
      expect(run.stepMs[step]).toHaveLength(10);
    // Each caller sees its own organization's account, registered by its own admin for its own company.
    const { call } = apiClient(stack);
    for (const { organization, token } of callers) {
      const account = await call('GET', '/payer-account', token);
      expect(account.status).toBe(200);
      expect(account.body).toMatchObject({
        accountName: organization.accountName,
        tenantId: organization.tenantId,
        applicationId: organization.applicationId,
        companyName: organization.companyName,
        consentedBy: organization.admin,
      });
    }
  });

  it('reports an unexpected answer with its step and reason instead of throwing', async () => {
    const [first] = generated.partners;
    const token = await stack.tokenFor(first.admin);
    // Already registered above: step 1 is refused (payer_account_exists).
    const run = await driveRegistrations(stack, [{ organization: first, token }], {
      polling: { firstMs: 20, maxMs: 100, timeoutMs: 5_000 },
      requestTimeoutMs: 5_000,
    });
    expect(run.registered).toBe(0);
    expect(run.errors).toEqual([
      { organization: first.domain, step: 'step 1', reason: expect.stringMatching(/^HTTP 409 .*payer_account_exists/) },
    ]);
  });
});
