import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.LATHE_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: run scripts/setup.sh test (apt-get install chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

export interface WatchedPage {
  page: Page;
  /** Every request whose host was not 127.0.0.1 (aborted). Must stay empty: Lathe works offline. */
  offHost: string[];
  consoleErrors: string[];
}

/** A page that aborts and records any request leaving 127.0.0.1, and records console errors. */
export async function watchedPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const offHost: string[] = [];
  const consoleErrors: string[] = [];
  // HTTP(S) through page.route; WebSockets (ws:, wss:) bypass it and need routeWebSocket.
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '127.0.0.1') {
      offHost.push(route.request().url());
      return route.abort();
    }
    return route.continue();
  });
  await page.routeWebSocket(/.*/, (ws) => {
    if (new URL(ws.url()).hostname !== '127.0.0.1') {
      offHost.push(ws.url());
      return ws.close();
    }
    ws.connectToServer();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  return { page, offHost, consoleErrors };
}
