import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchedPage } from '../helpers/browser';
import { callServed } from '../helpers/http';
import { seedTrainingJob, uploadSeedFraud } from '../helpers/seedFraud';
import { serveLathe, type ServedLathe } from '../helpers/serve';

const SHOTS = path.resolve('test-output', 'e2e');
/** The README's picture of the test console: rewritten only when asked (LATHE_DOCS_SCREENSHOTS=1). */
const DOCS_SHOT = path.resolve('docs', 'endpoints-console.png');
const PYTHON = '/usr/bin/python3';
const GROUP = 'FraudDetectionModels';
const JOB = 'fraud-xgb-v1';
const ENDPOINT = 'fraud-detection-prod';

let browser: Browser;
let lathe: ServedLathe;

const call = <T>(channel: string, request: unknown): Promise<T> => callServed<T>(lathe, channel, request);

/** The seed POC's XGBoost training job on s3://lathe-demo/fraud/{train,test}. */
const SEED_JOB = seedTrainingJob(JOB, { StoppingCondition: { MaxRuntimeInSeconds: 600 } });

beforeAll(async () => {
  if (!fs.existsSync(path.resolve('out', 'renderer', 'index.html'))) {
    throw new Error('the renderer is not built: run `npx electron-vite build` (scripts/test.sh does it)');
  }
  fs.mkdirSync(SHOTS, { recursive: true });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-e2e-endpoints-'));
  uploadSeedFraud(home);
  browser = await launchChromium();
  lathe = await serveLathe(home, { LATHE_PYTHON: PYTHON });
}, 180_000);

afterAll(async () => {
  await lathe?.stop();
  await browser?.close();
});

