/**
 * The seed POC's step 5 end to end, for real: the XGBoost fraud job trains, its model is
 * registered in FraudDetectionModels behind a gate, approval is refused until the evaluation job
 * (python -m lathe.evaluate) has run, and then granted; the same through Debian's boto3. The
 * evaluation's and explainability's numbers are checked against scikit-learn and xgboost run
 * directly on the same model and test set.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLathe, type Lathe } from '../../../main/app';
import type { EvaluationJob, FiledReport } from '../../../main/contract/registry';
import { pythonResourcesDir } from '../../../main/system/resources';
import { seedTrainingJob, uploadSeedFraud } from '../../helpers/seedFraud';

const PYTHON = '/usr/bin/python3';
const FEATURES = ['amount', 'hour', 'merchant_risk', 'velocity_24h'];
const MODEL_URI = 's3://lathe-demo/fraud/output/fraud-xgb/output/model.tar.gz';
const ctx = { transport: 'internal' as const, actor: 'ana' };

let lathe: Lathe;

function python(script: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(PYTHON, ['-c', script], { env: { PATH: '/usr/bin:/bin', HOME: lathe.home, AWS_EC2_METADATA_DISABLED: 'true', NO_PROXY: '127.0.0.1', PYTHONPATH: pythonResourcesDir(), ...env }, timeout: 120_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Waits for the evaluation job to end and answers how it ended. */
async function evaluated(arn: string, name: string): Promise<EvaluationJob> {
  const { Evaluations } = await until(
    () => lathe.router.invoke('registry.evaluations', { ModelPackageArn: arn }),
    (r) => r.Evaluations.some((e) => e.ProcessingJobName === name && e.Status !== 'InProgress'),
    `evaluation ${name}`,
  );
  return Evaluations.find((e) => e.ProcessingJobName === name)!;
}

/** Registers the fraud job's model in `group` as estimator.register does, gated as the seed's SOP-05 asks. */
async function registerGated(group: string): Promise<string> {
  await lathe.router.invoke('registry.createGroup', { ModelPackageGroupName: group });
  const { ModelPackageArn } = await lathe.router.invoke('registry.createVersion', {
    ModelPackageGroupName: group,
    ModelPackageDescription: 'XGBoost Fraud v1.0 - AUC 0.97',
    SourceTrainingJobName: 'fraud-xgb',
    InferenceSpecification: { Containers: [{ Image: 'xgboost', ModelDataUrl: MODEL_URI }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] },
  });
  await lathe.router.invoke('registry.setGates', { ModelPackageGroupName: group, MetricRules: [{ Metric: 'validation:auc', Op: '>=', Threshold: 0.5 }], RequiredReports: ['evaluation'] });
  return ModelPackageArn;
}

beforeAll(async () => {
  // One home for the whole file (tmpDir's are removed after each test): the job trains once.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-test-registry-'));
  uploadSeedFraud(home);
  fs.writeFileSync(path.join(home, 's3', 'lathe-demo', 'semicolons.csv'), '0;1.5;3;0.2;1\n1;2.5;4;0.9;2\n');
  lathe = await createLathe({ home, serve: true, staticDir: null, background: false, stopJobsOnDispose: true, stopGraceSeconds: 1, env: { ...process.env, LATHE_PYTHON: PYTHON } });
  await lathe.router.invoke('training.create', seedTrainingJob('fraud-xgb', { StoppingCondition: { MaxRuntimeInSeconds: 600 } }));
  const job = await until(() => lathe.router.invoke('training.describe', { TrainingJobName: 'fraud-xgb' }), (j) => j.TrainingJobStatus !== 'InProgress', 'the fraud job');
  expect(job.TrainingJobStatus).toBe('Completed');
}, 180_000);

afterAll(async () => {
  await lathe?.dispose();
  if (lathe) fs.rmSync(lathe.home, { recursive: true, force: true });
});

