/**
 * Approval gates per group (metric rules and required reports), approval refused until they are
 * met or explicitly overridden, every attempt in the audit trail; registering a model.tar.gz file.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createLathe, type Lathe } from '../../../main/app';
import { tmpDir } from '../../helpers/tmp';
import { RegistryStore } from '../../../main/registry/registryStore';
import { seedJob } from './seedJob';

const PYTHON = '/usr/bin/python3';
const ctx = { transport: 'internal' as const, actor: 'ana' };
let lathe: Lathe | null = null;
afterEach(async () => {
  await lathe?.dispose();
  lathe = null;
});

async function start(serve = false): Promise<Lathe> {
  lathe = await createLathe({ home: tmpDir(), background: false, runJobs: false, ...(serve ? { serve: true, staticDir: null } : {}) });
  return lathe;
}

/** The seed POC's step 5 registration: the fraud model from its Completed training job, gated. */
async function registerGated(lathe: Lathe): Promise<string> {
  seedJob(lathe, 'fraud-xgb', 'Completed');
  await lathe.router.invoke('registry.createGroup', { ModelPackageGroupName: 'FraudDetectionModels' });
  const { ModelPackageArn } = await lathe.router.invoke('registry.createVersion', {
    ModelPackageGroupName: 'FraudDetectionModels',
    ModelPackageDescription: 'XGBoost Fraud v1.0 - AUC 0.97',
    SourceTrainingJobName: 'fraud-xgb',
  });
  const gates = { ModelPackageGroupName: 'FraudDetectionModels', MetricRules: [{ Metric: 'validation:auc', Op: '>=' as const, Threshold: 0.5 }], RequiredReports: ['evaluation' as const] };
  expect(await lathe.router.invoke('registry.setGates', gates)).toEqual({ ...gates, AutoApprove: false });
  return ModelPackageArn;
}

