/**
 * Local endpoints for real: the seed POC's fraud model trained, registered, approved, deployed as
 * fraud-detection-prod and invoked with "200.0,14,0.85,5"; from Lathe's API and from Debian's
 * boto3 (sagemaker and sagemaker-runtime); bad input with SageMaker's errors; two endpoints side
 * by side; an update under traffic that drops nothing; a broken update rolled back; a killed worker
 * replaced.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLathe, type Lathe } from '../../../main/app';
import type { InvokeResult } from '../../../main/contract/endpoints';
import type { Result } from '../../../main/contract/result';
import { pythonResourcesDir } from '../../../main/system/resources';
import { seedTrainingJob, uploadSeedFraud } from '../../helpers/seedFraud';
import { deploy as deployEndpoint, settled as settledEndpoint } from '../../helpers/endpoints';
import { until } from '../../helpers/until';

const PYTHON = '/usr/bin/python3';
const MODEL_URI = 's3://lathe-demo/fraud/output/fraud-xgb/output/model.tar.gz';
const ctx = { transport: 'internal' as const, actor: 'ana' };

let lathe: Lathe;
let approvedArn: string;
let pendingArn: string;

function python(script: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(PYTHON, ['-c', script], { env: { PATH: '/usr/bin:/bin', HOME: lathe.home, AWS_EC2_METADATA_DISABLED: 'true', NO_PROXY: '127.0.0.1', PYTHONPATH: pythonResourcesDir(), ...env }, timeout: 120_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

const settled = (name: string) => settledEndpoint(lathe, name);
const deploy = (name: string, container: Record<string, unknown>, workers = 1) => deployEndpoint(lathe, name, container, workers);

/** What xgboost itself predicts for the seed's row with the fraud job's model. */
async function xgboostPredicts(): Promise<number> {
  const direct = await python(
    `import tarfile, tempfile, os, xgboost as xgb
folder = tempfile.mkdtemp()
with tarfile.open(os.environ["MODEL"]) as tar: tar.extractall(folder)
b = xgb.Booster(); b.load_model(os.path.join(folder, "xgboost-model"))
print(repr(float(b.predict(xgb.DMatrix([[200.0, 14, 0.85, 5]]))[0])))`,
    { MODEL: path.join(lathe.home, 's3', 'lathe-demo', 'fraud', 'output', 'fraud-xgb', 'output', 'model.tar.gz') },
  );
  return Number(direct.trim());
}

const invoke = async (name: string, body: string, extra: Record<string, unknown> = {}) =>
  (await lathe.router.call('endpoints.invoke', { EndpointName: name, Body: body, ContentType: 'text/csv', Accept: 'text/csv', ...extra }, ctx)) as Result<InvokeResult>;

beforeAll(async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-test-endpoints-'));
  uploadSeedFraud(home);
  fs.writeFileSync(path.join(home, 's3', 'lathe-demo', 'broken.tar.gz'), 'not a model archive');
  lathe = await createLathe({ home, serve: true, staticDir: null, background: false, stopJobsOnDispose: true, stopGraceSeconds: 1, env: { ...process.env, LATHE_PYTHON: PYTHON } });
  await lathe.router.invoke('training.create', seedTrainingJob('fraud-xgb'));
  await until(() => lathe.training.describe('fraud-xgb').TrainingJobStatus, (s) => s !== 'InProgress', 'the fraud job');
  await lathe.router.invoke('registry.createGroup', { ModelPackageGroupName: 'FraudDetectionModels' });
  const register = () => lathe.router.invoke('registry.createVersion', { ModelPackageGroupName: 'FraudDetectionModels', ModelPackageDescription: 'XGBoost Fraud v1.0 - AUC 0.97', SourceTrainingJobName: 'fraud-xgb' });
  approvedArn = (await register()).ModelPackageArn;
  pendingArn = (await register()).ModelPackageArn;
  await lathe.router.invoke('registry.updateVersion', { ModelPackageArn: approvedArn, ModelApprovalStatus: 'Approved', ApprovalDescription: 'for the endpoint tests' });
}, 180_000);

