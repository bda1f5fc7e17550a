/**
 * The model registry: groups and per-group version numbers, registration from a training job,
 * the approval workflow and its append-only audit trail, typed errors, and the same calls from
 * Debian's boto3 over the SageMaker wire.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLathe, type Lathe } from '../../../main/app';
import type { RegistryChange } from '../../../main/contract/registry';
import { tmpDir } from '../../helpers/tmp';
import { seedJob } from './seedJob';

const PYTHON = '/usr/bin/python3';
let lathe: Lathe | null = null;
afterEach(async () => {
  await lathe?.dispose();
  lathe = null;
});

async function start(serve = false): Promise<Lathe> {
  lathe = await createLathe({ home: tmpDir(), background: false, runJobs: false, ...(serve ? { serve: true, staticDir: null } : {}) });
  // SPEC's ModelDataUrl: registering checks that the model file is on this machine.
  fs.mkdirSync(path.join(lathe.home, 's3', 'demo'), { recursive: true });
  fs.writeFileSync(path.join(lathe.home, 's3', 'demo', 'model.tar.gz'), 'not really a tarball');
  return lathe;
}

const SPEC = { Containers: [{ Image: 'lathe-xgboost:local', ModelDataUrl: 's3://demo/model.tar.gz' }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] };

describe('model registry', () => {
  it('numbers versions 1, 2, 3… per group and lists them with filters and paging', async () => {
    const lathe = await start();
    const changes: RegistryChange[] = [];
    lathe.bus.onEvent((name, payload) => void (name === 'registry.changed' && changes.push(payload as RegistryChange)));
    const { ModelPackageGroupArn } = await lathe.router.invoke('registry.createGroup', { ModelPackageGroupName: 'FraudDetectionModels' });
    expect(ModelPackageGroupArn).toBe('arn:aws:sagemaker:local:000000000000:model-package-group/frauddetectionmodels');
    await lathe.router.invoke('registry.createGroup', { ModelPackageGroupName: 'Churn' });
    const arns: string[] = [];
    for (const group of ['FraudDetectionModels', 'Churn', 'FraudDetectionModels', 'FraudDetectionModels']) {
      arns.push((await lathe.router.invoke('registry.createVersion', { ModelPackageGroupName: group, InferenceSpecification: SPEC })).ModelPackageArn);
    }
    expect(arns.map((a) => a.split('model-package/')[1])).toEqual(['frauddetectionmodels/1', 'churn/1', 'frauddetectionmodels/2', 'frauddetectionmodels/3']);
    const v2 = await lathe.router.invoke('registry.describeVersion', { ModelPackageName: arns[2]! });
    expect(v2).toMatchObject({ ModelPackageGroupName: 'FraudDetectionModels', ModelPackageVersion: 2, ModelPackageStatus: 'Completed', ModelApprovalStatus: 'PendingManualApproval', InferenceSpecification: SPEC });
    const first = await lathe.router.invoke('registry.listVersions', { ModelPackageGroupName: 'FraudDetectionModels', SortBy: 'Name', SortOrder: 'Ascending', MaxResults: 2 });
    expect(first.ModelPackageSummaryList.map((s) => s.ModelPackageVersion)).toEqual([1, 2]);
    const rest = await lathe.router.invoke('registry.listVersions', { ModelPackageGroupName: 'FraudDetectionModels', SortBy: 'Name', SortOrder: 'Ascending', MaxResults: 2, NextToken: first.NextToken! });
    expect(rest).toEqual({ ModelPackageSummaryList: [expect.objectContaining({ ModelPackageVersion: 3 })] });
    expect((await lathe.router.invoke('registry.listVersions', { NameContains: 'chu' })).ModelPackageSummaryList.map((s) => s.ModelPackageArn)).toEqual([arns[1]]);
    expect((await lathe.router.invoke('registry.listGroups', { SortBy: 'Name', SortOrder: 'Ascending' })).ModelPackageGroupSummaryList.map((g) => g.ModelPackageGroupName)).toEqual(['Churn', 'FraudDetectionModels']);
    expect(changes.map((c) => c.kind)).toEqual(['group-created', 'group-created', 'version-created', 'version-created', 'version-created', 'version-created']);
  });

  it('registers a Completed training job with its model, hyperparameters, metrics and lineage', async () => {
    const lathe = await start();
    seedJob(lathe, 'fraud-xgb', 'Completed');
    await lathe.router.invoke('registry.createGroup', { ModelPackageGroupName: 'FraudDetectionModels' });
    const { ModelPackageArn } = await lathe.router.invoke('registry.createVersion', { ModelPackageGroupName: 'FraudDetectionModels', ModelPackageDescription: 'XGBoost Fraud v1.0 - AUC 0.97', SourceTrainingJobName: 'fraud-xgb' });
    const version = await lathe.router.invoke('registry.describeVersion', { ModelPackageName: ModelPackageArn });
    expect(version).toMatchObject({
      ModelApprovalStatus: 'PendingManualApproval',
      InferenceSpecification: { Containers: [{ Image: 'xgboost', ModelDataUrl: 's3://demo/out/fraud-xgb/output/model.tar.gz' }] },
      CustomerMetadataProperties: { max_depth: '5', num_round: '50' },
      SourceTrainingJobName: 'fraud-xgb',
      Evidence: { FinalMetrics: [{ MetricName: 'validation:auc', Value: 0.97 }] },
    });
    const lineage = lathe.experiments.lineageOf({ kind: 'model-version', id: ModelPackageArn });
    expect(lineage).toContainEqual({ from: { kind: 'model-artifact', id: 's3://demo/out/fraud-xgb/output/model.tar.gz' }, to: { kind: 'model-version', id: ModelPackageArn }, relation: 'input' });
  });

  it('records every approval attempt; re-approving a Rejected version without a reason is refused and changes nothing', async () => {
    const lathe = await start();
    await lathe.router.invoke('registry.createGroup', { ModelPackageGroupName: 'Fraud' });
    const { ModelPackageArn } = await lathe.router.invoke('registry.createVersion', { ModelPackageGroupName: 'Fraud', InferenceSpecification: SPEC });
    const ctx = { transport: 'internal' as const, actor: 'ana' };
    expect(await lathe.router.call('registry.updateVersion', { ModelPackageArn, ModelApprovalStatus: 'Rejected', ApprovalDescription: 'no bias report' }, ctx)).toMatchObject({ ok: true });
    const before = await lathe.router.invoke('registry.describeVersion', { ModelPackageName: ModelPackageArn });
    const refused = await lathe.router.call('registry.updateVersion', { ModelPackageArn, ModelApprovalStatus: 'Approved' }, ctx);
    expect(refused).toMatchObject({ ok: false, error: { code: 'failed-precondition', message: expect.stringContaining('ApprovalDescription') } });
    expect(await lathe.router.invoke('registry.describeVersion', { ModelPackageName: ModelPackageArn })).toEqual(before);
    expect(await lathe.router.call('registry.updateVersion', { ModelPackageArn, ModelApprovalStatus: 'Approved', ApprovalDescription: 'bias report added' }, ctx)).toMatchObject({ ok: true });
    const { entries } = await lathe.router.invoke('registry.audit', { ModelPackageArn });
    expect(entries.map((e) => [e.Actor, e.FromStatus, e.ToStatus, e.Comment ?? null, e.Outcome])).toEqual([
      ['ana', 'PendingManualApproval', 'Rejected', 'no bias report', 'applied'],
      ['ana', 'Rejected', 'Approved', null, 'refused'],
      ['ana', 'Rejected', 'Approved', 'bias report added', 'applied'],
    ]);
    expect(await lathe.router.invoke('registry.describeVersion', { ModelPackageName: ModelPackageArn })).toMatchObject({ ModelApprovalStatus: 'Approved', ApprovalDescription: 'bias report added' });
    // The trail is append-only at the SQL level, not only in the service.
    expect(() => lathe.store.db.prepare("UPDATE model_approval_audit SET comment = 'edited'").run()).toThrow(/append-only/);
    expect(() => lathe.store.db.prepare('DELETE FROM model_approval_audit').run()).toThrow(/append-only/);
    expect((await lathe.router.invoke('registry.audit', { ModelPackageArn })).entries).toEqual(entries);
  });

  it('answers an unknown group, a failed job and a duplicate group with typed errors, changing nothing', async () => {
    const lathe = await start();
    seedJob(lathe, 'broken', 'Failed');
    expect(await lathe.router.call('registry.createVersion', { ModelPackageGroupName: 'Nope', InferenceSpecification: SPEC })).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringContaining('Nope') } });
    await lathe.router.invoke('registry.createGroup', { ModelPackageGroupName: 'Fraud' });
    expect(await lathe.router.call('registry.createGroup', { ModelPackageGroupName: 'fraud' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await lathe.router.call('registry.createVersion', { ModelPackageGroupName: 'Fraud', SourceTrainingJobName: 'broken' })).toMatchObject({ ok: false, error: { code: 'failed-precondition', message: expect.stringContaining('Failed') } });
    expect((await lathe.router.invoke('registry.listVersions', {})).ModelPackageSummaryList).toEqual([]);
  });

  it("runs from Debian's boto3: create_model_package_group, create_model_package, update_model_package, list_model_packages", async () => {
    const lathe = await start(true);
    const script = `
import boto3, json, os
sm = boto3.client("sagemaker", endpoint_url=os.environ["LATHE_URL"], region_name="us-east-1",
                  aws_access_key_id="lathe", aws_secret_access_key=os.environ["LATHE_SECRET"])
sm.create_model_package_group(ModelPackageGroupName="FraudDetectionModels", ModelPackageGroupDescription="fraud")
arn = sm.create_model_package(ModelPackageGroupName="FraudDetectionModels", ModelPackageDescription="XGBoost Fraud v1.0 - AUC 0.97",
    InferenceSpecification={"Containers": [{"Image": "lathe-xgboost:local", "ModelDataUrl": "s3://demo/model.tar.gz"}],
                            "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]})["ModelPackageArn"]
sm.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Approved", ApprovalDescription="AUC 0.97")
d = sm.describe_model_package(ModelPackageName=arn)
g = sm.describe_model_package_group(ModelPackageGroupName="FraudDetectionModels")
listed = sm.list_model_packages(ModelPackageGroupName="FraudDetectionModels", ModelApprovalStatus="Approved")["ModelPackageSummaryList"]
print(json.dumps({"arn": arn, "status": d["ModelApprovalStatus"], "version": d["ModelPackageVersion"], "created": type(d["CreationTime"]).__name__,
                  "group": g["ModelPackageGroupArn"], "groups": [x["ModelPackageGroupName"] for x in sm.list_model_package_groups()["ModelPackageGroupSummaryList"]],
                  "listed": [(x["ModelPackageVersion"], x["ModelApprovalStatus"]) for x in listed]}))
`;
    const output = await new Promise<string>((resolve, reject) =>
      execFile(PYTHON, ['-c', script], { env: { PATH: '/usr/bin:/bin', HOME: lathe.home, LATHE_URL: lathe.url!, LATHE_SECRET: lathe.token, AWS_EC2_METADATA_DISABLED: 'true' }, timeout: 120_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    expect(JSON.parse(output)).toEqual({
      arn: 'arn:aws:sagemaker:local:000000000000:model-package/frauddetectionmodels/1',
      status: 'Approved',
      version: 1,
      created: 'datetime',
      group: 'arn:aws:sagemaker:local:000000000000:model-package-group/frauddetectionmodels',
      groups: ['FraudDetectionModels'],
      listed: [[1, 'Approved']],
    });
    const { entries } = await lathe.router.invoke('registry.audit', { ModelPackageArn: 'arn:aws:sagemaker:local:000000000000:model-package/frauddetectionmodels/1' });
    expect(entries).toMatchObject([{ Actor: 'sagemaker', FromStatus: 'PendingManualApproval', ToStatus: 'Approved', Comment: 'AUC 0.97', Outcome: 'applied' }]);
  });
});
