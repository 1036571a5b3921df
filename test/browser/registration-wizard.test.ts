import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { LOCAL_PASSWORD, REPO_ROOT, startStack, Stack } from '../../local/stack';
import { launchChromium, screenshot, signInAndAccept } from '../support/browser';
import { PC_APP, VALID_SECRET } from '../support/registration-driver';

/**
 * The wizard (web/dist) in Debian's Chromium against the whole local stack, as a person uses it: sign-in at the
 * Entra ID stand-in, the three steps, the consent from the e-mail or by the pasted address, the registered account.
 */
const ALICE = 'alice@contoso.example';
const SECRET_ID = 'c0c0c0c0-0000-4000-8000-000000000001';
const SLOW = { timeout: 30_000 };

describe('the registration wizard in a browser', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 2, name });
  const focusedId = () => page.locator('*:focus').getAttribute('id');

  beforeAll(async () => {
    if (!existsSync(path.join(REPO_ROOT, 'web', 'dist', 'index.html'))) throw new Error('The wizard is not built: npm run build:web (npm test builds it)');
    stack = await startStack();
    browser = await launchChromium();
    // The stand-ins' certificate is self-signed; a person accepts it once (README), the test browser is told to.
    context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB' });
    page = await context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('signs in, goes through the three steps and the e-mailed consent, and shows the account with its health', async () => {
    await page.goto(stack.webUrl);
    await heading('Register your Azure CSP payer account').waitFor();
    await screenshot(page, '01-sign-in');
    await page.getByRole('button', { name: 'Sign in with Microsoft' }).click();
    await page.waitForURL(`${stack.entra.url}/**`);
    await screenshot(page, '02-entra-sign-in');
    await signInAndAccept(page, ALICE, LOCAL_PASSWORD);

    // Step 1, by keyboard only: the heading has focus, Tab reaches the name, Enter submits.
    await heading('Step 1 of 3: Basic details').waitFor(SLOW);
    expect(await focusedId()).toBe('view-heading');
    await screenshot(page, '03-step-1');
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('field-accountName');
    await page.keyboard.type('Contoso CSP');
    await page.keyboard.press('Enter');

    // Step 2: the secret's ID instead of its value is refused next to the secret field, which takes focus.
    await heading('Step 2 of 3: Partner Center credentials').waitFor(SLOW);
    expect(await unlabelledInputs(page)).toEqual([]);
    await page.getByLabel('Application (client) ID').fill(PC_APP);
    await page.getByLabel('Domain or Directory (tenant) ID').fill('contoso.example');
    await page.getByLabel('Client secret value').fill(SECRET_ID);
    await page.getByRole('button', { name: 'Verify credentials' }).click();
    const secretError = page.locator('#field-secret-error');
    await secretError.waitFor({ state: 'visible', ...SLOW });
    expect(await secretError.textContent()).toMatch(/value/i);
    expect(await focusedId()).toBe('field-secret');
    expect(await page.getByLabel('Client secret value').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, '04-step-2-secret-error');
    await page.getByLabel('Client secret value').fill(VALID_SECRET);
    await page.getByRole('button', { name: 'Verify credentials' }).click();

    // Step 3: the verified company, the admin's e-mail, the link mailed.
    await heading('Step 3 of 3: Partner API consent').waitFor(SLOW);
    expect(await page.getByRole('group', { name: 'Verified with Microsoft' }).textContent()).toContain('Contoso Ltd');
    expect(await unlabelledInputs(page)).toEqual([]);
    await page.getByLabel('Admin\'s e-mail').fill(ALICE);
    await screenshot(page, '05-step-3');
    await page.getByRole('button', { name: 'Get the consent link' }).click();
    await heading('Step 3 of 3: Waiting for consent').waitFor(SLOW);
    expect(await page.getByText(`We sent the consent link to ${ALICE}`).isVisible()).toBe(true);
    expect(await page.getByRole('status').filter({ hasText: 'Waiting for the admin' }).isVisible()).toBe(true);
    await screenshot(page, '06-waiting-for-consent');

    // The admin opens the e-mail in the local inbox and consents at the stand-in.
    const [mail] = await stack.maildev.waitForMessages(ALICE, { count: 1, timeoutMs: 15_000 });
    const inbox = await context.newPage();
    await inbox.goto(`${stack.maildev.webUrl}/api/email/${mail.id}/html`);
    await screenshot(inbox, '07-consent-email');
    await inbox.getByRole('link', { name: 'Give consent' }).click();
    await signInAndAccept(inbox, ALICE, LOCAL_PASSWORD, () => screenshot(inbox, '08-entra-consent'));
    await inbox.getByRole('heading', { name: 'Consent received' }).waitFor(SLOW);
    await inbox.close();

    // The wizard noticed by itself.
    await heading('Payer account: Contoso CSP').waitFor(SLOW);
    const health = page.locator('#health');
    expect(await health.textContent()).toMatch(/Consent valid until \(estimate\).*Consent required againNo.*Secret expires within 30 daysNo/s);
    expect(await page.getByText('Registered. Octo reads').isVisible()).toBe(true);
    await screenshot(page, '09-registered-account');

    // Coming back later shows the account (and its health) instead of step 1.
    await page.reload();
    await heading('Payer account: Contoso CSP').waitFor(SLOW);
  }, 150_000);

  it('registers through the pasted address when the redirect URI is https://localhost', async () => {
    const freed = await fetch(`${stack.apiBaseUrl}/payer-account`, { method: 'DELETE', headers: { authorization: `Bearer ${await stack.tokenFor(ALICE)}` } });
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

    // The person is the admin: the link opens in a new tab, which ends on https://localhost/?code=… (nothing answers there).
    const [admin] = await Promise.all([context.waitForEvent('page'), page.getByRole('link', { name: 'Open the consent page in a new tab' }).click()]);
    const landed = admin.waitForRequest((r) => r.url().startsWith('https://localhost/'), SLOW);
    await signInAndAccept(admin, ALICE, LOCAL_PASSWORD);
    const address = (await landed).url();
    expect(address).toMatch(/^https:\/\/localhost\/\?code=/);
    await admin.close();

    await page.getByLabel('The address your browser showed after consent').fill(address);
    await screenshot(page, '10-pasted-address');
    await page.getByRole('button', { name: 'Send the address' }).click();
    await heading('Your Azure CSP payer account').waitFor(SLOW);
    expect(await page.locator('#health').textContent()).toContain('Consent required againNo');
    await screenshot(page, '11-registered-by-pasted-address');
  }, 120_000);

  it('serves no password or secret value to the browser, and logs none', async () => {
    const config = await (await fetch(`${stack.webUrl}config.json`)).text();
    expect(JSON.parse(config)).toMatchObject({ clientId: 'aaaaaaaa-0000-4000-8000-000000000003', apiBaseUrl: '/api' });
    for (const secret of [VALID_SECRET, LOCAL_PASSWORD]) {
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