afterAll(async () => {
  await lathe?.dispose();
  if (lathe) fs.rmSync(lathe.home, { recursive: true, force: true });
});

describe("the seed POC's deployment", () => {
  it('serves the approved fraud model as fraud-detection-prod and answers what xgboost itself predicts', { timeout: 120_000 }, async () => {
    const refused = await lathe.router.call('endpoints.createModel', { ModelName: 'pending-model', PrimaryContainer: { ModelPackageName: pendingArn } }, ctx);
    expect(refused).toMatchObject({ ok: false, error: { code: 'failed-precondition', message: expect.stringContaining('is PendingManualApproval; only an Approved version can be deployed') } });

    const endpoint = await deploy('fraud-detection-prod', { ModelPackageName: approvedArn }, 2);
    expect(endpoint).toMatchObject({ EndpointStatus: 'InService', ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 2, DesiredInstanceCount: 2, CurrentWeight: 1 }] });
    const answer = await invoke('fraud-detection-prod', '200.0,14,0.85,5');
    expect(answer).toMatchObject({ ok: true, value: { ContentType: expect.stringContaining('text/csv'), InvokedProductionVariant: 'AllTraffic', BodyEncoding: 'utf8' } });
    const probability = Number((answer.ok ? answer.value.Body : '').trim().split(',')[0]);
    expect(probability).toBe(await xgboostPredicts());
    // The console starts from a row of the training data, label dropped: 4 features.
    const sample = await lathe.router.invoke('endpoints.sample', { EndpointName: 'fraud-detection-prod' });
    expect(sample).toMatchObject({ ContentType: 'text/csv', Source: 'train.csv of training job fraud-xgb, first row without its label' });
    expect(sample.Body.split(',')).toHaveLength(4);
    expect((await invoke('fraud-detection-prod', sample.Body)).ok).toBe(true);
    expect(probability).toBeGreaterThan(0);
    expect(probability).toBeLessThan(1);
  });

  it("runs from Debian's boto3: create, describe, invoke with the runtime client, ModelError, update, delete", { timeout: 180_000 }, async () => {
    const script = `
import boto3, json, os, time
kw = dict(endpoint_url=os.environ["LATHE_URL"], region_name="us-east-1", aws_access_key_id="lathe", aws_secret_access_key=os.environ["LATHE_SECRET"])
sm = boto3.client("sagemaker", **kw)
rt = boto3.client("sagemaker-runtime", **kw)
sm.create_model(ModelName="boto-model", ExecutionRoleArn="arn:aws:iam::000000000000:role/lathe",
                PrimaryContainer={"Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", "ModelDataUrl": os.environ["MODEL"]})
try:
    sm.create_model(ModelName="boto-model", ExecutionRoleArn="arn:aws:iam::000000000000:role/lathe", PrimaryContainer={"Image": "xgboost", "ModelDataUrl": os.environ["MODEL"]})
    duplicate = None
except sm.exceptions.ClientError as e:
    duplicate = e.response["Error"]["Code"]
sm.create_endpoint_config(EndpointConfigName="boto-config", ProductionVariants=[{"VariantName": "Primary", "ModelName": "boto-model", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large", "InitialVariantWeight": 1.0}])
sm.create_endpoint(EndpointName="boto-endpoint", EndpointConfigName="boto-config")
def wait():
    while True:
        d = sm.describe_endpoint(EndpointName="boto-endpoint")
        if d["EndpointStatus"] not in ("Creating", "Updating"):
            return d
        time.sleep(0.2)
created = wait()
r = rt.invoke_endpoint(EndpointName="boto-endpoint", Body=b"200.0,14,0.85,5", ContentType="text/csv", Accept="text/csv")
answer = r["Body"].read().decode()
try:
    rt.invoke_endpoint(EndpointName="boto-endpoint", Body=b"200.0,14,0.85", ContentType="text/csv")
    model_error = None
except rt.exceptions.ModelError as e:
    model_error = {"status": e.response["OriginalStatusCode"], "message": e.response["OriginalMessage"]}
sm.create_endpoint_config(EndpointConfigName="boto-config-2", ProductionVariants=[{"VariantName": "Canary", "ModelName": "boto-model", "InitialInstanceCount": 1, "InitialVariantWeight": 1.0}])
sm.update_endpoint(EndpointName="boto-endpoint", EndpointConfigName="boto-config-2")
updated = wait()
after = rt.invoke_endpoint(EndpointName="boto-endpoint", Body=b"200.0,14,0.85,5", ContentType="text/csv")["InvokedProductionVariant"]
sm.delete_endpoint(EndpointName="boto-endpoint")
try:
    rt.invoke_endpoint(EndpointName="boto-endpoint", Body=b"1,2,3,4", ContentType="text/csv")
    gone = None
except rt.exceptions.ClientError as e:
    gone = e.response["Error"]["Code"]
print(json.dumps({"duplicate": duplicate, "status": created["EndpointStatus"], "created": type(created["CreationTime"]).__name__, "variant": r["InvokedProductionVariant"],
                  "answer": answer, "model_error": model_error, "updated": [updated["EndpointStatus"], updated["EndpointConfigName"]], "after": after, "gone": gone,
                  "listed": [e["EndpointName"] for e in sm.list_endpoints()["Endpoints"]]}))
`;
    const out = JSON.parse(await python(script, { LATHE_URL: lathe.url!, LATHE_SECRET: lathe.token, MODEL: MODEL_URI })) as Record<string, unknown>;
    expect(out).toMatchObject({ duplicate: 'ValidationException', status: 'InService', created: 'datetime', variant: 'Primary', updated: ['InService', 'boto-config-2'], after: 'Canary', gone: 'ValidationError' });
    expect(Number((out.answer as string).trim())).toBeGreaterThan(0);
    expect(out.model_error).toEqual({ status: 400, message: expect.stringContaining('the model takes 4 features') });
    expect(out.listed).not.toContain('boto-endpoint');
  });
});

