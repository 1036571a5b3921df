import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../local/stack';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it), driven headless by playwright-core. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(REPO_ROOT, 'test-output', 'wizard');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No Chromium at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium (or set CHROMIUM_PATH)`,
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** What a person does on the Entra ID stand-in's pages: pick the account, type the password, sign in, Accept. */
export async function signInAndAccept(
  page: Page,
  username: string,
  password: string,
  beforeAccept?: () => Promise<void>,
): Promise<void> {
  await page.getByRole('radio', { name: new RegExp(`\\(${username.replace(/[.]/g, '\\.')}\\)`) }).check();
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Permissions requested' }).waitFor();
  await beforeAccept?.();
  await page.getByRole('button', { name: 'Accept' }).click();
}
