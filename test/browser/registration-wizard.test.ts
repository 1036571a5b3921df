import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Stack } from '../../local/stack';
import { LOCAL_PASSWORD, REPO_ROOT, startStack } from '../../local/stack';
import { launchChromium, screenshot, SCREENSHOTS, signInAndAccept } from '../support/browser';
import { runKeepAliveRound } from '../../local/keep-alive-rounds';
import { PC_APP, VALID_SECRET } from '../support/registration-driver';

/**
 * The wizard (web/dist) in Debian's Chromium against the whole local stack, as a person uses it: sign-in at the
 * Entra ID stand-in, the three steps (fields checked as they are left, typed values kept across a reload, the setup
 * checklist, copy buttons), the consent from the e-mail or by the pasted address, the admin's page, the registered
 * account and its health; then the account's lifecycle: a new secret, re-consent after a revoked token,
 * deregistration. Screenshots of each step land in test-output/wizard/.
 */
const ALICE = 'alice@contoso.example';
const BOB = 'bob@contoso.example'; // Contoso, without the write role
const SECRET_ID = 'c0c0c0c0-0000-4000-8000-000000000001';
const ROTATED_SECRET = 'contoso-pc-secret-value~rotated';
const SLOW = { timeout: 30_000 };

describe('the registration wizard in a browser', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const tokenRequests: string[] = [];
  const apiRequests: string[] = [];
  const policyViolations: string[] = [];
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 2, name });
  const focusedId = () => page.locator('*:focus').getAttribute('id');
  const fieldError = (name: string) => page.locator(`#field-${name}-error`);
  /** A Copy button says "Copied" on itself, and the clipboard holds the value. */
  const expectCopies = async (name: string, value: string) => {
    const button = page.getByRole('button', { name, exact: true });
    await button.click();
    await page.getByRole('button', { name, exact: true }).filter({ hasText: 'Copied' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(value);
  };
  /** What this tab keeps in sessionStorage for the wizard (MSAL's cache aside). */
  const keptByWizard = () =>
    page.evaluate(
      `JSON.stringify(Object.fromEntries(Object.entries(sessionStorage).filter(([k]) => k.startsWith('octo.'))))`,
    ) as Promise<string>;
  /** The secret refused: the product's message beside the field, which takes focus and is marked invalid. */
  const expectSecretRefused = async (label: string, message: RegExp) => {
    const error = page.locator('#field-secret-error');
    await error.waitFor({ state: 'visible', ...SLOW });
    expect(await error.textContent()).toMatch(message);
    expect(await focusedId()).toBe('field-secret');
    expect(await page.getByLabel(label).getAttribute('aria-invalid')).toBe('true');
  };
  /** The person is the admin: the link opens in a new tab, which ends on https://localhost/?code=… (nothing answers there). */
  const consentInNewTab = async () => {
    const [admin] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('link', { name: 'Open the consent page in a new tab' }).click(),
    ]);
    const landed = admin.waitForRequest((r) => r.url().startsWith('https://localhost/'), SLOW);
    await signInAndAccept(admin, ALICE, LOCAL_PASSWORD);
    const address = (await landed).url();
    expect(address).toMatch(/^https:\/\/localhost\/\?code=/);
    await admin.close();
    return address;
  };
  /** Moves focus by Tab only (at most 20 presses) to the button or link with this text, and asserts it got there. */
  const tabTo = async (name: string) => {
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      if ((await page.locator('*:focus').textContent())?.trim() === name) return;
    }
    throw new Error(`Tab never reached "${name}"`);
  };

  /** Moves focus by Tab only (at most 10 presses) to the input with this id. */
  const tabToField = async (id: string) => {
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      if ((await focusedId()) === id) return;
    }
    throw new Error(`Tab never reached #${id}`);
  };
  /** Every link on the page to the partner guide lands on one of its headings, in the page the wizard's build serves. */
  const expectLinksToGuideResolve = async () => {
    const links: string[] = await page.evaluate(`[...document.querySelectorAll('a.guide-link')].map((a) => a.href)`);
    expect(links.length).toBeGreaterThan(2);
    for (const href of links) {
      const url = new URL(href);
      expect(url.pathname).toBe('/partner-setup.html');
      const guide = await (await fetch(url)).text();
      expect(guide).toContain(`id="${url.hash.slice(1)}"`);
    }
  };

  /** Bob (Contoso, without the write role) signs in to the wizard in a browser context of his own. */
  const signInAsBob = async () => {
    const viewer = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB' });
    const bobPage = await viewer.newPage();
    await bobPage.goto(stack.webUrl);
    await bobPage.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    await signInAndAccept(bobPage, BOB, LOCAL_PASSWORD);
    return { viewer, bobPage };
  };

  beforeAll(async () => {
    if (!existsSync(path.join(REPO_ROOT, 'web', 'dist', 'index.html')))
      throw new Error('The wizard is not built: npm run build:web (npm test builds it)');
    stack = await startStack();
    browser = await launchChromium();
    // The stand-ins' certificate is self-signed; a person accepts it once (README), the test browser is told to.
    context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(stack.webUrl).origin });
    page = await context.newPage();
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/oauth2/v2.0/token')) tokenRequests.push(r.url());
      if (r.url().startsWith(`${stack.webUrl.replace(/\/$/, '')}/api/`)) apiRequests.push(r.url());
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) policyViolations.push(message.text());
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('signs in, goes through the three steps and the e-mailed consent, and shows the account with its health', async () => {
    await page.goto(stack.webUrl);
    await heading('Register your Azure CSP payer account').waitFor();
    // The hints about the local stand-ins are folded away.
    expect(await page.locator('details.local-hint').getAttribute('open')).toBeNull();
    await screenshot(page, '01-sign-in');
    await page.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    await page.waitForURL(`${stack.entra.url}/**`);
    await screenshot(page, '02-entra-sign-in');
    await signInAndAccept(page, ALICE, LOCAL_PASSWORD);

    // Step 1, by keyboard only: the heading has focus, Tab reaches the name (past the guide's link), Enter submits;
    // the name typed survives a reload.
    await heading('Step 1 of 3: Basic details').waitFor(SLOW);
    expect(await focusedId()).toBe('view-heading');
    await tabToField('field-accountName');
    await page.keyboard.type('Contoso CSP');
    await page.reload();
    await heading('Step 1 of 3: Basic details').waitFor(SLOW);
    expect(await page.getByLabel('Account name').inputValue()).toBe('Contoso CSP');
    await screenshot(page, '03-basic-details');
    await tabToField('field-accountName');
    await page.keyboard.press('Enter');

    // Step 2: each field is checked as it is left, in its own label's words.
    await heading('Step 2 of 3: Partner Center credentials').waitFor(SLOW);
    expect(await unlabelledInputs(page)).toEqual([]);
    await page.getByLabel('Application (client) ID').fill('my-app');
    await page.getByLabel('Domain or Directory (tenant) ID').focus();
    expect(await fieldError('applicationId').textContent()).toMatch(/^Application \(client\) ID must be a GUID like /);
    await page.getByLabel('Domain or Directory (tenant) ID').fill(ALICE);
    await page.getByLabel('Client secret value').focus();
    expect(await fieldError('domain').textContent()).toMatch(
      /^Domain or Directory \(tenant\) ID must be the domain alone/,
    );
    // Sending with three things wrong: a summary at the top lists them, linked to their fields, and takes focus.
    await page.getByRole('button', { name: 'Verify credentials' }).click();
    const summary = page.getByRole('alert').filter({ hasText: '3 things to fix' });
    await summary.waitFor();
    expect(await focusedId()).toBeNull(); // the summary (no id) has focus, not a field
    expect(await page.evaluate(`document.activeElement.getAttribute('role')`)).toBe('alert');
    expect(await summary.getByRole('link').allTextContents()).toEqual([
      expect.stringMatching(/^Application \(client\) ID must be/),
      expect.stringMatching(/^Domain or Directory \(tenant\) ID must be/),
      'Client secret value is required.',
    ]);
    await screenshot(page, '04-partner-center-credentials-errors');
    await summary.getByRole('link', { name: /^Client secret value/ }).click();
    expect(await focusedId()).toBe('field-secret');
    // Fixed values take their errors back; they survive a reload, the secret never does.
    await page.getByLabel('Application (client) ID').fill(PC_APP);
    expect(await fieldError('applicationId').isHidden()).toBe(true);
    await page.getByLabel('Domain or Directory (tenant) ID').fill('contoso.example');
    await page.getByLabel('Client secret value').fill(VALID_SECRET);
    await page.reload();
    await heading('Step 2 of 3: Partner Center credentials').waitFor(SLOW);
    expect(await page.getByLabel('Application (client) ID').inputValue()).toBe(PC_APP);
    expect(await page.getByLabel('Domain or Directory (tenant) ID').inputValue()).toBe('contoso.example');
    expect(await page.getByLabel('Client secret value').inputValue()).toBe('');
    expect(await keptByWizard()).toContain(PC_APP);
    // The secret can be shown to check what was pasted, and hidden again.
    await page.getByLabel('Client secret value').fill(SECRET_ID);
    expect(await keptByWizard()).not.toContain(SECRET_ID);
    await page.getByRole('button', { name: 'Show secret' }).click();
    expect(await page.locator('#field-secret').getAttribute('type')).toBe('text');
    await page.getByRole('button', { name: 'Hide secret' }).click();
    expect(await page.locator('#field-secret').getAttribute('type')).toBe('password');
    // The secret's ID instead of its value is refused (by Microsoft, through the API) next to the secret field.
    await page.getByRole('button', { name: 'Verify credentials' }).click();
    await expectSecretRefused('Client secret value', /value/i);
    await screenshot(page, '05-partner-center-secret-refused');
    await page.getByLabel('Client secret value').fill(VALID_SECRET);
    await page.getByRole('button', { name: 'Verify credentials' }).click();

    // Step 3: the verified company, the setup checklist (open until ticked), copy buttons, the admin's e-mail.
    await heading('Step 3 of 3: Partner API consent').waitFor(SLOW);
    expect(await keptByWizard()).not.toContain(VALID_SECRET);
    expect(await page.getByRole('group', { name: 'Verified with Microsoft' }).textContent()).toContain('Contoso Ltd');
    expect(await unlabelledInputs(page)).toEqual([]);
    const checklist = page.locator('#setup-checklist');
    expect(await checklist.getAttribute('open')).toBe('');
    await screenshot(page, '06-partner-api-consent');
    // The checks before consent: what an app-only token proves, and what the partner checks themselves.
    await page.getByRole('button', { name: 'Check my setup' }).click();
    const preflight = page.locator('#preflight-result');
    await preflight.waitFor(SLOW);
    expect(await preflight.locator('li[data-outcome="pass"]').count()).toBe(3);
    expect(await preflight.locator('li[data-outcome="cannotTell"]').count()).toBe(2);
    expect(await preflight.locator('li[data-check="redirectUriPlatform"]').textContent()).toMatch(/under Web/);
    await screenshot(page, '06a-preflight');
    await expectCopies('Copy the redirect URI', `${stack.settings.PUBLIC_BASE_URL}/api/consent/callback`);
    await screenshot(page, '07-partner-api-consent-copied');
    await expectCopies('Copy the Application (client) ID', PC_APP);
    const tenantId = (await page.getByLabel('Directory (tenant) ID', { exact: true }).inputValue()).trim();
    await expectCopies('Copy the Directory (tenant) ID', tenantId);
    await expectLinksToGuideResolve();
    for (const item of [/API permissions/, /redirect URI/, /Admin agent/])
      await checklist.getByRole('checkbox', { name: item }).check();
    expect(await checklist.getAttribute('open')).toBeNull();
    expect(await checklist.locator('summary').textContent()).toContain('(all done)');
    // Checked as it is left: the MPN ID's shape.
    await page.getByLabel('MPN ID (Partner ID)').fill('12ab');
    await page.getByLabel("Admin's e-mail").focus();
    expect(await fieldError('mpnId').textContent()).toBe('MPN ID (Partner ID) must be 5 to 10 digits.');
    await page.getByLabel('MPN ID (Partner ID)').fill('');
    // An address the API will not e-mail (its 422 on adminEmail, answered here at the network edge): the API's
    // message beside the field in the field's words, and a way to get the link without e-mail.
    const refusal = {
      code: 'admin_email_not_allowed',
      field: 'adminEmail',
      message:
        'adminEmail: must be an address of your organization or of the partner tenant; for anyone else, leave it empty and copy the link to them.',
    };
    await page.route('**/api/payer-account/registration/partner-api-credentials', (route) =>
      route.fulfill({
        status: 422,
        contentType: 'application/problem+json',
        body: JSON.stringify({ ...refusal, status: 422, errors: [refusal] }),
      }),
    );
    await page.getByLabel("Admin's e-mail").fill('someone@elsewhere.example');
    await page.getByRole('button', { name: 'Get the consent link' }).click();
    await fieldError('adminEmail').waitFor({ state: 'visible' });
    expect(await fieldError('adminEmail').textContent()).toMatch(
      /^Admin's e-mail must be an address of your organization.*Get the link to copy instead$/,
    );
    expect(await focusedId()).toBe('field-adminEmail');
    await screenshot(page, '08-admin-email-refused');
    await page.unroute('**/api/payer-account/registration/partner-api-credentials');
    await page.getByLabel("Admin's e-mail").fill(ALICE);
    await page.getByRole('button', { name: 'Get the consent link' }).click();
    await heading('Step 3 of 3: Waiting for consent').waitFor(SLOW);
    expect(await page.getByText(`We sent the consent link to ${ALICE}`).isVisible()).toBe(true);
    expect(await page.getByRole('status').filter({ hasText: 'Waiting for the admin' }).isVisible()).toBe(true);
    const consentLink = await page
      .getByRole('link', { name: 'Open the consent page in a new tab' })
      .getAttribute('href');
    await expectCopies('Copy the consent link', consentLink!);
    await screenshot(page, '09-waiting-for-consent');

    // The admin opens the e-mail in the local inbox and consents at the stand-in; Octo's page says so, in the
    // product's look, with a way to the wizard.
    const [mail] = await stack.maildev.waitForMessages(ALICE, { count: 1, timeoutMs: 15_000 });
    const inbox = await context.newPage();
    await inbox.goto(`${stack.maildev.webUrl}/api/email/${mail.id}/html`);
    await screenshot(inbox, '10-consent-email');
    await inbox.getByRole('link', { name: 'Give consent' }).click();
    await signInAndAccept(inbox, ALICE, LOCAL_PASSWORD, () => screenshot(inbox, '11-entra-consent'));
    await inbox.getByRole('heading', { name: 'Registered' }).waitFor(SLOW);
    const back = inbox.getByRole('link', { name: 'Go to the Octo registration' });
    expect(await back.getAttribute('href')).toBe(`${stack.settings.PUBLIC_BASE_URL}/`);
    expect(await inbox.locator('.brand').textContent()).toContain('Octo');
    await screenshot(inbox, '12-consent-page');
    await inbox.close();

    // The wizard noticed by itself.
    await heading('Payer account: Contoso CSP').waitFor(SLOW);
    const health = page.locator('#health');
    expect(await health.locator('.badge').textContent()).toBe('Healthy');
    expect(await health.textContent()).toMatch(
      /Consent valid until \(estimate\).*Secret expiresUnknown: no expiry date was given/s,
    );
    // Nothing says "not given" and "no" about the same thing.
    expect(await health.textContent()).not.toMatch(/Consent required again|within 30 days(Yes|No)/);
    expect(await page.getByText('Registered. Octo reads').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Deregister this payer account' }).getAttribute('class')).toBe(
      'danger-outline',
    );
    await expectCopies('Copy the Application (client) ID', PC_APP);
    await screenshot(page, '13-registered-account');

    // On a phone (390 px wide) the header and the page fit without sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const header = await page.locator('.site-header').boundingBox();
    expect(header!.width).toBeLessThanOrEqual(390);
    await screenshot(page, '14-registered-account-390px');
    await page.setViewportSize({ width: 1280, height: 720 });

    // The connection, checked now path by path; the support details copied for a Microsoft support ticket.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(stack.webUrl).origin });
    await page.getByRole('button', { name: 'Check connection' }).click();
    const checked = page.locator('#connection-check-result');
    await checked.getByText('Every data path works.').waitFor(SLOW);
    expect(await checked.locator('li[data-outcome="ok"]').count()).toBe(4);
    await page.getByRole('button', { name: 'Copy support details' }).click();
    await page.locator('#support-details-status').getByText('Copied').waitFor(SLOW);
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toContain(
      `Application (client) ID: ${PC_APP}`,
    );
    await screenshot(page, '14a-connection-checked');

    // Coming back later shows the account (and its health) instead of step 1.
    await page.reload();
    await heading('Payer account: Contoso CSP').waitFor(SLOW);
    // One token request (the sign-in's code): every API call since, polls included, used MSAL's cached access token.
    expect(apiRequests.length).toBeGreaterThan(10);
    expect(tokenRequests).toHaveLength(1);
  }, 150_000);

  it('shows a member without the write role the account, but no action (GET /me)', async () => {
    const { viewer, bobPage } = await signInAsBob();
    await bobPage.getByRole('heading', { level: 2, name: 'Payer account: Contoso CSP' }).waitFor(SLOW);
    expect(await bobPage.locator('dl[aria-label="Account details"]').textContent()).toContain('Contoso Ltd');
    expect(await bobPage.locator('#read-only').textContent()).toMatch(/not change it.*PayerAccount\.Manage/s);
    // Copying changes nothing: the only buttons besides Copy and Copy support details.
    expect((await bobPage.getByRole('button').allTextContents()).filter((t) => t !== 'Copy').sort()).toEqual([
      'Copy support details',
      'Sign out',
    ]);
    await screenshot(bobPage, '15-read-only-account');
    await viewer.close();
  });

  it('registers through a sign-in address built by hand for https://localhost, its landing address pasted', async () => {
    const freed = await fetch(`${stack.apiBaseUrl}/payer-account`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await stack.tokenFor(ALICE)}` },
    });
    expect(freed.status).toBe(204);
    await page.goto(stack.webUrl);
    await heading('Step 1 of 3: Basic details').waitFor(SLOW);
    await page.getByRole('button', { name: 'Start registration' }).click();
    await heading('Step 2 of 3: Partner Center credentials').waitFor(SLOW);
    await page.getByLabel('Application (client) ID').fill(PC_APP);
    await page.getByLabel('Domain or Directory (tenant) ID').fill('contoso.example');
    await page.getByLabel('Client secret value').fill(VALID_SECRET);
    await page.getByRole('button', { name: 'Verify credentials' }).click();
    await heading('Step 3 of 3: Partner API consent').waitFor(SLOW);
    await page.getByRole('radio', { name: /https:\/\/localhost/ }).check();
    await page.getByRole('button', { name: 'Get the consent link' }).click();
    await heading('Step 3 of 3: Waiting for consent').waitFor(SLOW);
    // A registration in progress resumes at its step.
    await page.reload();
    await heading('Step 3 of 3: Waiting for consent').waitFor(SLOW);
    // Beside the link: the sign-in address to build by hand for https://localhost (no state, no PKCE).
    await page.getByText('Or build the sign-in address yourself').click();
    const handMade = new URL((await page.locator('#hand-made-url').textContent()) as string);
    expect(handMade.pathname).toMatch(/\/oauth2\/v2\.0\/authorize$/);
    expect(handMade.searchParams.get('redirect_uri')).toBe('https://localhost');
    expect(handMade.searchParams.has('state') || handMade.searchParams.has('code_challenge')).toBe(false);
    await screenshot(page, '15b-hand-made-address');

    // The partner builds the address by hand (as the guide says) instead of opening the link, and the admin signs in.
    const admin = await context.newPage();
    const landed = admin.waitForRequest((r) => r.url().startsWith('https://localhost/'), SLOW);
    await admin.goto(handMade.toString());
    await signInAndAccept(admin, ALICE, LOCAL_PASSWORD);
    const address = (await landed).url();
    expect(address).toMatch(/^https:\/\/localhost\/\?code=/);
    expect(new URL(address).searchParams.has('state')).toBe(false);
    await admin.close();

    await page.getByLabel('The address your browser showed after consent').fill(address);
    await screenshot(page, '16-pasted-address');
    await page.getByRole('button', { name: 'Send the address' }).click();
    await heading('Your Azure CSP payer account').waitFor(SLOW);
    expect(await page.locator('#health .badge').textContent()).toBe('Healthy');
    await screenshot(page, '17-registered-by-pasted-address');
  }, 120_000);

  it('manages the account: a new secret, re-consent after a revocation by the pasted address, deregistration', async () => {
    // The account from the previous test; its actions are reached by keyboard from the heading.
    await heading('Your Azure CSP payer account').waitFor(SLOW);
    expect(await page.getByRole('heading', { level: 3, name: 'Manage the account' }).isVisible()).toBe(true);
    await page.getByRole('heading', { level: 2 }).focus();
    await tabTo('Replace the application secret');
    await page.keyboard.press('Enter');

    // A secret Microsoft refuses: the error beside the secret field, which takes focus; nothing changes.
    await heading('Replace the application secret').waitFor(SLOW);
    expect(await focusedId()).toBe('view-heading');
    expect(await unlabelledInputs(page)).toEqual([]);
    await page.getByLabel('New client secret value').fill('not-the-secret');
    await page.getByRole('button', { name: 'Replace the secret' }).click();
    await expectSecretRefused('New client secret value', /secret/i);
    await screenshot(page, '18-replace-secret-refused');

    // The app's other valid secret, with its expiry date: replaced, and the date shown.
    const expiresAt = new Date(Date.now() + 200 * 24 * 3600_000).toISOString().slice(0, 10);
    const readable = new Date(expiresAt).toLocaleDateString('en-GB', { dateStyle: 'long', timeZone: 'UTC' });
    await page.getByLabel('New client secret value').fill(ROTATED_SECRET);
    await page.getByLabel("New secret's expiry date").fill(expiresAt);
    await page.getByRole('button', { name: 'Replace the secret' }).click();
    await heading('Application secret replaced').waitFor(SLOW);
    expect(await page.locator('#secret-replaced').textContent()).toContain(`It expires on ${readable}`);
    await screenshot(page, '19-secret-replaced');
    await tabTo('Back to the account');
    await page.keyboard.press('Enter');
    await heading('Your Azure CSP payer account').waitFor(SLOW);
    expect(await page.locator('#health').textContent()).toContain(`Secret expires${readable}`);

    // An admin revokes alice's sessions, which revokes all her refresh tokens (the product's and the wizard's); the
    // keep-alive round finds out and starts a re-consent.
    // https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens#token-revocation
    stack.entra.revokeRefreshTokens(ALICE);
    const round = await runKeepAliveRound(stack, () => stack.runFunction('TokenKeepAlive'));
    expect(round).toMatchObject({ runtimeStatus: 'Completed', output: { counts: { reconsentRequired: 1 } } });

    // The wizard's access token outlives the reset (Entra ID does not recall issued access tokens): reloading shows the account at once.
    await page.reload();
    await heading('Your Azure CSP payer account').waitFor(SLOW);
    const required = page.locator('#reconsent-required');
    expect(await required.textContent()).toMatch(/An admin must consent again\..*AADSTS50173/s);
    // The re-consent the keep-alive started (it e-mailed the admin) is shown with its link.
    await page.getByRole('link', { name: 'Open the consent page in a new tab' }).waitFor(SLOW);
    expect(await page.getByText(`We sent the consent link to ${ALICE}`).isVisible()).toBe(true);
    expect(await page.locator('#reconsent-status').textContent()).toBe('Waiting for the admin to consent…');
    expect(await page.locator('#health').textContent()).toContain('StatusFailing An admin must consent again.');
    await screenshot(page, '20-reconsent-required');

    // Re-consent by the pasted address: a new link for https://localhost.
    await page.getByRole('heading', { level: 2 }).focus();
    await tabTo('Ask the admin to consent again');
    await page.keyboard.press('Enter');
    await heading('Ask the admin to consent again').waitFor(SLOW);
    expect(await unlabelledInputs(page)).toEqual([]);
    await page.getByRole('radio', { name: /https:\/\/localhost/ }).check();
    await page.getByRole('button', { name: 'Get the consent link' }).click();
    await heading('Your Azure CSP payer account').waitFor(SLOW);
    const pastedField = page.getByLabel('The address your browser showed after consent');
    await pastedField.waitFor(SLOW);
    const address = await consentInNewTab();
    await pastedField.fill(address);
    await screenshot(page, '21-reconsent-pasted-address');
    await page.getByRole('button', { name: 'Send the address' }).click();
    await page
      .locator('#account-notice')
      .filter({ hasText: 'The admin consented again: the account is healthy.' })
      .waitFor(SLOW);
    expect(await page.locator('#health').textContent()).toMatch(/StatusHealthy.*Consent valid until \(estimate\)/s);
    expect(await page.locator('#reconsent-required').count()).toBe(0);
    await screenshot(page, '22-reconsented');

    // Deregistration asks first, says what goes, and ends at step 1.
    await tabTo('Deregister this payer account');
    await page.keyboard.press('Enter');
    await heading('Deregister the payer account?').waitFor(SLOW);
    expect(await focusedId()).toBe('view-heading');
    expect(await page.locator('main').textContent()).toMatch(/Key Vault.*register again/s);
    await screenshot(page, '23-deregister-confirmation');
    await tabTo('Yes, deregister');
    await page.keyboard.press('Enter');
    await heading('Step 1 of 3: Basic details').waitFor(SLOW);
    const gone = await fetch(`${stack.apiBaseUrl}/payer-account`, {
      headers: { authorization: `Bearer ${await stack.tokenFor(ALICE)}` },
    });
    expect(gone.status).toBe(404);
    await screenshot(page, '24-deregistered');
  }, 120_000);

  it('shows a member without the write role that nothing is registered, then how far a registration has come', async () => {
    const { viewer, bobPage } = await signInAsBob();
    await bobPage.getByRole('heading', { level: 2, name: 'No payer account yet' }).waitFor(SLOW);
    expect(await bobPage.locator('#read-only').textContent()).toContain('PayerAccount.Manage');
    expect(await bobPage.getByRole('button').allTextContents()).toEqual(['Sign out', 'Check again']);

    const alice = { authorization: `Bearer ${await stack.tokenFor(ALICE)}`, 'content-type': 'application/json' };
    expect(
      (await fetch(`${stack.apiBaseUrl}/payer-account/registration`, { method: 'POST', headers: alice, body: '{}' }))
        .status,
    ).toBe(201);
    await bobPage.getByRole('button', { name: 'Check again' }).click();
    await bobPage.getByRole('heading', { level: 2, name: 'Registration in progress' }).waitFor(SLOW);
    expect(await bobPage.locator('#registration-progress').textContent()).toMatch(/step 2 of 3/);
    expect(await bobPage.getByRole('button').allTextContents()).toEqual(['Sign out', 'Check again']);
    await screenshot(bobPage, '25-read-only-registration');
    expect(
      (await fetch(`${stack.apiBaseUrl}/payer-account/registration`, { method: 'DELETE', headers: alice })).status,
    ).toBe(204);
    await viewer.close();
  });

  it('serves the partner guide beside the wizard, in its look, with a way back', async () => {
    const guide = await context.newPage();
    await guide.goto(`${stack.webUrl}partner-setup.html#redirect-uri`);
    await guide
      .getByRole('heading', { level: 1, name: 'Registering your Azure CSP payer account with Octo' })
      .waitFor();
    expect(await guide.locator(':target').textContent()).toBe('Redirect URI');
    expect(await guide.getByRole('link', { name: 'Back to the registration' }).getAttribute('href')).toBe('./');
    // The section the link named, as the partner lands on it (not the whole, long page).
    await guide.screenshot({ path: path.join(SCREENSHOTS, '26-partner-guide.png') });
    await guide.close();
  });

  it('runs only its own scripts and refuses to be framed (Content-Security-Policy)', async () => {
    // Everything above (sign-in, MSAL's token calls, the API, the steps) ran within the policy.
    expect(policyViolations).toEqual([]);
    await page.goto(stack.webUrl);
    await page.locator('h2').first().waitFor(SLOW);
    // Markup slipped into the page (the way an injection would) may not run its inline handler.
    const injectedRan = await page.evaluate(`(async () => {
      document.body.insertAdjacentHTML('beforeend', '<img alt="" src="data:," onerror="window.injected = true">');
      await new Promise((resolve) => setTimeout(resolve, 300));
      return window.injected === true;
    })()`);
    expect(injectedRan).toBe(false);
    expect(policyViolations.join('\n')).toMatch(/inline event handler|script-src/i);

    const framer = await context.newPage();
    await framer.setContent(`<iframe src="${stack.webUrl}"></iframe>`);
    await framer.waitForTimeout(1000);
    const framed = framer.frames().find((f) => f !== framer.mainFrame());
    expect(framed).toBeDefined();
    expect(await framed?.locator('#main').count()).toBe(0);
    await framer.close();
  });

  it('serves no password or secret value to the browser, and logs none', async () => {
    const config = await (await fetch(`${stack.webUrl}config.json`)).text();
    expect(JSON.parse(config)).toMatchObject({ clientId: 'aaaaaaaa-0000-4000-8000-000000000003', apiBaseUrl: '/api' });
    for (const secret of [VALID_SECRET, ROTATED_SECRET, LOCAL_PASSWORD]) {
      expect(config).not.toContain(secret);
      expect(stack.host.output()).not.toContain(secret);
    }
  });
});

/** Inputs a screen reader would announce without a name (run in the page: the tests' own TypeScript has no DOM types). */
function unlabelledInputs(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('input, select, textarea')]
    .filter((el) => el.type !== 'hidden' && el.labels.length === 0 && !el.getAttribute('aria-label'))
    .map((el) => el.outerHTML)`);
}