describe('bad input at an endpoint', () => {
  it('answers each with its documented error, and the endpoint keeps serving', { timeout: 120_000 }, async () => {
    await deploy('fraud-bad-input', { Image: 'xgboost', ModelDataUrl: MODEL_URI });
    const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      ['200.0,abc,0.85,5', {}, { code: 'ModelError', status: 400, text: 'not a number' }],
      ['200.0,14,0.85', {}, { code: 'ModelError', status: 400, text: 'the model takes 4 features' }],
      ['200.0,14,0.85,5', { Accept: 'image/png' }, { code: 'ModelError', status: 406, text: 'cannot produce image/png' }],
      ['200.0,14,0.85,5', { ContentType: 'text/x-unknown' }, { code: 'ModelError', status: 415, text: 'not supported' }],
    ];
    for (const [body, extra, want] of cases) {
      const result = await invoke('fraud-bad-input', body, extra);
      expect(result.ok, body).toBe(false);
      const error = result.ok ? null : result.error;
      expect(error?.message).toContain(String(want.text));
      expect(error?.message).toContain(`error (${String(want.status)})`);
      expect(error).toMatchObject({ code: 'failed-precondition', details: { ErrorType: want.code, OriginalStatusCode: want.status } });
    }
    const huge = await invoke('fraud-bad-input', 'x'.repeat(7 * 1024 * 1024));
    expect(huge).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringContaining('over the 6 MiB limit'), details: { ErrorType: 'ValidationError' } } });
    expect(await invoke('no-such-endpoint', '1,2,3,4')).toMatchObject({ ok: false, error: { code: 'not-found', message: 'Endpoint no-such-endpoint of account lathe not found.' } });
    expect(await invoke('fraud-bad-input', '200.0,14,0.85,5')).toMatchObject({ ok: true });
    expect((await lathe.router.invoke('endpoints.describe', { EndpointName: 'fraud-bad-input' })).EndpointStatus).toBe('InService');
    // The variant's metrics saw the four refused calls and the good one (the oversized body never reached it).
    const [metrics] = (await lathe.router.invoke('endpoints.metrics', { EndpointName: 'fraud-bad-input', WindowSeconds: 600 })).Variants;
    expect(metrics).toMatchObject({ VariantName: 'AllTraffic', Invocations: 5, Invocation4XXErrors: 4, Invocation5XXErrors: 0 });
    expect(metrics!.ModelLatency.p50).toBeGreaterThan(0);
    expect(metrics!.Series.at(-1)!.Workers).toBe(1);
  });

  it('fails an endpoint whose model cannot load, saying why', { timeout: 120_000 }, async () => {
    const failed = await deploy('fraud-broken', { Image: 'xgboost', ModelDataUrl: 's3://lathe-demo/broken.tar.gz' });
    expect(failed.EndpointStatus).toBe('Failed');
    expect(failed.FailureReason).toContain('variant AllTraffic: worker 0 exited (code 2) before it was ready');
    // The worker's own words are in its log, which endpoints.logs shows.
    const logs = await lathe.router.invoke('endpoints.logs', { EndpointName: 'fraud-broken' });
    expect(logs.Workers).toMatchObject([{ Variant: 'AllTraffic', Worker: 0 }]);
    expect(logs.Workers[0]!.Lines.at(-1)).toMatch(/^ClientError: /);
    expect(await invoke('fraud-broken', '1,2,3,4')).toMatchObject({ ok: false, error: { message: expect.stringContaining('is not serving: it failed') } });
  });
});