describe('registry gates', () => {
  it('refuses approval listing the missing evaluation report, then approves once it is filed; the trail shows both', async () => {
    const lathe = await start();
    const arn = await registerGated(lathe);
    expect(await lathe.router.invoke('registry.describeVersion', { ModelPackageName: arn })).toMatchObject({ ModelApprovalStatus: 'PendingManualApproval' });
    expect(await lathe.router.invoke('registry.getGates', { ModelPackageGroupName: 'FraudDetectionModels' })).toMatchObject({ RequiredReports: ['evaluation'] });
    expect(await lathe.router.invoke('registry.checkGates', { ModelPackageArn: arn })).toEqual({ Passed: false, Unmet: ['required evaluation report: none filed for the version'] });

    const before = await lathe.router.invoke('registry.describeVersion', { ModelPackageName: arn });
    const changes: string[] = [];
    lathe.bus.onEvent((name, payload) => name === 'registry.changed' && changes.push((payload as { kind: string }).kind));
    const refused = await lathe.router.call('registry.updateVersion', { ModelPackageArn: arn, ModelApprovalStatus: 'Approved', ApprovalDescription: 'AUC 0.97' }, ctx);
    // The refused attempt changed the trail, so open views hear of it.
    expect(changes).toEqual(['approval-refused']);
    expect(refused).toMatchObject({ ok: false, error: { code: 'failed-precondition', message: expect.stringContaining('required evaluation report') } });
    expect(await lathe.router.invoke('registry.describeVersion', { ModelPackageName: arn })).toEqual(before);

    // What a completed evaluation job files (evaluation.int.test.ts runs the real one).
    new RegistryStore(lathe.store).insertReport(arn, 'evaluation', '2026-01-01T00:00:00.000Z', { format: 'lathe.evaluation/1', metrics: { auc: 0.97, accuracy: 0.99 } });
    expect(await lathe.router.invoke('registry.checkGates', { ModelPackageArn: arn })).toEqual({ Passed: true, Unmet: [] });
    expect(await lathe.router.call('registry.updateVersion', { ModelPackageArn: arn, ModelApprovalStatus: 'Approved', ApprovalDescription: 'AUC 0.97, evaluated' }, ctx)).toMatchObject({ ok: true });
    expect(await lathe.router.invoke('registry.describeVersion', { ModelPackageName: arn })).toMatchObject({ ModelApprovalStatus: 'Approved' });

    const { entries } = await lathe.router.invoke('registry.audit', { ModelPackageArn: arn });
    expect(entries.map((e) => [e.Actor, e.FromStatus, e.ToStatus, e.Comment ?? null, e.Outcome, e.OverrideReason ?? null])).toEqual([
      ['ana', 'PendingManualApproval', 'Approved', 'AUC 0.97', 'refused', null],
      ['ana', 'PendingManualApproval', 'Approved', 'AUC 0.97, evaluated', 'applied', null],
    ]);
  });

  it('lists every unmet condition, and approves over them only with a written override marked in the trail', async () => {
    const lathe = await start();
    const arn = await registerGated(lathe);
    await lathe.router.invoke('registry.setGates', { ModelPackageGroupName: 'FraudDetectionModels', MetricRules: [{ Metric: 'validation:auc', Op: '>', Threshold: 0.99 }], RequiredReports: ['evaluation', 'bias'] });
    const refused = await lathe.router.call('registry.updateVersion', { ModelPackageArn: arn, ModelApprovalStatus: 'Approved' }, ctx);
    expect(refused.ok).toBe(false);
    const message = refused.ok ? '' : refused.error.message;
    for (const unmet of ['validation:auc > 0.99: validation:auc is 0.97', 'required evaluation report', 'required bias report']) expect(message).toContain(unmet);
    expect(await lathe.router.call('registry.updateVersion', { ModelPackageArn: arn, ModelApprovalStatus: 'Approved', LatheOverrideReason: '   ' }, ctx)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });

    const ok = await lathe.router.call('registry.updateVersion', { ModelPackageArn: arn, ModelApprovalStatus: 'Approved', ApprovalDescription: 'ship it', LatheOverrideReason: 'bias review signed off on paper by risk' }, ctx);
    expect(ok).toMatchObject({ ok: true });
    expect(await lathe.router.invoke('registry.describeVersion', { ModelPackageName: arn })).toMatchObject({ ModelApprovalStatus: 'Approved' });
    const { entries } = await lathe.router.invoke('registry.audit', { ModelPackageArn: arn });
    expect(entries.map((e) => [e.Outcome, e.OverrideReason ?? null])).toEqual([
      ['refused', null],
      ['applied', 'bias review signed off on paper by risk'],
    ]);
  });

  it('refuses a gate rule on a metric no version carries, storing no gates', async () => {
    const lathe = await start();
    await registerGated(lathe);
    const before = await lathe.router.invoke('registry.getGates', { ModelPackageGroupName: 'FraudDetectionModels' });
    const result = await lathe.router.call('registry.setGates', { ModelPackageGroupName: 'FraudDetectionModels', MetricRules: [{ Metric: 'validation:f1', Op: '>=', Threshold: 0.8 }], RequiredReports: ['bias'] });
    // An evaluation's metrics may be gated on before the first evaluation runs.
    expect(await lathe.router.call('registry.setGates', { ModelPackageGroupName: 'FraudDetectionModels', MetricRules: [{ Metric: 'evaluation:auc', Op: '>=', Threshold: 0.8 }], RequiredReports: [] })).toMatchObject({ ok: true });
    await lathe.router.invoke('registry.setGates', before);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringContaining('validation:f1') } });
    expect(result.ok ? '' : result.error.message).toContain('validation:auc');
    expect(await lathe.router.invoke('registry.getGates', { ModelPackageGroupName: 'FraudDetectionModels' })).toEqual(before);
    // A fresh group has no versions, so no metrics to gate on yet, and no gates.
    await lathe.router.invoke('registry.createGroup', { ModelPackageGroupName: 'Empty' });
    expect(await lathe.router.call('registry.setGates', { ModelPackageGroupName: 'Empty', MetricRules: [{ Metric: 'validation:auc', Op: '>=', Threshold: 0.5 }], RequiredReports: [] })).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(await lathe.router.invoke('registry.getGates', { ModelPackageGroupName: 'Empty' })).toEqual({ ModelPackageGroupName: 'Empty', MetricRules: [], RequiredReports: [], AutoApprove: false });
  });

  it('registers a model.tar.gz file by file:// or s3:// with lineage, and refuses one that is not there', async () => {
    const lathe = await start();
    await lathe.router.invoke('registry.createGroup', { ModelPackageGroupName: 'Files' });
    const file = path.join(tmpDir(), 'model.tar.gz');
    fs.writeFileSync(file, 'model');
    const url = pathToFileURL(file).href;
    const { ModelPackageArn } = await lathe.router.invoke('registry.createVersion', { ModelPackageGroupName: 'Files', InferenceSpecification: { Containers: [{ Image: 'lathe-xgboost:local', ModelDataUrl: url }] } });
    expect(lathe.experiments.lineageOf({ kind: 'model-version', id: ModelPackageArn })).toContainEqual({ from: { kind: 'model-artifact', id: url }, to: { kind: 'model-version', id: ModelPackageArn }, relation: 'input' });

    fs.mkdirSync(path.join(lathe.home, 's3', 'models'), { recursive: true });
    fs.writeFileSync(path.join(lathe.home, 's3', 'models', 'fraud.tar.gz'), 'model');
    const s3 = await lathe.router.invoke('registry.createVersion', { ModelPackageGroupName: 'Files', InferenceSpecification: { Containers: [{ Image: 'x', ModelDataUrl: 's3://models/fraud.tar.gz' }] } });
    expect(lathe.experiments.lineageOf({ kind: 'model-version', id: s3.ModelPackageArn })).toContainEqual(expect.objectContaining({ from: { kind: 'model-artifact', id: 's3://models/fraud.tar.gz' } }));

    const missing = path.join(path.dirname(file), 'nope.tar.gz');
    for (const bad of [pathToFileURL(missing).href, 's3://models/nope.tar.gz', pathToFileURL(path.dirname(file)).href]) {
      const result = await lathe.router.call('registry.createVersion', { ModelPackageGroupName: 'Files', InferenceSpecification: { Containers: [{ Image: 'x', ModelDataUrl: bad }] } });
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringContaining('InferenceSpecification.Containers[0].ModelDataUrl') } });
    }
    const result = await lathe.router.call('registry.createVersion', { ModelPackageGroupName: 'Files', InferenceSpecification: { Containers: [{ Image: 'x', ModelDataUrl: pathToFileURL(missing).href }] } });
    expect(result.ok ? '' : result.error.message).toContain(missing);
    expect((await lathe.router.invoke('registry.listVersions', { ModelPackageGroupName: 'Files' })).ModelPackageSummaryList).toHaveLength(2);
  });

  it("refuses boto3's update_model_package over unmet gates with a ValidationException", async () => {
    const lathe = await start(true);
    const arn = await registerGated(lathe);
    const script = `
import boto3, json, os
from botocore.exceptions import ClientError
sm = boto3.client("sagemaker", endpoint_url=os.environ["LATHE_URL"], region_name="us-east-1",
                  aws_access_key_id="lathe", aws_secret_access_key=os.environ["LATHE_SECRET"])
try:
    sm.update_model_package(ModelPackageArn=os.environ["ARN"], ModelApprovalStatus="Approved", ApprovalDescription="AUC 0.97")
    print(json.dumps({"error": None}))
except ClientError as e:
    print(json.dumps({"error": e.response["Error"]["Code"], "message": e.response["Error"]["Message"]}))
`;
    const output = await new Promise<string>((resolve, reject) =>
      execFile(PYTHON, ['-c', script], { env: { PATH: '/usr/bin:/bin', HOME: lathe.home, LATHE_URL: lathe.url!, LATHE_SECRET: lathe.token, ARN: arn, AWS_EC2_METADATA_DISABLED: 'true' }, timeout: 120_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    expect(JSON.parse(output)).toEqual({ error: 'ValidationException', message: expect.stringContaining('required evaluation report') });
    expect(await lathe.router.invoke('registry.describeVersion', { ModelPackageName: arn })).toMatchObject({ ModelApprovalStatus: 'PendingManualApproval' });
    expect((await lathe.router.invoke('registry.audit', { ModelPackageArn: arn })).entries).toMatchObject([{ Actor: 'sagemaker', Outcome: 'refused' }]);
  });
});