describe('Endpoints pane in the browser', () => {
  it('deploys the approved seed model, answers a test request, and load-tests it', { timeout: 500_000 }, async () => {
    await call('training.create', SEED_JOB);
    await expect
      .poll(async () => {
        const job = await call<{ TrainingJobStatus: string; FailureReason?: string }>('training.describe', { TrainingJobName: JOB });
        if (job.TrainingJobStatus === 'Failed') throw new Error(`the seed training job failed: ${job.FailureReason}`);
        return job.TrainingJobStatus;
      }, { timeout: 240_000, interval: 500 })
      .toBe('Completed');
    await call('registry.createGroup', { ModelPackageGroupName: GROUP, ModelPackageGroupDescription: 'Card fraud models' });
    const { ModelPackageArn } = await call<{ ModelPackageArn: string }>('registry.createVersion', { ModelPackageGroupName: GROUP, ModelPackageDescription: 'XGBoost Fraud v1.0', SourceTrainingJobName: JOB });
    await call('registry.updateVersion', { ModelPackageArn, ModelApprovalStatus: 'Approved', ApprovalDescription: 'reviewed for the endpoint test' });

    const { page, offHost, consoleErrors } = await watchedPage(browser);
    await page.goto(lathe.browserUrl);
    await page.waitForSelector('html[data-app-state="ready"]', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Endpoints', exact: true }).click();
    expect(await page.getByTestId('endpoints-empty').innerText()).toContain('No endpoints yet.');

    // The wizard: the approved version, a name that misses SOP-06 (no -vN), deployed anyway.
    await page.getByRole('button', { name: 'Deploy model…' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Deploy a model' });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByLabel('Approved version').inputValue()).toBe(ModelPackageArn);
    expect(await dialog.getByLabel('Model package group').inputValue()).toBe(GROUP);
    await dialog.getByLabel('Endpoint name').fill(ENDPOINT);
    const warning = dialog.getByTestId('sop-warning');
    await warning.waitFor();
    expect(await warning.innerText()).toContain('end with the version (-v1, -v2, …)');
    expect(await dialog.getByRole('button', { name: 'Use fraud-detection-prod-v1' }).count()).toBe(1);
    await dialog.getByLabel('Workers').fill('2');
    await page.screenshot({ path: path.join(SHOTS, 'endpoints-deploy.png') });
    await dialog.getByRole('button', { name: 'Deploy', exact: true }).click();
    const status = dialog.getByTestId('deploy-endpoint-status');
    await status.waitFor({ timeout: 30_000 });
    await expect
      .poll(
        async () => {
          const text = await status.innerText();
          if (text === 'Failed') throw new Error(`the endpoint failed: ${await dialog.getByTestId('deploy-failure-reason').innerText()}`);
          return text;
        },
        { timeout: 180_000, interval: 250 },
      )
      .toBe('In service');
    expect(await dialog.getByTestId('deploy-progress').innerText()).toContain(`${ENDPOINT} is in service with 2 workers.`);
    await page.screenshot({ path: path.join(SHOTS, 'endpoints-deployed.png') });
    await dialog.getByRole('button', { name: 'Open endpoint' }).click();
    await dialog.waitFor({ state: 'detached' });

    // The endpoint: its variant, and the console prefilled with a row of the training data.
    await page.getByRole('heading', { level: 1, name: ENDPOINT }).waitFor();
    expect(await page.getByTestId('endpoint-status').innerText()).toBe('In service');
    await expect.poll(() => page.getByTestId('endpoint-variant-AllTraffic').innerText()).toContain('2/2');
    const payload = page.getByLabel('Payload');
    await expect.poll(async () => (await payload.inputValue()) !== '' || (await page.getByTestId('console-sample-hint').count()) > 0).toBe(true);
    if ((await payload.inputValue()) === '') await payload.fill('200.0,14,0.85,5');
    expect((await payload.inputValue()).split(',')).toHaveLength(4);
    await page.getByRole('button', { name: 'Send' }).click();
    const response = page.getByTestId('console-response');
    await response.waitFor();
    expect(await response.getAttribute('data-ok')).toBe('true');
    const probability = Number((await page.getByTestId('console-body').innerText()).trim());
    expect(probability).toBeGreaterThanOrEqual(0);
    expect(probability).toBeLessThanOrEqual(1);
    expect(await page.getByTestId('console-variant').innerText()).toBe('AllTraffic');
    expect(await page.getByTestId('console-model-latency').innerText()).toMatch(/^\d[\d.,]* ms$/);
    expect(await page.getByTestId('console-overhead-latency').innerText()).toMatch(/^\d[\d.,]* ms$/);

    // The seed POC's own example, by keyboard: Ctrl+Enter sends; both are in the history.
    await payload.fill('200.0,14,0.85,5');
    await payload.press('Control+Enter');
    await expect.poll(() => page.getByTestId('console-history').locator('tbody tr').count()).toBe(2);
    const seedProbability = Number((await page.getByTestId('console-body').innerText()).trim());
    expect(seedProbability).toBeGreaterThanOrEqual(0);
    expect(seedProbability).toBeLessThanOrEqual(1);
    await page.screenshot({ path: path.join(SHOTS, 'endpoints-console.png') });
    if (process.env.LATHE_DOCS_SCREENSHOTS === '1') await page.screenshot({ path: DOCS_SHOT });

    // 500 requests at concurrency 8: the histogram and percentiles.
    await page.getByRole('tab', { name: 'Load test' }).click();
    const panel = page.getByTestId('load-panel');
    await panel.waitFor();
    expect(await panel.getByLabel('Requests').inputValue()).toBe('500');
    expect(await panel.getByLabel('Concurrency').inputValue()).toBe('8');
    await panel.getByRole('button', { name: 'Run load test' }).click();
    await expect.poll(() => panel.getByTestId('load-progress').innerText(), { timeout: 180_000, interval: 250 }).toBe('500 / 500 · done');
    for (const id of ['load-p50', 'load-p95', 'load-p99']) expect(await panel.getByTestId(id).innerText()).toMatch(/^\d[\d.,]* ms$/);
    const [p50, p95, p99] = await Promise.all(['load-p50', 'load-p95', 'load-p99'].map(async (id) => Number((await panel.getByTestId(id).innerText()).replace(/[^\d.]/g, ''))));
    expect(p50).toBeLessThanOrEqual(p95!);
    expect(p95).toBeLessThanOrEqual(p99!);
    expect(await panel.getByTestId('load-errors').innerText()).toBe('0 of 500');
    expect(Number(await panel.getByTestId('load-rps').innerText())).toBeGreaterThan(0);
    const histogram = panel.getByTestId('latency-histogram');
    expect(await histogram.getAttribute('data-count')).toBe('500');
    await expect.poll(() => histogram.locator('.recharts-bar-rectangle').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'endpoints-load.png') });

    // Back to the list: the endpoint with its badge and variant.
    await page.getByRole('button', { name: 'Back to endpoints' }).click();
    expect(await page.getByTestId(`endpoint-status-${ENDPOINT}`).innerText()).toBe('In service');
    expect(await page.getByTestId(`endpoint-row-${ENDPOINT}`).innerText()).toContain('AllTraffic 2/2 workers');
    await page.screenshot({ path: path.join(SHOTS, 'endpoints-list.png') });

    expect(offHost).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