describe('a script-mode model', () => {
  const MODEL = 's3://lathe-demo/fraud/output/fraud-xgb/output/model.tar.gz';
  const source = (name: string, script: string) => {
    const folder = path.join(lathe.home, 's3', 'lathe-demo', name, 'source');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'train.py'), script);
    return { SAGEMAKER_PROGRAM: 'train.py', SAGEMAKER_SUBMIT_DIRECTORY: `s3://lathe-demo/${name}/source` };
  };

  it("answers through its training script's handlers, the built-in loader standing in for model_fn", { timeout: 120_000 }, async () => {
    const script = 'import json\n\ndef output_fn(prediction, accept):\n    return json.dumps({"fraud_probability": float(prediction[0])}), "application/json"\n\nif __name__ == "__main__":\n    raise SystemExit("training does not run when serving")\n';
    const endpoint = await deploy('fraud-script', { Image: 'xgboost', ModelDataUrl: MODEL, Environment: source('fraud-script', script) });
    expect(endpoint.EndpointStatus).toBe('InService');
    const answer = await invoke('fraud-script', '200.0,14,0.85,5', { Accept: 'application/json' });
    expect(answer).toMatchObject({ ok: true, value: { ContentType: 'application/json' } });
    expect(JSON.parse(answer.ok ? answer.value.Body : '{}')).toEqual({ fraud_probability: await xgboostPredicts() });
  });

  it('fails to deploy a script that trains when imported, saying to guard it with __main__', { timeout: 120_000 }, async () => {
    const failed = await deploy('fraud-unguarded', { Image: 'xgboost', ModelDataUrl: MODEL, Environment: source('fraud-unguarded', 'import os\ntrain = os.environ["SM_CHANNEL_TRAIN"]\n') });
    expect(failed.EndpointStatus).toBe('Failed');
    const logs = await lathe.router.invoke('endpoints.logs', { EndpointName: 'fraud-unguarded' });
    expect(logs.Workers[0]!.Lines.at(-1)).toBe(
      "ClientError: train.py cannot be imported: KeyError: 'SM_CHANNEL_TRAIN' (train.py line 2); serving imports the script (as SageMaker does), so keep its training under `if __name__ == \"__main__\":`",
    );
  });
});

