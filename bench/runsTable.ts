// The runs table with 10,000 runs: runs.search over HTTP, first render after choosing the experiment, and scrolling.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
  const lathe = await serveLathe(home, { LATHE_PYTHON: '/usr/bin/python3' });
  const browser = await launchChromium();
  const search: number[] = [];
  const render: number[] = [];
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
    for (let i = 0; i < runs; i++) {
      const { page } = await watchedPage(browser);
      await page.goto(lathe.browserUrl);
      await page.waitForSelector('html[data-app-state="ready"]', { timeout: 60_000 });
      await page.getByRole('button', { name: 'Experiments', exact: true }).click();
      await page.getByTestId('experiments-list').waitFor();
      const started = performance.now();
      await page.getByTestId('experiment-sweep-10k').click();
      await page.getByTestId('run-row-sweep-09999').waitFor({ timeout: 60_000 });
      render.push(performance.now() - started);
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
    `runs table, ${COUNT} runs: seeding the store ${(seedMs / 1000).toFixed(1)} s; runs.search of all over HTTP median ${median(search).toFixed(0)} ms`,
    `  choosing the experiment to its first row on screen (Chromium): median ${median(render).toFixed(0)} ms (n=${render.length})`,
    `  scrolling, scrollTop set to two painted frames, 95th percentile of 100 steps: median ${median(frames).toFixed(1)} ms`,
  ];
}
