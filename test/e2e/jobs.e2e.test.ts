import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchedPage } from '../helpers/browser';
import { rawRequest } from '../helpers/http';
import { serveLathe, type ServedLathe } from '../helpers/serve';

const SHOTS = path.resolve('test-output', 'e2e');
const PYTHON = '/usr/bin/python3';
const JOB = 'fraud-xgb-e2e';

let browser: Browser;
let lathe: ServedLathe;
let data: { train: string; test: string };

beforeAll(async () => {
  if (!fs.existsSync(path.resolve('out', 'renderer', 'index.html'))) {
    throw new Error('the renderer is not built: run `npx electron-vite build` (scripts/test.sh does it)');
  }
  fs.mkdirSync(SHOTS, { recursive: true });
  // The seed POC's fraud data, made as the seed makes it: 80/20 split, label first, no header.
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-e2e-fraud-'));
  const written = execFileSync(PYTHON, ['-c', 'import json, sys; from lathe.datasets import write_seed_fraud_csv; print(json.dumps(write_seed_fraud_csv(sys.argv[1])))', folder], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: path.resolve('resources', 'python') },
  });
  data = JSON.parse(written) as { train: string; test: string };
  browser = await launchChromium();
  lathe = await serveLathe(fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-e2e-')), { LATHE_PYTHON: PYTHON });
});

afterAll(async () => {
  await lathe?.stop();
  await browser?.close();
});

/** Sets a hyperparameter whether the form shows it as a list of choices or as a text box. */
async function setHyperparameter(page: Page, name: string, value: string) {
  const field = page.getByTestId(`hp-${name}`);
  if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
  else await field.fill(value);
}

/** How many lines main has in the job's log (training.logs over the loopback API). */
async function logTotal(): Promise<number> {
  const response = await rawRequest(`${lathe.url}/api/call/training.logs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${lathe.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ TrainingJobName: JOB, start: 0, limit: 1 }),
  });
  const result = JSON.parse(response.body) as { ok: boolean; value?: { total: number; complete: boolean } };
  expect(result.ok).toBe(true);
  expect(result.value!.complete).toBe(true);
  return result.value!.total;
}

const points = (page: Page) => page.getByTestId('job-metrics-chart').getAttribute('data-points').then(Number);

describe('Jobs pane in the browser', () => {
  it("runs the seed POC's XGBoost job from the form and watches it complete", { timeout: 240_000 }, async () => {
    const { page, offHost, consoleErrors } = await watchedPage(browser);
    await page.goto(lathe.browserUrl);
    await page.waitForSelector('html[data-app-state="ready"]', { timeout: 60_000 });

    await page.getByRole('button', { name: 'Jobs', exact: true }).click();
    await page.getByTestId('jobs-empty').waitFor();
    await page.getByRole('button', { name: 'New training job' }).click();
    const form = page.getByTestId('create-job-form');
    await form.waitFor();
    await page.getByLabel('Algorithm').selectOption('xgboost');
    await page.getByLabel('Name').fill(JOB);

    // The train channel through the file picker: type the data folder, Enter, choose train.csv.
    await page.getByRole('button', { name: 'Browse for the train data' }).click();
    const picker = page.getByRole('dialog');
    await picker.waitFor();
    await picker.getByTestId('file-picker-input').fill(path.dirname(data.train));
    await picker.getByTestId('file-picker-input').press('Enter');
    await expect.poll(() => picker.getByTestId('file-picker-path').innerText()).toBe(path.dirname(data.train));
    await picker.getByText('train.csv', { exact: true }).click();
    await picker.waitFor({ state: 'detached' });
    expect(await page.getByTestId('channel-path-train').inputValue()).toBe(data.train);
    // Its first rows: the label (0 or 1) first, then the four features.
    const preview = page.getByTestId('channel-preview-train');
    await preview.locator('tr').first().waitFor();
    const firstRow = await preview.locator('tr').first().locator('td').allInnerTexts();
    expect(firstRow).toHaveLength(5);
    expect(['0', '1']).toContain(firstRow[0]);

    await page.getByTestId('channel-path-validation').fill(data.test);
    await page.getByTestId('channel-preview-validation').locator('tr').first().waitFor();

    for (const [name, value] of Object.entries({ num_round: '100', max_depth: '5', eta: '0.2', objective: 'binary:logistic', eval_metric: 'auc', subsample: '0.8' })) {
      await setHyperparameter(page, name, value);
    }
    await page.screenshot({ path: path.join(SHOTS, 'jobs-form.png') });

    // Main is the authority: a validation file that is not there comes back with its words.
    await page.getByTestId('channel-path-validation').fill(`${data.test}.missing`);
    await form.getByRole('button', { name: 'Create training job' }).click();
    await expect.poll(() => page.getByTestId('create-job-error').innerText()).toContain(`${data.test}.missing`);
    expect(await page.getByTestId('channel-path-validation').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('channel-path-validation').fill(data.test);
    await form.getByRole('button', { name: 'Create training job' }).click();

    // The detail opens; the log starts streaming, then the AUC chart is watched while the job runs.
    await page.getByRole('heading', { level: 1, name: JOB }).waitFor({ timeout: 30_000 });
    const log = page.getByTestId('job-log');
    await expect.poll(() => log.innerText(), { timeout: 90_000 }).toMatch(/\S/);
    await page.getByRole('tab', { name: 'Metrics' }).click();
    const chart = page.getByTestId('job-metrics-chart');
    await chart.waitFor();
    const seen: number[] = [];
    const status = page.getByTestId('job-status');
    await expect
      .poll(
        async () => {
          seen.push(await points(page));
          return status.innerText();
        },
        { timeout: 120_000, interval: 100 },
      )
      .toBe('Completed');
    await expect.poll(() => chart.getAttribute('data-series')).toContain('validation:auc');
    // train:auc and validation:auc for each of the 100 rounds.
    await expect.poll(() => points(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(200);
    const counts = [...new Set(seen)];
    process.stdout.write(`metric points seen while the job ran: ${counts.join(' → ')}\n`);
    // Never shrinks; whether an intermediate count is caught depends on how fast this machine trains.
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    await chart.locator('.recharts-line').first().waitFor();
    expect(await page.getByTestId('final-metrics').innerText()).toContain('validation:auc');
    await page.screenshot({ path: path.join(SHOTS, 'jobs.png') });

    // The whole log, with XGBoost's per-round lines, each once (the tail page and the live lines
    // joined without repeats); the search finds them.
    await page.getByRole('tab', { name: 'Log' }).click();
    await expect.poll(() => log.innerText()).toMatch(/validation-auc:\d/);
    const total = await logTotal();
    expect(total).toBeGreaterThan(100);
    await expect.poll(() => page.getByTestId('log-count').innerText()).toBe(`${total} lines`);
    await page.getByLabel('Search the log').fill('validation-auc');
    await expect.poll(() => page.getByTestId('log-count').innerText()).toMatch(/^\d+ matching lines/);
    await page.screenshot({ path: path.join(SHOTS, 'jobs-log.png') });
    await page.getByRole('button', { name: 'Back to jobs' }).click();
    await expect.poll(() => page.getByTestId(`job-row-${JOB}`).innerText()).toContain('Completed');
    await page.screenshot({ path: path.join(SHOTS, 'jobs-list.png') });

    expect(offHost).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