describe('data capture', () => {
  it('writes SageMaker JSONL that parses and matches the requests sent', { timeout: 120_000 }, async () => {
    await lathe.router.invoke('endpoints.createModel', { ModelName: 'captured-model', PrimaryContainer: { Image: 'xgboost', ModelDataUrl: MODEL_URI } });
    const bad = await lathe.router.call('endpoints.createConfig', { EndpointConfigName: 'bad-capture', ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'captured-model' }], DataCaptureConfig: { InitialSamplingPercentage: 100, DestinationS3Uri: 's3://x/capture', CaptureOptions: [{ CaptureMode: 'Input' }] } }, ctx);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringContaining('bucket name "x" is not valid') } });
    await lathe.router.invoke('endpoints.createConfig', {
      EndpointConfigName: 'captured-config',
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'captured-model' }],
      DataCaptureConfig: { EnableCapture: true, InitialSamplingPercentage: 100, DestinationS3Uri: 's3://lathe-demo/datacapture', CaptureOptions: [{ CaptureMode: 'InputAndOutput' }] },
    });
    await lathe.router.invoke('endpoints.create', { EndpointName: 'fraud-captured', EndpointConfigName: 'captured-config' });
    // While its workers start, the endpoint already shows the variants it will run.
    expect(await lathe.router.invoke('endpoints.describe', { EndpointName: 'fraud-captured' })).toMatchObject({
      EndpointStatus: 'Creating',
      ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 0, DesiredInstanceCount: 1, VariantStatus: [{ Status: 'Creating' }] }],
    });
    expect(await settled('fraud-captured')).toMatchObject({ EndpointStatus: 'InService', DataCaptureConfig: { EnableCapture: true, CurrentSamplingPercentage: 100, DestinationS3Uri: 's3://lathe-demo/datacapture' } });
    const rows = ['200.0,14,0.85,5', '12.5,3,0.10,1', '900.0,23,0.99,9'];
    const answers: string[] = [];
    for (const [i, row] of rows.entries()) {
      const result = await invoke('fraud-captured', row, { InferenceId: `req-${i}` });
      answers.push(result.ok ? result.value.Body : 'error');
    }
    lathe.endpoints.flushCapture();
    const folder = path.join(lathe.home, 's3', 'lathe-demo', 'datacapture', 'fraud-captured', 'AllTraffic');
    const files = fs.readdirSync(folder, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
    expect(files.every((f) => /\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/\d{2}-\d{2}-[0-9a-f]{8}\.jsonl$/.test(f))).toBe(true);
    const records = files.flatMap((f) => fs.readFileSync(f, 'utf8').trim().split('\n')).map((line) => JSON.parse(line) as { captureData: Record<string, { data: string; encoding: string; mode: string }>; eventMetadata: { inferenceId: string; eventId: string }; eventVersion: string });
    expect(records.map((r) => [r.eventMetadata.inferenceId, r.captureData.endpointInput!.data, r.captureData.endpointInput!.encoding, r.captureData.endpointOutput!.data, r.eventVersion])).toEqual(
      rows.map((row, i) => [`req-${i}`, row, 'CSV', answers[i], '0']),
    );
    expect(new Set(records.map((r) => r.eventMetadata.eventId)).size).toBe(3);
  });
});

