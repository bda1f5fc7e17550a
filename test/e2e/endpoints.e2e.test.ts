import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
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

/** The text Monaco shows (its rendered lines; it renders spaces as no-break spaces). */
async function shownText(editor: Locator): Promise<string> {
  return (await editor.locator('.monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');
}

/** Replaces everything in a Monaco editor the way a person would: click, select all, type. */
async function replaceText(page: Page, editor: Locator, text: string): Promise<void> {
  await editor.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

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
    const workers: string[] = [];
    page.on('worker', (worker) => workers.push(worker.url()));
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

    // The endpoint: its variant, and the console's payload editor: Monaco (bundled, no CDN: the
    // page would have recorded the request), prefilled with a row of the training data.
    await page.getByRole('heading', { level: 1, name: ENDPOINT }).waitFor();
    expect(await page.getByTestId('endpoint-status').innerText()).toBe('In service');
    await expect.poll(() => page.getByTestId('endpoint-variant-AllTraffic').innerText()).toContain('2/2');
    const editor = page.getByTestId('console-payload');
    await expect.poll(() => editor.getAttribute('data-engine'), { timeout: 30_000 }).toBe('monaco');
    await editor.locator('.monaco-editor').waitFor();
    const payload = page.getByLabel('Payload');
    expect(await payload.getAttribute('role')).toBe('textbox');
    expect(await payload.evaluate((node) => node.closest('.monaco-editor') !== null)).toBe(true);
    await expect.poll(() => page.getByTestId('console-sample-source').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByTestId('console-sample-source').innerText()).toContain(`training job ${JOB}`);
    const prefilled = (await editor.getAttribute('data-value')) ?? '';
    expect(prefilled.split(',')).toHaveLength(4);
    expect(prefilled.split(',').every((field) => Number.isFinite(Number(field)))).toBe(true);
    await expect.poll(() => shownText(editor)).toBe(prefilled);
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

    // The seed POC's own example, typed into the editor: Ctrl+Enter sends (once); both are in the history.
    await replaceText(page, editor, '200.0,14,0.85,5');
    await expect.poll(() => editor.getAttribute('data-value')).toBe('200.0,14,0.85,5');
    await expect.poll(() => shownText(editor)).toBe('200.0,14,0.85,5');
    await payload.press('Control+Enter');
    const history = page.getByTestId('console-history').locator('tbody tr');
    await expect.poll(() => history.count()).toBe(2);
    expect(await history.first().locator('td').last().innerText()).toBe('200.0,14,0.85,5');
    const seedProbability = Number((await page.getByTestId('console-body').innerText()).trim());
    expect(seedProbability).toBeGreaterThanOrEqual(0);
    expect(seedProbability).toBeLessThanOrEqual(1);
    await page.screenshot({ path: path.join(SHOTS, 'endpoints-console.png') });
    if (process.env.LATHE_DOCS_SCREENSHOTS === '1') await page.screenshot({ path: DOCS_SHOT });

    // application/json: the editor speaks JSON; its worker (our own file) flags the CSV row as
    // invalid JSON and finds a JSON body valid. Format Document (Ctrl+Shift+I on Linux) lays it out,
    // with edits from the editor worker (our own file too). Esc in the editor is not "back".
    await page.getByLabel('Content type').selectOption('application/json');
    await expect.poll(() => editor.locator('[data-mode-id]').getAttribute('data-mode-id')).toBe('json');
    await expect.poll(() => editor.locator('.squiggly-error').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await replaceText(page, editor, '{"instances": [[1, 2]]}');
    await expect.poll(() => editor.getAttribute('data-value')).toBe('{"instances": [[1, 2]]}');
    await expect.poll(() => editor.locator('.squiggly-error').count(), { timeout: 30_000 }).toBe(0);
    await payload.press('Control+Shift+I');
    await expect.poll(async () => ((await editor.getAttribute('data-value')) ?? '').split('\n').length, { timeout: 30_000 }).toBeGreaterThan(3);
    expect(JSON.parse((await editor.getAttribute('data-value')) ?? '')).toEqual({ instances: [[1, 2]] });
    await payload.press('Escape');
    expect(await page.getByRole('heading', { level: 1, name: ENDPOINT }).count()).toBe(1);
    expect(workers.some((url) => /\/assets\/json\.worker-[\w-]+\.js$/.test(url))).toBe(true);
    expect(workers.some((url) => /\/assets\/editor\.worker-[\w-]+\.js$/.test(url))).toBe(true);
    expect(workers.every((url) => new URL(url).hostname === '127.0.0.1')).toBe(true);

    // Restoring the first request from the history puts its payload back in the editor, as text/csv.
    await history.last().click();
    await expect.poll(() => editor.getAttribute('data-value')).toBe(prefilled);
    await expect.poll(() => shownText(editor)).toBe(prefilled);
    expect(await page.getByLabel('Content type').inputValue()).toBe('text/csv');
    await expect.poll(() => editor.locator('[data-mode-id]').getAttribute('data-mode-id')).toBe('plaintext');
    expect(await history.count()).toBe(2);

    // 500 requests at concurrency 8: the histogram and percentiles. The console's editor leaves with its tab.
    await page.getByRole('tab', { name: 'Load test' }).click();
    await expect.poll(() => page.locator('.monaco-editor').count()).toBe(0);
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

    // Metrics: the load test's 500 requests (and the console's), latencies, the 2 workers over time.
    await page.getByRole('tab', { name: 'Metrics' }).click();
    const metrics = page.getByTestId('endpoint-metrics');
    const row = metrics.getByTestId('metrics-variant-AllTraffic');
    await expect.poll(async () => Number((await row.getByTestId('metrics-invocations').innerText()).replace(/,/g, '')), { timeout: 30_000 }).toBeGreaterThanOrEqual(500);
    expect(await row.getByTestId('metrics-5xx').innerText()).toBe('0');
    for (const id of ['metrics-model-p50', 'metrics-model-p99', 'metrics-overhead-p50', 'metrics-overhead-p99']) expect(await row.getByTestId(id).innerText()).toMatch(/^\d[\d.,]* ms$/);
    const chart = metrics.getByTestId('metrics-chart-AllTraffic');
    expect(Number(await chart.getAttribute('data-invocations'))).toBeGreaterThanOrEqual(500);
    await expect.poll(() => chart.locator('.recharts-line-curve').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await metrics.getByTestId('metrics-workers-AllTraffic').getAttribute('data-workers')).toBe('2');
    await page.screenshot({ path: path.join(SHOTS, 'endpoints-metrics.png') });

    // Logs: one section per worker, with its file and its lines.
    await page.getByRole('tab', { name: 'Logs' }).click();
    const logs = page.getByTestId('endpoint-logs');
    for (const w of [0, 1]) {
      const section = logs.getByTestId(`logs-worker-AllTraffic-${w}`);
      await section.waitFor();
      expect(await section.getByTestId('logs-file').innerText()).toMatch(new RegExp(`/AllTraffic/worker-${w}\\.log$`));
      expect(await section.getByTestId('logs-lines').innerText()).toContain('"event": "ready"');
    }

    // Captured data: off (the wizard deploys without it) and says how to turn it on; then Update…
    // rolls out a config that captures everything, and the next request shows up in the viewer.
    await page.getByRole('tab', { name: 'Captured data' }).click();
    const off = page.getByTestId('captured-off');
    await off.waitFor();
    expect(await off.innerText()).toContain('Data capture is off for this endpoint');
    const serving = await call<{ ProductionVariants: Array<{ ModelName: string }> }>('endpoints.describeConfig', { EndpointConfigName: await page.getByTestId('endpoint-config').innerText() });
    await call('endpoints.createConfig', {
      EndpointConfigName: 'fraud-capture-config',
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: serving.ProductionVariants[0]!.ModelName, InitialInstanceCount: 2 }],
      DataCaptureConfig: { EnableCapture: true, InitialSamplingPercentage: 100, DestinationS3Uri: 's3://lathe-demo/capture', CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }] },
    });
    await page.getByRole('button', { name: 'Update…' }).click();
    const update = page.getByTestId('update-dialog');
    await update.getByLabel('Endpoint config').selectOption('fraud-capture-config');
    await update.getByTestId('update-preview').waitFor();
    await update.getByRole('button', { name: 'Update endpoint' }).click();
    await expect.poll(() => page.getByTestId('endpoint-config').innerText(), { timeout: 120_000 }).toBe('fraud-capture-config');
    await expect.poll(() => page.getByTestId('endpoint-status').innerText(), { timeout: 120_000 }).toBe('In service');
    await page.getByRole('tab', { name: 'Test console' }).click();
    const again = page.getByTestId('console-payload');
    await expect.poll(() => again.getAttribute('data-engine'), { timeout: 30_000 }).toBe('monaco');
    await replaceText(page, again, '200.0,14,0.85,5');
    await expect.poll(() => again.getAttribute('data-value')).toBe('200.0,14,0.85,5');
    const sent = await page.getByTestId('console-history').locator('tbody tr').count();
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByTestId('console-history').locator('tbody tr').count()).toBe(sent + 1);
    expect(await page.getByTestId('console-response').getAttribute('data-ok')).toBe('true');
    await page.getByRole('tab', { name: 'Captured data' }).click();
    const captured = page.getByTestId('captured-table');
    await captured.waitFor({ timeout: 30_000 });
    const record = captured.locator('[data-testid^="captured-row-"]').first();
    expect(await record.getByTestId('captured-input').innerText()).toBe('200.0,14,0.85,5');
    expect(Number(await record.getByTestId('captured-output').innerText())).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'endpoints-captured.png') });

    // Back to the list: the endpoint with its badge and variant.
    await page.getByRole('button', { name: 'Back to endpoints' }).click();
    expect(await page.getByTestId(`endpoint-status-${ENDPOINT}`).innerText()).toBe('In service');
    expect(await page.getByTestId(`endpoint-row-${ENDPOINT}`).innerText()).toContain('AllTraffic 2/2 workers');
    await page.screenshot({ path: path.join(SHOTS, 'endpoints-list.png') });

    expect(offHost).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
