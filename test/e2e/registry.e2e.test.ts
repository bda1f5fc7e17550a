import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchedPage } from '../helpers/browser';
import { callServed } from '../helpers/http';
import { seedTrainingJob, uploadSeedFraud } from '../helpers/seedFraud';
import { serveLathe, type ServedLathe } from '../helpers/serve';

const SHOTS = path.resolve('test-output', 'e2e');
/** The README's picture of the evidence view: rewritten only when asked (LATHE_DOCS_SCREENSHOTS=1). */
const DOCS_SHOT = path.resolve('docs', 'registry-version.png');
const PYTHON = '/usr/bin/python3';
const GROUP = 'FraudDetectionModels';
const JOB = 'fraud-xgb-v1';
const FEATURES = 'amount,hour,merchant_risk,velocity_24h';

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
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-e2e-registry-'));
  uploadSeedFraud(home);
  browser = await launchChromium();
  lathe = await serveLathe(home, { LATHE_PYTHON: PYTHON });
}, 180_000);

afterAll(async () => {
  await lathe?.stop();
  await browser?.close();
});

/** The review dialog of version 1: comment, then Approve. */
async function approve(page: Page, comment: string) {
  await page.getByRole('button', { name: 'Approve…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Review version 1' });
  await dialog.waitFor();
  await dialog.getByLabel('Comment').fill(comment);
  await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
  return dialog;
}

describe('Registry pane in the browser', () => {
  it('reviews a registered seed model: refused over a missing evaluation, evaluated, then approved with its audit trail', { timeout: 400_000 }, async () => {
    await call('training.create', SEED_JOB);
    await expect
      .poll(async () => {
        const job = await call<{ TrainingJobStatus: string; FailureReason?: string }>('training.describe', { TrainingJobName: JOB });
        if (job.TrainingJobStatus === 'Failed') throw new Error(`the seed training job failed: ${job.FailureReason}`);
        return job.TrainingJobStatus;
      }, { timeout: 240_000, interval: 500 })
      .toBe('Completed');
    await call('registry.createGroup', { ModelPackageGroupName: GROUP, ModelPackageGroupDescription: 'Card fraud models' });
    await call('registry.createVersion', { ModelPackageGroupName: GROUP, ModelPackageDescription: 'XGBoost Fraud v1.0 - AUC 0.97', SourceTrainingJobName: JOB });
    await call('registry.setGates', { ModelPackageGroupName: GROUP, MetricRules: [{ Metric: 'validation:auc', Op: '>=', Threshold: 0.5 }], RequiredReports: ['evaluation'] });

    const { page, offHost, consoleErrors } = await watchedPage(browser);
    await page.goto(lathe.browserUrl);
    await page.waitForSelector('html[data-app-state="ready"]', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Registry', exact: true }).click();
    await page.getByTestId(`registry-group-${GROUP}`).click();
    await expect.poll(() => page.getByTestId('registry-version-status-1').innerText()).toBe('Pending approval');
    expect(await page.getByTestId('registry-version-row-1').innerText()).toContain('XGBoost Fraud v1.0 - AUC 0.97');
    expect(await page.getByTestId('registry-gates').innerText()).toContain('validation:auc ≥ 0.5');
    await page.screenshot({ path: path.join(SHOTS, 'registry-group.png') });

    // Version 1: the evidence shows the failed gate.
    await page.getByRole('button', { name: 'Version 1', exact: true }).click();
    await page.getByRole('tab', { name: 'Evidence' }).click();
    const gateCheck = page.getByTestId('registry-gate-check');
    await expect.poll(() => gateCheck.innerText()).toContain('required evaluation report');
    expect(await gateCheck.getAttribute('data-passed')).toBe('false');
    expect(await page.getByTestId('registry-evidence-metrics').innerText()).toContain('validation:auc');

    // Approving now is refused by main, with the list; the attempt stays in the audit trail.
    let dialog = await approve(page, 'first look: the training AUC is high');
    await expect.poll(() => dialog.getByTestId('review-refused').innerText()).toContain('required evaluation report: none filed for the version');
    await page.screenshot({ path: path.join(SHOTS, 'registry-review-refused.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByTestId('registry-version-status').innerText()).toBe('Pending approval');

    // The evaluation on the seed's test set: InProgress, then Completed with its reports.
    await page.getByRole('tab', { name: 'Evaluations' }).click();
    await page.getByRole('textbox', { name: 'Test data' }).fill('s3://lathe-demo/fraud/test');
    await page.getByRole('textbox', { name: 'Feature names (optional)' }).fill(FEATURES);
    await page.getByRole('button', { name: 'Run evaluation' }).click();
    const status = page.getByTestId('evaluation-status');
    await status.first().waitFor();
    await expect
      .poll(
        async () => {
          const text = await status.first().innerText();
          if (text === 'Failed') throw new Error(`the evaluation failed: ${await page.getByTestId('evaluation-failure').innerText()}`);
          return text;
        },
        { timeout: 180_000, interval: 500 },
      )
      .toBe('Completed');
    await page.screenshot({ path: path.join(SHOTS, 'registry-evaluations.png') });

    await page.getByRole('tab', { name: 'Evidence' }).click();
    await expect.poll(() => gateCheck.getAttribute('data-passed'), { timeout: 30_000 }).toBe('true');
    expect(await gateCheck.innerText()).toContain('All gates pass');
    const roc = page.getByTestId('roc-chart');
    await expect.poll(() => roc.locator('.recharts-line').count(), { timeout: 30_000 }).toBe(2);
    expect(Number(await roc.getAttribute('data-points'))).toBeGreaterThan(2);
    expect(await roc.innerText()).toContain('ROC curve');
    const importance = page.getByTestId('importance-chart');
    await expect.poll(() => importance.locator('.recharts-bar-rectangle').count(), { timeout: 30_000 }).toBe(4);
    for (const feature of FEATURES.split(',')) expect(await importance.innerText()).toContain(feature);
    expect(await page.getByTestId('confusion-matrix').innerText()).toContain('Actual \\ Predicted');
    expect(await page.getByTestId('registry-evidence-metrics').innerText()).toContain('evaluation:auc');
    await page.screenshot({ path: path.join(SHOTS, 'registry-evidence.png') });
    if (process.env.LATHE_DOCS_SCREENSHOTS === '1') {
      await page.setViewportSize({ width: 1280, height: 1400 });
      await expect.poll(() => importance.locator('.recharts-bar-rectangle').count()).toBe(4);
      await page.screenshot({ path: DOCS_SHOT });
      await page.setViewportSize({ width: 1280, height: 800 });
    }

    // Approved this time: the badge follows registry.changed, the audit trail has both attempts.
    dialog = await approve(page, 'evaluated on the held-out set; ROC and importances reviewed');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('registry-version-status').innerText()).toBe('Approved');
    await page.getByRole('tab', { name: 'Audit trail' }).click();
    const rows = page.getByTestId('registry-audit').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).getAttribute('data-outcome')).toBe('applied');
    expect(await rows.nth(0).innerText()).toContain('evaluated on the held-out set');
    expect(await rows.nth(1).getAttribute('data-outcome')).toBe('refused');
    expect(await rows.nth(1).innerText()).toContain('first look: the training AUC is high');
    await page.screenshot({ path: path.join(SHOTS, 'registry-audit.png') });

    // Back to the versions: the table's badge says Approved too.
    await page.getByRole('button', { name: 'Back to versions' }).click();
    await expect.poll(() => page.getByTestId('registry-version-status-1').innerText()).toBe('Approved');

    expect(offHost).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