describe("the seed POC's step 5", () => {
  it('refuses approval until the evaluation job has run, then approves; the audit shows both attempts', { timeout: 180_000 }, async () => {
    const arn = await registerGated('FraudDetectionModels');
    expect(await lathe.router.invoke('registry.describeVersion', { ModelPackageName: arn })).toMatchObject({
      ModelPackageVersion: 1,
      ModelApprovalStatus: 'PendingManualApproval',
      ModelPackageDescription: 'XGBoost Fraud v1.0 - AUC 0.97',
      InferenceSpecification: { SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] },
    });
    const refused = await lathe.router.call('registry.updateVersion', { ModelPackageArn: arn, ModelApprovalStatus: 'Approved', ApprovalDescription: 'AUC above 0.5' }, ctx);
    expect(refused).toMatchObject({ ok: false, error: { code: 'failed-precondition', details: { Unmet: ['required evaluation report: none filed for the version'] } } });

    const started = await lathe.router.invoke('registry.evaluate', { ModelPackageArn: arn, TestDataUrl: 's3://lathe-demo/fraud/test', FeatureNames: FEATURES, Facet: { NameOrIndex: 'merchant_risk', Threshold: 0.5 } });
    expect(await evaluated(arn, started.ProcessingJobName)).toMatchObject({ Status: 'Completed', Reports: ['evaluation', 'explainability', 'bias'] });
    const evidence = await lathe.router.invoke('registry.evidence', { ModelPackageArn: arn });
    expect(evidence.GateCheck).toEqual({ Passed: true, Unmet: [] });
    expect(evidence.Reports.map((r) => r.Kind)).toEqual(['evaluation', 'explainability', 'bias']);

    expect(await lathe.router.call('registry.updateVersion', { ModelPackageArn: arn, ModelApprovalStatus: 'Approved', ApprovalDescription: 'AUC above 0.5, evaluated' }, ctx)).toMatchObject({ ok: true });
    expect(await lathe.router.invoke('registry.describeVersion', { ModelPackageName: arn })).toMatchObject({ ModelApprovalStatus: 'Approved', ApprovalDescription: 'AUC above 0.5, evaluated' });
    const { entries } = await lathe.router.invoke('registry.audit', { ModelPackageArn: arn });
    expect(entries.map((e) => [e.Actor, e.FromStatus, e.ToStatus, e.Comment, e.Outcome])).toEqual([
      ['ana', 'PendingManualApproval', 'Approved', 'AUC above 0.5', 'refused'],
      ['ana', 'PendingManualApproval', 'Approved', 'AUC above 0.5, evaluated', 'applied'],
    ]);

    // A second version of the same model meets the first as its champion: every delta is zero.
    const second = await lathe.router.invoke('registry.createVersion', { ModelPackageGroupName: 'FraudDetectionModels', SourceTrainingJobName: 'fraud-xgb' });
    const next = await lathe.router.invoke('registry.evidence', { ModelPackageArn: second.ModelPackageArn });
    expect(next.Champion).toEqual({ ModelPackageArn: arn, ModelPackageVersion: 1 });
    expect(next.Metrics.find((m) => m.Name === 'validation:auc')).toMatchObject({ ChampionValue: evidence.Metrics.find((m) => m.Name === 'validation:auc')!.Value, Delta: 0 });

    await expectNumbersMatchDirectComputation(evidence.Reports);
  });

  it("runs the same registration and approval from Debian's boto3 sagemaker client", { timeout: 180_000 }, async () => {
    const client = `
import boto3, json, os, sys
from botocore.exceptions import ClientError
sm = boto3.client("sagemaker", endpoint_url=os.environ["LATHE_URL"], region_name="us-east-1",
                  aws_access_key_id="lathe", aws_secret_access_key=os.environ["LATHE_SECRET"])
def approve(arn):
    try:
        sm.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved", ApprovalDescription="evaluated on the holdout")
        return None
    except ClientError as e:
        return e.response["Error"]["Code"]
`;
    const env = { LATHE_URL: lathe.url!, LATHE_SECRET: lathe.token, MODEL: MODEL_URI };
    const register = `${client}
sm.create_model_package_group(ModelPackageGroupName="FraudBoto3", ModelPackageGroupDescription="seed POC via boto3")
arn = sm.create_model_package(ModelPackageGroupName="FraudBoto3", ModelPackageDescription="XGBoost Fraud v1.0 - AUC 0.97",
    ModelApprovalStatus="PendingManualApproval",
    InferenceSpecification={"Containers": [{"Image": "xgboost", "ModelDataUrl": os.environ["MODEL"]}],
                            "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]})["ModelPackageArn"]
print(json.dumps(arn))`;
    const arn = JSON.parse(await python(register, env)) as string;
    expect(arn).toBe('arn:aws:sagemaker:local:000000000000:model-package/fraudboto3/1');
    // Gates are Lathe's own (SageMaker has none to call): the group requires an evaluation.
    await lathe.router.invoke('registry.setGates', { ModelPackageGroupName: 'FraudBoto3', MetricRules: [{ Metric: 'evaluation:auc', Op: '>=', Threshold: 0.5 }], RequiredReports: ['evaluation'] });
    const attempt = `${client}
print(json.dumps(approve(os.environ["ARN"])))`;
    expect(JSON.parse(await python(attempt, { ...env, ARN: arn }))).toBe('ValidationException');

    const started = await lathe.router.invoke('registry.evaluate', { ModelPackageArn: arn, TestDataUrl: 's3://lathe-demo/fraud/test' });
    expect(await evaluated(arn, started.ProcessingJobName)).toMatchObject({ Status: 'Completed' });
    const approve = `${client}
arn = os.environ["ARN"]
result = approve(arn)
listed = sm.list_model_packages(ModelPackageGroupName="FraudBoto3")["ModelPackageSummaryList"]
print(json.dumps({"second": result, "listed": [[p["ModelPackageVersion"], p["ModelApprovalStatus"]] for p in listed],
                  "approved": [p["ModelPackageArn"] for p in sm.list_model_packages(ModelApprovalStatus="Approved")["ModelPackageSummaryList"]]}))`;
    expect(JSON.parse(await python(approve, { ...env, ARN: arn }))).toEqual({ second: null, listed: [[1, 'Approved']], approved: expect.arrayContaining([arn]) });
    const { entries } = await lathe.router.invoke('registry.audit', { ModelPackageArn: arn });
    expect(entries.map((e) => [e.Actor, e.Outcome])).toEqual([
      ['sagemaker', 'refused'],
      ['sagemaker', 'applied'],
    ]);
  });
});

