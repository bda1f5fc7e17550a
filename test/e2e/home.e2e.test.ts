import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchedPage } from '../helpers/browser';
import { serveLathe, type ServedLathe } from '../helpers/serve';

const SHOTS = path.resolve('test-output', 'e2e');

let browser: Browser;
let lathe: ServedLathe;

beforeAll(async () => {
  if (!fs.existsSync(path.resolve('out', 'renderer', 'index.html'))) {
    throw new Error('the renderer is not built: run `npx electron-vite build` (scripts/test.sh does it)');
  }
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
  lathe = await serveLathe(fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-e2e-')), { LATHE_PYTHON: '/usr/bin/python3' });
});

afterAll(async () => {
  await lathe?.stop();
  await browser?.close();
});

describe('Lathe in the browser', () => {
  it('shows this machine on Home, opens the command palette, and stays on 127.0.0.1', async () => {
    const { page, offHost, consoleErrors } = await watchedPage(browser);
    await page.goto(lathe.browserUrl);
    await page.waitForSelector('html[data-app-state="ready"]', { timeout: 60_000 });

    await expect.poll(() => page.getByTestId('cpu-cores').first().innerText()).toBe(String(os.cpus().length));
    const memory = `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`;
    expect(await page.getByTestId('memory-total').first().innerText()).toContain(memory);
    const version = execFileSync('/usr/bin/python3', ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).trim();
    const selected = page.getByTestId('python-env-selected');
    await expect.poll(() => selected.innerText()).toContain(version);
    expect(await selected.innerText()).toContain('/usr/bin/python3');
    await page.screenshot({ path: path.join(SHOTS, 'home.png') });

    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog');
    await palette.waitFor({ state: 'visible' });
    await page.keyboard.type('settings');
    await page.screenshot({ path: path.join(SHOTS, 'palette.png') });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Settings' }).waitFor({ state: 'visible' });
    await expect.poll(() => palette.count()).toBe(0);

    expect(offHost).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('refuses the page without the token', async () => {
    const { page } = await watchedPage(browser);
    const response = await page.goto(lathe.url + '/');
    expect(response?.status()).toBe(401);
    expect(await page.content()).not.toContain('id="root"');
  });
});