describe('a shadow variant', () => {
  it('gets a copy of every request; its answers are compared and recorded, never returned', { timeout: 120_000 }, async () => {
    const other = path.join(lathe.home, 's3', 'lathe-demo', 'challenger.tar.gz');
    await python(
      `import os, tarfile, tempfile, numpy as np, xgboost as xgb
x = np.random.RandomState(3).rand(300, 4) * [500, 24, 1, 10]; y = (x[:, 2] > 0.5).astype(int)
b = xgb.train({"objective": "binary:logistic"}, xgb.DMatrix(x, label=y), 10)
d = tempfile.mkdtemp(); b.save_model(os.path.join(d, "xgboost-model"))
with tarfile.open(os.environ["OUT"], "w:gz") as t: t.add(os.path.join(d, "xgboost-model"), arcname="xgboost-model")`,
      { OUT: other },
    );
    await lathe.router.invoke('endpoints.createModel', { ModelName: 'champion-model', PrimaryContainer: { Image: 'xgboost', ModelDataUrl: MODEL_URI } });
    await lathe.router.invoke('endpoints.createModel', { ModelName: 'challenger-model', PrimaryContainer: { Image: 'xgboost', ModelDataUrl: 's3://lathe-demo/challenger.tar.gz' } });
    const clash = await lathe.router.call('endpoints.createConfig', { EndpointConfigName: 'clash', ProductionVariants: [{ VariantName: 'A', ModelName: 'champion-model' }], ShadowProductionVariants: [{ VariantName: 'A', ModelName: 'challenger-model' }] }, ctx);
    expect(clash).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await lathe.router.invoke('endpoints.createConfig', {
      EndpointConfigName: 'shadowed-config',
      ProductionVariants: [{ VariantName: 'Champion', ModelName: 'champion-model' }],
      ShadowProductionVariants: [{ VariantName: 'Challenger', ModelName: 'challenger-model' }],
    });
    await lathe.router.invoke('endpoints.create', { EndpointName: 'fraud-shadowed', EndpointConfigName: 'shadowed-config' });
    expect(await settled('fraud-shadowed')).toMatchObject({ EndpointStatus: 'InService', ShadowProductionVariants: [{ VariantName: 'Challenger', CurrentInstanceCount: 1 }] });
    const rows = ['200.0,14,0.85,5', '12.5,3,0.10,1', '900.0,23,0.99,9', '50.0,8,0.5,2', '300.0,2,0.2,7'];
    for (const row of rows) expect(await invoke('fraud-shadowed', row)).toMatchObject({ ok: true, value: { InvokedProductionVariant: 'Champion' } });
    expect(await invoke('fraud-shadowed', rows[0]!, { TargetVariant: 'Challenger' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('is not a variant of this endpoint') } });
    const report = await until(() => lathe.router.invoke('endpoints.metrics', { EndpointName: 'fraud-shadowed' }), (m) => (m.Shadows?.[0]?.Invocations ?? 0) >= rows.length, 'the shadow answers');
    const shadow = report.Shadows![0]!;
    expect(shadow).toMatchObject({ VariantName: 'Challenger', Invocations: 5, Errors: 0 });
    expect(shadow.Matches + shadow.Mismatches).toBe(5);
    expect(shadow.Mismatches).toBeGreaterThan(0);
    expect(shadow.MeanAbsDifference).toBeGreaterThan(0);
    expect(rows).toContain(shadow.RecentMismatches[0]!.Request);
    expect(report.Variants.map((v) => [v.VariantName, v.Invocations])).toEqual([['Champion', 5]]);
  });
});