describe('evaluation input Lathe refuses', () => {
  it('says what is wrong before starting anything, and records nothing', async () => {
    await lathe.router.invoke('registry.createGroup', { ModelPackageGroupName: 'BadInput' });
    const { ModelPackageArn: arn } = await lathe.router.invoke('registry.createVersion', { ModelPackageGroupName: 'BadInput', SourceTrainingJobName: 'fraud-xgb' });
    const cases: Array<[unknown, string, string]> = [
      [{ ModelPackageArn: arn, TestDataUrl: 's3://lathe-demo/fraud/test', Reports: ['bias'] }, 'invalid-argument', 'a bias report needs a Facet'],
      [{ ModelPackageArn: arn, TestDataUrl: 's3://lathe-demo/fraud/test', FeatureNames: FEATURES, Facet: { NameOrIndex: 'age', Threshold: 30 } }, 'invalid-argument', 'must be one of FeatureNames'],
      [{ ModelPackageArn: arn, TestDataUrl: 's3://lathe-demo/fraud/test', Facet: { NameOrIndex: 2 } }, 'invalid-argument', 'either Values or a Threshold'],
      [{ ModelPackageArn: arn, TestDataUrl: 's3://lathe-demo/nowhere' }, 'invalid-argument', 'does not exist'],
      [{ ModelPackageArn: arn.replace(/\/1$/, '/9'), TestDataUrl: 's3://lathe-demo/fraud/test' }, 'not-found', 'no model package'],
    ];
    for (const [request, code, message] of cases) {
      expect(await lathe.router.call('registry.evaluate', request, ctx), JSON.stringify(request)).toMatchObject({ ok: false, error: { code, message: expect.stringContaining(message) } });
    }
    expect((await lathe.router.invoke('registry.evaluations', { ModelPackageArn: arn })).Evaluations).toEqual([]);
  });

  it('fails an evaluation on a semicolon-separated test set with the reason, filing no report', { timeout: 120_000 }, async () => {
    await lathe.router.invoke('registry.createGroup', { ModelPackageGroupName: 'Semicolons' });
    const { ModelPackageArn: arn } = await lathe.router.invoke('registry.createVersion', { ModelPackageGroupName: 'Semicolons', SourceTrainingJobName: 'fraud-xgb' });
    const started = await lathe.router.invoke('registry.evaluate', { ModelPackageArn: arn, TestDataUrl: 's3://lathe-demo/semicolons.csv' });
    expect(await evaluated(arn, started.ProcessingJobName)).toMatchObject({ Status: 'Failed', FailureReason: expect.stringContaining('semicolons') });
    expect((await lathe.router.invoke('registry.evidence', { ModelPackageArn: arn })).Reports).toEqual([]);
  });
});

