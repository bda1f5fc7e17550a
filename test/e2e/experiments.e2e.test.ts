import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchedPage } from '../helpers/browser';
import { callServed } from '../helpers/http';
import { seedSweep } from '../helpers/seedRuns';
import { SEED_HPS, seedTrainingJob, uploadSeedFraud } from '../helpers/seedFraud';
import { serveLathe, type ServedLathe } from '../helpers/serve';

const SHOTS = path.resolve('test-output', 'e2e');
const PYTHON = '/usr/bin/python3';
const SWEEP = 10_000;

let browser: Browser;
let lathe: ServedLathe;

const call = <T>(channel: string, request: unknown): Promise<T> => callServed<T>(lathe, channel, request);

/** The seed POC's training job (its data uploaded to s3://lathe-demo/fraud) with this eta, in experiment fraud-eta. */
function seedJob(name: string, eta: string) {
  return seedTrainingJob(name, { HyperParameters: { ...SEED_HPS, eta }, StoppingCondition: { MaxRuntimeInSeconds: 600 }, ExperimentConfig: { ExperimentName: 'fraud-eta' } });
}

beforeAll(async () => {
  if (!fs.existsSync(path.resolve('out', 'renderer', 'index.html'))) {
    throw new Error('the renderer is not built: run `npx electron-vite build` (scripts/test.sh does it)');
  }
  fs.mkdirSync(SHOTS, { recursive: true });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-e2e-experiments-'));
  uploadSeedFraud(home);
  await seedSweep(home, 'sweep-10k', SWEEP);
  browser = await launchChromium();
  lathe = await serveLathe(home, { LATHE_PYTHON: PYTHON });
}, 180_000);

afterAll(async () => {
  await lathe?.stop();
  await browser?.close();
});

describe('Experiments pane in the browser', () => {
  it('compares two seed-POC runs with different eta: the param diff and both AUC curves on one chart', { timeout: 300_000 }, async () => {
    await call('training.create', seedJob('fraud-eta-02', '0.2'));
    await call('training.create', seedJob('fraud-eta-03', '0.3'));
    for (const name of ['fraud-eta-02', 'fraud-eta-03']) {
      await expect
        .poll(async () => (await call<{ TrainingJobStatus: string; FailureReason?: string }>('training.describe', { TrainingJobName: name })).TrainingJobStatus, { timeout: 240_000, interval: 500 })
        .toBe('Completed');
    }

    const { page, offHost, consoleErrors } = await watchedPage(browser);
    await page.goto(lathe.browserUrl);
    await page.waitForSelector('html[data-app-state="ready"]', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Experiments', exact: true }).click();
    await page.getByTestId('experiment-fraud-eta').click();
    await page.getByTestId('run-row-fraud-eta-02').waitFor();
    await page.getByTestId('run-row-fraud-eta-03').waitFor();
    await page.getByLabel('Select run fraud-eta-02').check();
    await page.getByLabel('Select run fraud-eta-03').check();
    await page.getByRole('button', { name: /^Compare/ }).click();

    const view = page.getByTestId('compare-view');
    await view.waitFor();
    // Only eta differs: identical params are hidden, eta is shown with both values.
    const diff = page.getByTestId('compare-param-diff');
    const differing = diff.locator('tr[data-differs="true"]');
    await expect.poll(() => differing.count()).toBe(1);
    const etaRow = await differing.first().innerText();
    expect(etaRow).toContain('eta');
    expect(etaRow).toContain('0.2');
    expect(etaRow).toContain('0.3');
    expect(await diff.innerText()).not.toContain('max_depth');
    await page.getByLabel('Hide identical').uncheck();
    await expect.poll(() => diff.innerText()).toContain('max_depth');

    // validation:auc of both runs on one chart, drawn.
    const chart = page.getByTestId('compare-chart-validation:auc');
    await expect.poll(() => chart.getAttribute('data-series')).toBe('2');
    await expect.poll(() => chart.locator('.recharts-line').count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('compare-metrics').innerText()).toContain('validation:auc');
    await page.screenshot({ path: path.join(SHOTS, 'experiments-compare.png'), fullPage: true });

    // Back to the runs; one run's detail: its lineage to model.tar.gz and the archive's members.
    await page.keyboard.press('Escape');
    await view.waitFor({ state: 'detached' });
    await page.getByTestId('run-row-fraud-eta-02').click();
    await expect.poll(() => page.getByTestId('run-lineage').innerText()).toContain('model.tar.gz');
    await page.getByTestId('artifact-job-output/model.tar.gz').click();
    const preview = page.getByTestId('artifact-preview');
    await expect.poll(() => preview.getAttribute('data-kind')).toBe('archive');
    expect(await preview.innerText()).toContain('xgboost-model');
    await page.screenshot({ path: path.join(SHOTS, 'experiments-run.png'), fullPage: true });

    expect(offHost).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('scrolls the runs table through 10,000 seeded runs with only the rows in view in the page', { timeout: 120_000 }, async () => {
    const { page, offHost, consoleErrors } = await watchedPage(browser);
    await page.goto(lathe.browserUrl);
    await page.waitForSelector('html[data-app-state="ready"]', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Experiments', exact: true }).click();
    await page.getByTestId('experiment-sweep-10k').click();
    await expect.poll(() => page.getByTestId('runs-count').innerText(), { timeout: 60_000 }).toContain(`${SWEEP} runs`);
    // Newest first: the last seeded run on top.
    await page.getByTestId(`run-row-sweep-${String(SWEEP - 1).padStart(5, '0')}`).waitFor();
    const scroller = page.locator('.runs-scroller');
    const rowsInPage = () => page.locator('tr.run-row').count();
    expect(await rowsInPage()).toBeLessThan(200);

    // Down in steps, as a wheel would, then to the very end: the first run seeded is the last row.
    for (let i = 1; i <= 10; i++) {
      await scroller.evaluate((el, fraction) => (el.scrollTop = el.scrollHeight * fraction), i / 10);
      await page.waitForTimeout(50);
      const row = `run-row-sweep-${String(Math.max(0, Math.round(SWEEP * (1 - i / 10)) - 1)).padStart(5, '0')}`;
      if (i < 10) await expect.poll(() => page.getByTestId(row).count(), { timeout: 10_000 }).toBe(1);
    }
    await page.getByTestId('run-row-sweep-00000').waitFor();
    expect(await rowsInPage()).toBeLessThan(200);
    await page.screenshot({ path: path.join(SHOTS, 'experiments-10k.png') });

    expect(offHost).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
