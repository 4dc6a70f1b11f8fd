import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startPharosProcess,
  type PharosProcess,
} from '../../server/test/helpers/pharos-process.js';
import { launchBrowser, type TestBrowser } from './browser.js';

/**
 * Signing in through the UI of a Pharos with authentication on and no users yet: the first
 * visit creates the owner, an API key is shown once with its OTel settings and works, members
 * can be invited, log-out and log-in work.
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pharos-ui-auth-'));
const OWNER = { email: 'owner@example.com', password: 'a long enough passphrase' };
let pharos: PharosProcess;
let browser: TestBrowser;

beforeAll(async () => {
  [pharos, browser] = await Promise.all([
    startPharosProcess(dataDir, { PHAROS_AUTH: 'on' }),
    launchBrowser(),
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  pharos?.child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Console errors other than the expected 401 of "who am I?" before signing in. */
function unexpectedErrors(): string[] {
  return browser.takeErrors().filter((e) => !/status of 401/.test(e));
}

describe('sign-in pages', () => {
  it('sets up the owner, creates an API key shown once, invites a member, logs out and in', async () => {
    const { page } = browser;
    await page.goto(`${pharos.httpUrl}/`);
    await page.waitForURL(/\/setup$/);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByLabel('Organisation name').fill('Acme');
    await browser.screenshot('auth-setup');
    await page.getByRole('button', { name: 'Create owner account' }).click();
    await page.waitForURL(/\/settings\/api-keys$/);
    await page.getByText('No API keys yet').waitFor();

    await page.getByRole('button', { name: 'Create API key' }).click();
    const dialog = page.getByTestId('create-key-dialog');
    await dialog.getByLabel('Name').fill('checkout-service');
    await dialog.getByRole('checkbox').nth(1).check(); // read, besides the default ingest
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await dialog.getByText('shown only once').waitFor();
    const key = (await dialog.locator('pre').first().textContent())!.trim();
    expect(key.length).toBeGreaterThan(20);
    expect(await dialog.locator('pre').nth(1).textContent()).toContain(
      `OTEL_EXPORTER_OTLP_HEADERS=x-pharos-api-key=${key}`,
    );
    await browser.screenshot('auth-api-key-created');

    // The key works for what its scopes allow.
    const read = await fetch(`${pharos.httpUrl}/api/v1/services`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(read.status).toBe(200);

    // Shown once: after closing, only the prefix remains.
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('api-keys-table').getByText('checkout-service').waitFor();
    expect(await page.content()).not.toContain(key);
    await browser.screenshot('auth-api-keys');

    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByTestId('members-table').getByText(OWNER.email).waitFor();
    await page.getByLabel('Email to invite').fill('viewer@example.com');
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByText(/invite\?token=/).waitFor();
    await browser.screenshot('auth-members');

    await page.getByTestId('account-menu').click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await browser.screenshot('auth-login');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/services/);
    // A new organisation has no data yet: the page says how to send some.
    await page
      .getByTestId('empty-state')
      .getByText('OTEL_EXPORTER_OTLP_ENDPOINT', { exact: false })
      .waitFor();
    await browser.screenshot('auth-services-empty');
    expect(unexpectedErrors()).toEqual([]);
  });

  it('sends a visitor without a session to log in, and back after', async () => {
    const { page } = browser;
    await browser.context.clearCookies();
    await page.goto(`${pharos.httpUrl}/logs?q=service%3Acart`);
    await page.waitForURL(/\/login\?redirect=/);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill('wrong password, long enough');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor(); // the server's message is shown
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/logs\?q=service%3Acart/);
    expect(browser.takeErrors().filter((e) => !/status of 40[13]/.test(e))).toEqual([]);
  });
});