describe('model cards', () => {
  it('start prefilled from the job, are required by a gate until complete, and export escaped', async () => {
    await lathe.router.invoke('registry.createGroup', { ModelPackageGroupName: 'Cards' });
    const { ModelPackageArn: arn } = await lathe.router.invoke('registry.createVersion', { ModelPackageGroupName: 'Cards', SourceTrainingJobName: 'fraud-xgb' });
    await lathe.router.invoke('registry.setGates', { ModelPackageGroupName: 'Cards', MetricRules: [], RequiredReports: ['model-card'] });
    const card = await lathe.router.invoke('registry.getCard', { ModelPackageArn: arn });
    expect(card).toMatchObject({ Saved: false, Complete: false, Missing: ['IntendedUse', 'Limitations', 'EthicalConsiderations'] });
    expect(card.Content.TrainingData).toContain('Trained by job fraud-xgb (xgboost).\n- train: s3://lathe-demo/fraud/train\n- validation: s3://lathe-demo/fraud/test');
    expect(card.Content.Metrics).toMatch(/^- train:auc: 0\.\d+\n- validation:auc: 0\.\d+$/);
    expect(await lathe.router.invoke('registry.checkGates', { ModelPackageArn: arn })).toEqual({ Passed: false, Unmet: ['required model-card report: none filed for the version'] });

    const content = { ...card.Content, IntendedUse: 'Rank <b>card</b> transactions for review', Limitations: 'Synthetic data', EthicalConsiderations: 'No personal data' };
    expect(await lathe.router.call('registry.saveCard', { ModelPackageArn: arn, Content: content }, ctx)).toMatchObject({ ok: true, value: { Saved: true, Complete: true, Missing: [], LastModifiedBy: 'ana' } });
    expect(await lathe.router.invoke('registry.checkGates', { ModelPackageArn: arn })).toEqual({ Passed: true, Unmet: [] });
    const html = await lathe.router.invoke('registry.exportCard', { ModelPackageArn: arn, Format: 'html' });
    expect(html.FileName).toBe('Cards-v1-model-card.html');
    expect(html.Text).toContain('Rank &lt;b&gt;card&lt;/b&gt; transactions');
    const md = await lathe.router.invoke('registry.exportCard', { ModelPackageArn: arn, Format: 'markdown' });
    expect(md.Text).toContain('## Intended use\n\nRank <b>card</b> transactions for review');
    // Emptying a section makes the card incomplete again, and the gate notices.
    await lathe.router.invoke('registry.saveCard', { ModelPackageArn: arn, Content: { ...content, Limitations: ' ' } });
    expect((await lathe.router.invoke('registry.checkGates', { ModelPackageArn: arn })).Passed).toBe(false);
  });
});

