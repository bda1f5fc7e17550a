// The runs table with 10,000 runs: runs.search over HTTP, first render after choosing the experiment, and scrolling.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { launchChromium, watchedPage } from '../test/helpers/browser';
import { seedSweep } from '../test/helpers/seedRuns';
import { serveLathe } from '../test/helpers/serve';

const COUNT = 10_000;

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? NaN;

export async function runsTableFigures(runs: number): Promise<string[]> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-runs-'));
  const seeded = performance.now();
  const { experimentId } = await seedSweep(home, 'sweep-10k', COUNT);
  const seedMs = performance.now() - seeded;
  // A small experiment to show first, so that the sweep's runs load on the click that is timed.
  await seedSweep(home, 'recent', 2);
  const lathe = await serveLathe(home, { LATHE_PYTHON: '/usr/bin/python3' });
  const browser = await launchChromium();
  const search: number[] = [];
  const overSocket: number[] = [];
  const render: number[] = [];
  const all: number[] = [];
  const frames: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const response = await fetch(`${lathe.url}/api/call/runs.search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${lathe.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ experimentIds: [experimentId], maxResults: 50_000 }),
      });
      await response.arrayBuffer();
      search.push(performance.now() - started);
    }
    // The same over the WebSocket the renderer uses, answer parsed (no browser: what Playwright adds is not counted).
    const socket = new WebSocket(`${lathe.url.replace('http', 'ws')}/api/ws`, { headers: { authorization: `Bearer ${lathe.token}`, origin: lathe.url } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    for (let i = 1; i <= runs; i++) {
      const started = performance.now();
      const answered = new Promise<void>((resolve) => {
        const onMessage = (data: Buffer) => {
          const message = JSON.parse(data.toString()) as { type: string; id?: number };
          if (message.type !== 'result' || message.id !== i) return;
          socket.off('message', onMessage);
          resolve();
        };
        socket.on('message', onMessage);
      });
      socket.send(JSON.stringify({ type: 'call', id: i, channel: 'runs.search', payload: { experimentIds: [experimentId], maxResults: 50_000 } }));
      await answered;
      overSocket.push(performance.now() - started);
    }
    socket.close();
    for (let i = 0; i < runs; i++) {
      const { page } = await watchedPage(browser);
      await page.goto(lathe.browserUrl);
      await page.waitForSelector('html[data-app-state="ready"]', { timeout: 60_000 });
      await page.getByRole('button', { name: 'Experiments', exact: true }).click();
      await page.getByTestId('experiments-list').waitFor();
      await page.getByTestId('experiment-recent').click();
      await page.getByTestId('runs-count').filter({ hasText: /^2 runs$/ }).waitFor();
      // Timed in the page: from the click to the first row of the sweep in the DOM.
      // (A string: this file is compiled without the DOM's types.)
      await page.evaluate(`(() => {
        new MutationObserver((_records, observer) => {
          if (!window.benchRow && document.querySelector('[data-testid="run-row-sweep-09999"]')) window.benchRow = performance.now();
          if (document.querySelector('[data-testid="runs-count"]')?.textContent === '10000 runs') {
            window.benchAll = performance.now();
            observer.disconnect();
          }
        }).observe(document.body, { childList: true, subtree: true, characterData: true });
        window.benchStart = performance.now();
        document.querySelector('[data-testid="experiment-sweep-10k"]').click();
      })()`);
      await page.getByTestId('run-row-sweep-09999').waitFor({ timeout: 60_000 });
      render.push(Number(await page.evaluate('window.benchRow - window.benchStart')));
      await page.getByTestId('runs-count').filter({ hasText: /^10000 runs$/ }).waitFor({ timeout: 60_000 });
      all.push(Number(await page.evaluate('window.benchAll - window.benchStart')));
      // 100 scroll steps through the table, each measured to the next painted frame.
      frames.push(
        await page.locator('.runs-scroller').evaluate(async (el: { scrollTop: number; scrollHeight: number }) => {
          const times: number[] = [];
          for (let step = 1; step <= 100; step++) {
            const t0 = performance.now();
            el.scrollTop = (el.scrollHeight * step) / 100;
            await new Promise((resolve) => (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() => (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() => resolve(null))));
            times.push(performance.now() - t0);
          }
          times.sort((a, b) => a - b);
          return times[Math.floor(times.length * 0.95)]!;
        }),
      );
      await page.context().close();
    }
  } finally {
    await browser.close();
    await lathe.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
  return [
    `runs table, ${COUNT} runs: seeding the store ${(seedMs / 1000).toFixed(1)} s; runs.search of all over HTTP median ${median(search).toFixed(0)} ms, over the WebSocket (answer parsed) median ${median(overSocket).toFixed(0)} ms`,
    `  clicking the experiment to its first rows in the page (the newest 500 runs): median ${median(render).toFixed(0)} ms (n=${render.length}); to all 10,000 loaded (Chromium under Playwright, which copies the 6.7 MB answer over CDP too): median ${median(all).toFixed(0)} ms`,
    `  scrolling, scrollTop set to two painted frames, 95th percentile of 100 steps: median ${median(frames).toFixed(1)} ms`,
  ];
}
