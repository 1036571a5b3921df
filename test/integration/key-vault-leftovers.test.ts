import { aadstsErrorBody } from '../../local/stand-ins/entra-id/error-bodies';
import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';
import {
  apiClient,
  CONTOSO,
  PC_APP,
  registerContoso,
  TOKEN_PATH,
  until,
  VALID_SECRET,
} from '../support/registration-driver';
import type { StagedListing } from '../support/vault-listing';
import { vaultListing } from '../support/vault-listing';

const HOUR_MS = 3600_000;
const LINK_TTL_HOURS = 24;
const ALICE = 'alice@contoso.example';
/** What a registered account keeps of its registration: the refresh token's cache and the application secret. */
const REGISTERED: StagedListing = { live: { 'pc-secret': 1, 'token-cache': 1 }, deleted: ['auth-code', 'pkce'] };

/**
 * Nothing a registration or a re-consent staged in Key Vault (PKCE verifiers, one per click of the link; codes,
 * redeemed or not; refused consents' token caches) stays readable once it has ended, however it ended; while it
 * runs, its names stay (disabled when used), since Key Vault's soft delete keeps a deleted name from taking the next
 * consent's secrets. The vault is listed through Key Vault's list operations after each ending.
 */
// https://learn.microsoft.com/en-us/azure/key-vault/general/soft-delete-overview (a deleted secret stays listed among the
// deleted ones and keeps its name until purged) and
// https://learn.microsoft.com/en-us/azure/key-vault/secrets/about-secrets (a disabled version's data cannot be read)
describe('nothing left behind in Key Vault when a registration or a re-consent ends', () => {
  let stack: Stack;
  let alice: string;
  let olivia: string; // Octo's ops: reads whether a workflow has ended
  let call: ReturnType<typeof apiClient>['call'];
  let listing: (id: string) => Promise<StagedListing>;
  const registration = async () => (await call('GET', '/payer-account/registration', alice)).body;
  const account = async () => (await call('GET', '/payer-account', alice)).body;
  /** Waits until the workflow runs no more: its last activity (the clean-up) is done. */
  const ended = async (id: string) =>
    expect(
      await until(async () =>
        ['Completed', 'Terminated', 'Failed'].includes(
          (await call('GET', `/ops/registrations/${id}/history`, olivia)).body?.runtimeStatus,
        ),
      ),
    ).toBe(true);
  /** Steps 1 and 2, then a consent link: the registration's ID and the link. */
  const reachConsent = async (linkBody: Record<string, unknown> = {}) => {
    expect((await call('POST', '/payer-account/registration', alice, { accountName: 'Contoso CSP' })).status).toBe(201);
    await until(async () => (await registration())?.status === 'awaitingPartnerCenterCredentials');
    const step2 = await call('PUT', '/payer-account/registration/partner-center-credentials', alice, {
      applicationId: PC_APP,
      domain: 'contoso.example',
      secret: VALID_SECRET,
    });
    expect(step2.status).toBe(200);
    return { registrationId: (await registration()).registrationId as string, link: await newLink(linkBody) };
  };
  const newLink = async (linkBody: Record<string, unknown> = {}) => {
    const link = await call('PUT', '/payer-account/registration/partner-api-credentials', alice, {
      tenantId: CONTOSO,
      applicationId: PC_APP,
      ...linkBody,
    });
    expect(link.status).toBe(200);
    await until(async () => (await registration())?.status === 'awaitingConsent');
    return link.body.consentLink as string;
  };
  /** One click of the consent link: a fresh PKCE verifier in the vault; returns Microsoft's authorize address. */
  const click = async (consentLink: string) => {
    const start = await fetch(consentLink, { redirect: 'manual' });
    expect(start.status).toBe(302);
    return start.headers.get('location') as string;
  };
  /** The admin answers at the Entra ID stand-in and the browser comes back to the callback: the page's text. */
  const answer = async (authorizeUrl: string, username: string, decision: 'accept' | 'cancel' = 'accept') => {
    const { location } = await stack.entra.authorize({ authorizeUrl, username, decision });
    return (await fetch(location, { redirect: 'manual' })).text();
  };
  const refusedWith = async (status: () => Promise<any>, code: string) =>
    expect(await until(async () => (await status())?.error?.code === code)).toBe(true);

  beforeAll(async () => {
    // Links expire before the 3-day sub-timers of the registration's expiry fire: a registration still waiting when
    // those of its cancelled expiry timers fire never completes its workflow once registered (a known, separate fault).
    stack = await startStack({ settings: { CONSENT_LINK_TTL_HOURS: String(LINK_TTL_HOURS) } });
    [alice, olivia] = await Promise.all([stack.tokenFor(ALICE), stack.tokenFor('olivia@octo.example')]);
    call = apiClient(stack).call;
    listing = vaultListing(stack);
  });
  afterEach(async () => {
    stack.entra.faults.clear();
    await call('DELETE', '/payer-account/registration', alice);
    await call('DELETE', '/payer-account', alice);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  describe('a registration', () => {
    it('registered after three clicks of the link: only the token cache and the application secret stay', async () => {
      const { registrationId, link } = await reachConsent();
      const clicks = [await click(link), await click(link), await click(link)];
      expect(await listing(registrationId)).toEqual({ live: { 'pc-secret': 1, pkce: 3 }, deleted: [] });
      expect(await answer(clicks[1], ALICE)).toContain('Registered');
      expect(await until(async () => (await call('GET', '/payer-account', alice)).status === 200)).toBe(true);
      await ended(registrationId);
      expect(await listing(registrationId)).toEqual(REGISTERED);
      expect((await account()).secrets).toMatchObject({
        tokenCache: { name: `reg-${registrationId}-token-cache` },
        applicationSecret: { name: `reg-${registrationId}-pc-secret` },
      });
    });

    it("registered with a new secret given with the link: that secret is the account's, step 2's is deleted", async () => {
      const { registrationId, link } = await reachConsent({ secret: VALID_SECRET });
      await answer(await click(link), ALICE);
      expect(await until(async () => (await call('GET', '/payer-account', alice)).status === 200)).toBe(true);
      await ended(registrationId);
      expect(await listing(registrationId)).toEqual({
        live: { 'pa-secret': 1, 'token-cache': 1 },
        deleted: ['auth-code', 'pc-secret', 'pkce'],
      });
    });

    it.each([
      ['an admin without MFA', 'dave@contoso.example', 'admin_without_mfa', { 'token-cache': 0 }],
      ['an admin from another tenant', 'carol@fabrikam.example', 'admin_from_another_tenant', { 'token-cache': 0 }],
      ['a code whose redemption failed (AADSTS54005)', ALICE, 'code_already_redeemed', {}],
    ])(
      'consent refused (%s): its code, verifier and token are disabled while the registration waits for another consent; the next one registers and only the account stays (a refused cache only as a disabled version of the account cache: Key Vault deletes names, not versions)',
      async (_case, admin, code, refusedCache) => {
        const { registrationId, link } = await reachConsent();
        if (code === 'code_already_redeemed') {
          const refusal = aadstsErrorBody(54005, { clientId: PC_APP });
          stack.entra.faults.inject({ match: TOKEN_PATH, status: refusal.status, body: refusal.body, count: 1 });
        }
        await answer(await click(link), admin);
        await refusedWith(registration, code);
        expect(await listing(registrationId)).toEqual({
          live: { 'pc-secret': 1, pkce: 0, 'auth-code': 0, ...refusedCache },
          deleted: [],
        });

        await answer(await click(await newLink()), ALICE);
        expect(await until(async () => (await call('GET', '/payer-account', alice)).status === 200)).toBe(true);
        await ended(registrationId);
        expect(await listing(registrationId)).toEqual(REGISTERED);
      },
    );

    it('cancelled (DELETE) after two clicks, one declined: every name it staged is deleted', async () => {
      const { registrationId, link } = await reachConsent();
      const [declined] = [await click(link), await click(link)];
      expect(await answer(declined, ALICE, 'cancel')).toContain('Consent declined');
      await refusedWith(registration, 'consent_declined');
      // The unanswered click's verifier stays readable while the registration runs: that click may still come back.
      expect(await listing(registrationId)).toEqual({ live: { 'pc-secret': 1, pkce: 1 }, deleted: [] });
      expect((await call('DELETE', '/payer-account/registration', alice)).status).toBe(204);
      await ended(registrationId);
      expect(await listing(registrationId)).toEqual({ live: {}, deleted: ['pc-secret', 'pkce'] });
    });

    it('expired after a refused consent: every name it staged is deleted', async () => {
      const { registrationId, link } = await reachConsent();
      await answer(await click(link), 'dave@contoso.example');
      await refusedWith(registration, 'admin_without_mfa');
      await stack.advanceClock(169 * HOUR_MS);
      await ended(registrationId);
      expect(await listing(registrationId)).toEqual({
        live: {},
        deleted: ['auth-code', 'pc-secret', 'pkce', 'token-cache'],
      });
    });

    it("consent link expired after two clicks: its verifiers stay under the registration's name until it ends (a deleted name could not take the next link's); a new link registers", async () => {
      const { registrationId, link } = await reachConsent();
      await click(link);
      await click(link);
      await stack.advanceClock(LINK_TTL_HOURS * HOUR_MS + 1000);
      expect(await until(async () => (await registration())?.status === 'consentExpired')).toBe(true);
      expect(await listing(registrationId)).toEqual({ live: { 'pc-secret': 1, pkce: 2 }, deleted: [] });
      await answer(await click(await newLink()), ALICE);
      expect(await until(async () => (await call('GET', '/payer-account', alice)).status === 200)).toBe(true);
      await ended(registrationId);
      expect(await listing(registrationId)).toEqual(REGISTERED);
    });

    it('terminated by ops after a click, then cancelled (DELETE): every name it staged is deleted', async () => {
      const { registrationId, link } = await reachConsent();
      await click(link);
      const terminated = await fetch(
        `${stack.host.url}/runtime/webhooks/durabletask/instances/${registrationId}/terminate?reason=stuck&code=${stack.settings.LocalHost__MasterKey}`,
        { method: 'POST' },
      );
      expect(terminated.status).toBe(202);
      await ended(registrationId);
      expect(await listing(registrationId)).toEqual({ live: { 'pc-secret': 1, pkce: 1 }, deleted: [] });
      expect((await call('DELETE', '/payer-account/registration', alice)).status).toBe(204);
      expect(await listing(registrationId)).toEqual({ live: {}, deleted: ['pc-secret', 'pkce'] });
    });

    it('a click racing the end of its registration (the names already deleted) gets the replaced-link page, not a fault', async () => {
      const { registrationId, link } = await reachConsent();
      await click(link);
      stack.keyVault.state.delete(`reg-${registrationId}-pkce`);
      const late = await fetch(link, { redirect: 'manual' });
      expect(late.status).toBe(410);
      expect(await late.text()).toContain('This consent link was replaced');
    });
  });

  describe('a re-consent of the registered account', () => {
    const reconsent = async () => {
      const asked = await call('POST', '/payer-account/reconsent', alice, {});
      expect(asked.status).toBe(202);
      expect(await until(async () => (await account()).reconsent?.status === 'awaitingConsent')).toBe(true);
      return { reconsentId: asked.body.reconsentId as string, link: asked.body.consentLink as string };
    };

    it("completed after two clicks: its token cache replaces the account's, nothing else of either stays", async () => {
      const { registrationId } = await registerContoso(stack, alice);
      const { reconsentId, link } = await reconsent();
      const [first] = [await click(link), await click(link)];
      expect(await listing(reconsentId)).toEqual({ live: { pkce: 2 }, deleted: [] });
      await answer(first, ALICE);
      expect(await until(async () => (await account()).reconsent === undefined)).toBe(true);
      await ended(reconsentId);
      expect(await listing(reconsentId)).toEqual({ live: { 'token-cache': 1 }, deleted: ['auth-code', 'pkce'] });
      expect(await listing(registrationId)).toEqual({
        live: { 'pc-secret': 1 },
        deleted: ['auth-code', 'pkce', 'token-cache'],
      });
      expect((await account()).secrets.tokenCache.name).toBe(`reg-${reconsentId}-token-cache`);
    });

    it("refused (no MFA), then expired: every name it staged is deleted, the account's stay", async () => {
      const { registrationId } = await registerContoso(stack, alice);
      const { reconsentId, link } = await reconsent();
      await answer(await click(link), 'dave@contoso.example');
      await refusedWith(async () => (await account()).reconsent, 'admin_without_mfa');
      expect(await listing(reconsentId)).toEqual({
        live: { pkce: 0, 'auth-code': 0, 'token-cache': 0 },
        deleted: [],
      });
      await stack.advanceClock(169 * HOUR_MS);
      await ended(reconsentId);
      expect(await listing(reconsentId)).toEqual({ live: {}, deleted: ['auth-code', 'pkce', 'token-cache'] });
      expect(await listing(registrationId)).toEqual(REGISTERED);
    });

    it('terminated by ops, then superseded by a new re-consent, then the account deregistered: nothing of either stays', async () => {
      const { registrationId } = await registerContoso(stack, alice);
      const terminatedOne = await reconsent();
      await click(terminatedOne.link);
      const terminated = await fetch(
        `${stack.host.url}/runtime/webhooks/durabletask/instances/${terminatedOne.reconsentId}/terminate?reason=stuck&code=${stack.settings.LocalHost__MasterKey}`,
        { method: 'POST' },
      );
      expect(terminated.status).toBe(202);
      await ended(terminatedOne.reconsentId);
      expect(await listing(terminatedOne.reconsentId)).toEqual({ live: { pkce: 1 }, deleted: [] });

      const next = await reconsent();
      expect(next.reconsentId).not.toBe(terminatedOne.reconsentId);
      expect(await listing(terminatedOne.reconsentId)).toEqual({ live: {}, deleted: ['pkce'] });
      await click(next.link);
      expect((await call('DELETE', '/payer-account', alice)).status).toBe(204);
      expect(await listing(next.reconsentId)).toEqual({ live: {}, deleted: ['pkce'] });
      expect(await listing(registrationId)).toEqual({
        live: {},
        deleted: ['auth-code', 'pc-secret', 'pkce', 'token-cache'],
      });
      await ended(next.reconsentId);
      expect(await listing(next.reconsentId)).toEqual({ live: {}, deleted: ['pkce'] });
    });
  });
});