/** The reports' numbers against sklearn and xgboost run here on the job's model and the test set. */
async function expectNumbersMatchDirectComputation(reports: FiledReport[]): Promise<void> {
  const script = `
import json, os, tarfile, tempfile
import numpy as np, pandas as pd, xgboost as xgb
from sklearn import metrics
folder = tempfile.mkdtemp()
with tarfile.open(os.environ["MODEL"]) as tar:
    tar.extractall(folder)
booster = xgb.Booster()
booster.load_model(os.path.join(folder, "xgboost-model"))
data = pd.read_csv(os.environ["TEST"], header=None)
y, x = data[0].to_numpy(), data.iloc[:, 1:].to_numpy()
score = booster.predict(xgb.DMatrix(x))
pred = (score > 0.5).astype(int)
fpr, tpr, thresholds = metrics.roc_curve(y, score)
contribs = booster.predict(xgb.DMatrix(x), pred_contribs=True)
d = x[:, 2] > 0.5
q = lambda v, mask: v[mask].mean()
def divide(a, b):
    if b == 0:
        return 0.0 if a == 0 else ("Infinity" if a > 0 else "-Infinity")
    return float(a / b)
print(json.dumps({
  "auc": metrics.roc_auc_score(y, score), "accuracy": metrics.accuracy_score(y, pred),
  "precision": metrics.precision_score(y, pred, zero_division=0), "recall": metrics.recall_score(y, pred, zero_division=0),
  "f1": metrics.f1_score(y, pred, zero_division=0), "confusion": metrics.confusion_matrix(y, pred).tolist(),
  "roc_points": len(fpr), "roc_last_fpr": float(fpr[-1]),
  "importance": np.abs(contribs[:, :-1].astype(np.float64)).mean(axis=0).tolist(),
  "CI": float((np.sum(~d) - np.sum(d)) / len(d)), "DPPL": float(q(pred, ~d) - q(pred, d)), "DI": divide(q(pred, d), q(pred, ~d))}))`;
  const direct = JSON.parse(await python(script, { MODEL: path.join(lathe.home, 's3', 'lathe-demo', 'fraud', 'output', 'fraud-xgb', 'output', 'model.tar.gz'), TEST: path.join(lathe.home, 's3', 'lathe-demo', 'fraud', 'test', 'test.csv') }));
  const body = (kind: string): unknown => reports.find((r) => r.Kind === kind)!.Body;
  const evaluation = body('evaluation') as { metrics: Record<string, number>; confusion_matrix: { matrix: number[][] }; roc: { fpr: number[] }; dataset: { rows: number } };
  expect(evaluation.dataset.rows).toBe(2000);
  for (const name of ['auc', 'accuracy', 'precision', 'recall', 'f1']) expect(evaluation.metrics[name], name).toBeCloseTo(direct[name], 9);
  expect(evaluation.confusion_matrix.matrix).toEqual(direct.confusion);
  expect(evaluation.roc.fpr).toHaveLength(direct.roc_points);
  const explainability = body('explainability') as { method: string; features: Array<{ name: string; importance: number }> };
  expect(explainability.method).toBe('tree-shap');
  for (const [i, name] of FEATURES.entries()) expect(explainability.features.find((f) => f.name === name)!.importance, name).toBeCloseTo(direct.importance[i], 9);
  const bias = body('bias') as { pre_training_bias_metrics: { facets: Record<string, Array<{ metrics: Array<{ name: string; value: number }> }>> }; post_training_bias_metrics: typeof bias.pre_training_bias_metrics };
  const metric = (group: typeof bias.pre_training_bias_metrics, name: string) => group.facets.merchant_risk![0]!.metrics.find((m) => m.name === name)!.value;
  expect(metric(bias.pre_training_bias_metrics, 'CI')).toBeCloseTo(direct.CI, 9);
  expect(metric(bias.post_training_bias_metrics, 'DPPL')).toBeCloseTo(direct.DPPL, 9);
  if (typeof direct.DI === 'string') expect(metric(bias.post_training_bias_metrics, 'DI')).toBe(direct.DI);
  else expect(metric(bias.post_training_bias_metrics, 'DI')).toBeCloseTo(direct.DI, 9);
}