describe('batch transform', () => {
  const transformed = (name: string) => until(() => lathe.router.invoke('transform.describe', { TransformJobName: name }), (d) => d.TransformJobStatus !== 'InProgress', `transform ${name}`);
  const request = (name: string, uri: string) => ({
    TransformJobName: name,
    ModelName: 'batch-model',
    BatchStrategy: 'MultiRecord' as const,
    TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix' as const, S3Uri: uri } }, ContentType: 'text/csv', SplitType: 'Line' as const },
    TransformOutput: { S3OutputPath: `s3://lathe-demo/batch-out/${name}`, Accept: 'text/csv', AssembleWith: 'Line' as const },
    TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
  });

  it('writes a .out file per input file with xgboost\'s own predictions, and says how far it got', { timeout: 120_000 }, async () => {
    const input = path.join(lathe.home, 's3', 'lathe-demo', 'batch', 'good');
    fs.mkdirSync(path.join(input, 'sub'), { recursive: true });
    const rows = ['200.0,14,0.85,5', '12.5,3,0.10,1', '900.0,23,0.99,9', '50.0,8,0.5,2'];
    fs.writeFileSync(path.join(input, 'a.csv'), rows.slice(0, 3).join('\n') + '\n');
    fs.writeFileSync(path.join(input, 'sub', 'b.csv'), rows[3] + '\n');
    await lathe.router.invoke('endpoints.createModel', { ModelName: 'batch-model', PrimaryContainer: { Image: 'xgboost', ModelDataUrl: MODEL_URI } });
    await lathe.router.invoke('transform.create', request('fraud-batch', 's3://lathe-demo/batch/good'));
    const done = await transformed('fraud-batch');
    expect(done).toMatchObject({ TransformJobStatus: 'Completed', LatheProgress: { FilesDone: 2, FilesTotal: 2, RecordsDone: 4, RecordsTotal: 4 } });
    const out = path.join(lathe.home, 's3', 'lathe-demo', 'batch-out', 'fraud-batch');
    const answers = [...fs.readFileSync(path.join(out, 'a.csv.out'), 'utf8').trim().split('\n'), ...fs.readFileSync(path.join(out, 'sub', 'b.csv.out'), 'utf8').trim().split('\n')].map(Number);
    const direct = JSON.parse(
      await python(
        `import tarfile, tempfile, os, json, xgboost as xgb
folder = tempfile.mkdtemp()
with tarfile.open(os.environ["MODEL"]) as tar: tar.extractall(folder)
b = xgb.Booster(); b.load_model(os.path.join(folder, "xgboost-model"))
print(json.dumps([float(v) for v in b.predict(xgb.DMatrix(${JSON.stringify(rows.map((r) => r.split(',').map(Number)))}))]))`,
        { MODEL: path.join(lathe.home, 's3', 'lathe-demo', 'fraud', 'output', 'fraud-xgb', 'output', 'model.tar.gz') },
      ),
    ) as number[];
    expect(answers).toEqual(direct);
    expect((await lathe.router.invoke('transform.list', {})).TransformJobSummaries.map((t) => [t.TransformJobName, t.TransformJobStatus])).toContainEqual(['fraud-batch', 'Completed']);
  });

  it('fails on a bad row naming the file and line, and refuses input that is not there', { timeout: 120_000 }, async () => {
    const input = path.join(lathe.home, 's3', 'lathe-demo', 'batch', 'bad');
    fs.mkdirSync(input, { recursive: true });
    fs.writeFileSync(path.join(input, 'rows.csv'), '200.0,14,0.85,5\n1,2,3\n');
    await lathe.router.invoke('transform.create', request('fraud-batch-bad', 's3://lathe-demo/batch/bad'));
    const failed = await transformed('fraud-batch-bad');
    expect(failed.TransformJobStatus).toBe('Failed');
    expect(failed.FailureReason).toContain('rows.csv line 2');
    expect(await lathe.router.call('transform.create', request('fraud-batch-none', 's3://lathe-demo/batch/missing'), ctx)).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringContaining('does not exist') } });
    expect(await lathe.router.call('transform.create', { ...request('fraud-batch-model', 's3://lathe-demo/batch/bad'), ModelName: 'no-model' }, ctx)).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});

describe('endpoints in use', () => {
  it('run side by side, update under traffic without dropping a request, and roll back a broken update', { timeout: 240_000 }, async () => {
    await deploy('side-a', { Image: 'xgboost', ModelDataUrl: MODEL_URI });
    await deploy('side-b', { ModelPackageName: approvedArn });
    expect((await invoke('side-a', '200.0,14,0.85,5')).ok).toBe(true);
    expect((await invoke('side-b', '200.0,14,0.85,5')).ok).toBe(true);

    await lathe.router.invoke('endpoints.createConfig', { EndpointConfigName: 'side-a-v2', ProductionVariants: [{ VariantName: 'Next', ModelName: 'side-b-model', InitialInstanceCount: 2 }] });
    let stop = false;
    const outcomes: string[] = [];
    const traffic = (async () => {
      while (!stop) {
        const result = await invoke('side-a', '200.0,14,0.85,5');
        outcomes.push(result.ok ? result.value.InvokedProductionVariant : `error: ${result.error.message}`);
      }
    })();
    await until(() => outcomes.length, (n) => n >= 20, 'traffic before the update');
    await lathe.router.invoke('endpoints.update', { EndpointName: 'side-a', EndpointConfigName: 'side-a-v2' });
    const updated = await settled('side-a');
    await until(() => outcomes.filter((o) => o === 'Next').length, (n) => n >= 20, 'traffic after the update');
    stop = true;
    await traffic;
    expect(updated).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'side-a-v2' });
    expect(outcomes.filter((o) => o.startsWith('error'))).toEqual([]);
    expect(new Set(outcomes)).toEqual(new Set(['AllTraffic', 'Next']));

    await lathe.router.invoke('endpoints.createModel', { ModelName: 'broken-model', PrimaryContainer: { Image: 'xgboost', ModelDataUrl: 's3://lathe-demo/broken.tar.gz' } });
    await lathe.router.invoke('endpoints.createConfig', { EndpointConfigName: 'side-a-broken', ProductionVariants: [{ VariantName: 'Broken', ModelName: 'broken-model' }] });
    await lathe.router.invoke('endpoints.update', { EndpointName: 'side-a', EndpointConfigName: 'side-a-broken' });
    const rolledBack = await settled('side-a');
    expect(rolledBack).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'side-a-v2' });
    expect(rolledBack.FailureReason).toContain('Update to endpoint config side-a-broken failed and was rolled back; the endpoint still serves side-a-v2.');
    expect(await invoke('side-a', '200.0,14,0.85,5')).toMatchObject({ ok: true, value: { InvokedProductionVariant: 'Next' } });
    expect((await invoke('side-b', '200.0,14,0.85,5')).ok).toBe(true);
  });

  it('answers a request whose worker dies under it with a clear ModelError, and serves on', { timeout: 120_000 }, async () => {
    // A model whose code takes its time, so the worker can be killed while it answers.
    const folder = path.join(lathe.home, 's3', 'lathe-demo', 'slow-model');
    fs.mkdirSync(path.join(folder, 'code'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'code', 'inference.py'), 'import time\ndef model_fn(model_dir):\n    return None\ndef predict_fn(data, model):\n    time.sleep(float(data))\n    return data\ndef input_fn(body, content_type):\n    return body\ndef output_fn(prediction, accept):\n    return str(prediction)\n');
    await deploy('fraud-slow', { Image: 'sklearn', ModelDataUrl: 's3://lathe-demo/slow-model' }, 1);
    expect(await invoke('fraud-slow', '0')).toMatchObject({ ok: true, value: { Body: '0' } });
    const pool = (lathe.endpoints as unknown as { live: Map<string, { variants: Array<{ pool: { pids(): number[] } }> }> }).live.get('fraud-slow')!.variants[0]!.pool;
    const [victim] = pool.pids();
    const pending = invoke('fraud-slow', '5');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    process.kill(victim!, 'SIGKILL');
    const answer = await pending;
    expect(answer).toMatchObject({ ok: false, error: { details: { ErrorType: 'ModelError' }, message: expect.stringMatching(/worker 0 of variant AllTraffic exited \(signal SIGKILL\) while answering this request; Lathe is starting a replacement\. Retry the request\./) } });
    await until(() => pool.pids(), (pids) => pids.length === 1 && !pids.includes(victim!), 'the replacement worker');
    expect(await invoke('fraud-slow', '0')).toMatchObject({ ok: true });
  });

  it('replaces a worker that dies, and answers meanwhile from the others', { timeout: 120_000 }, async () => {
    await deploy('fraud-resilient', { Image: 'xgboost', ModelDataUrl: MODEL_URI }, 2);
    const pool = (lathe.endpoints as unknown as { live: Map<string, { variants: Array<{ pool: { pids(): number[] } }> }> }).live.get('fraud-resilient')!.variants[0]!.pool;
    const [victim] = pool.pids();
    process.kill(victim!, 'SIGKILL');
    await until(() => pool.pids(), (pids) => !pids.includes(victim!), 'the dead worker to be noticed');
    for (let i = 0; i < 10; i++) expect((await invoke('fraud-resilient', '200.0,14,0.85,5')).ok).toBe(true);
    await until(() => pool.pids(), (pids) => pids.length === 2 && !pids.includes(victim!), 'the replacement worker');
    const described = await lathe.router.invoke('endpoints.describe', { EndpointName: 'fraud-resilient' });
    expect(described.ProductionVariants?.[0]).toMatchObject({ CurrentInstanceCount: 2 });
  });
});
