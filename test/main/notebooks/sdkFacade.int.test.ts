/**
 * The seed POC through `lathe.sagemaker`, for real: test/fixtures/notebooks/seed-poc/seed-poc.ipynb
 * (sections 1, 2, 3, 5 and 6, only the imports and the autoscaling client's endpoint_url changed)
 * run top to bottom by notebooks.run in a kernel of Lathe's Jupyter server, and leave a Completed script-mode job with the seed's
 * hyperparameters, an Approved version in FraudDetectionModels, fraud-detection-prod InService
 * answering what xgboost itself predicts from the job's model, and its scaling target. Then the
 * facade's other paths on the same Lathe: the built-in algorithm (no entry_point), a failing
 * script, and predictor.delete_endpoint().
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLathe, type Lathe } from '../../../main/app';
import type { InvokeResult } from '../../../main/contract/endpoints';
import type { Result } from '../../../main/contract/result';
import { pythonResourcesDir } from '../../../main/system/resources';

const PYTHON = '/usr/bin/python3';
const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'notebooks', 'seed-poc');
const SEED_HPS = { num_round: 100, max_depth: 5, eta: 0.2, objective: 'binary:logistic', eval_metric: 'auc', subsample: 0.8 };

let lathe: Lathe;
let work: string;
let seedOutput: string;

interface Ran {
  code: number;
  output: string;
}

/** Runs `script` with Debian's Python in `cwd`, with the environment a Lathe notebook kernel gets. */
function python(script: string, cwd: string, extraEnv: Record<string, string> = {}): Promise<Ran> {
  const env = {
    PATH: '/usr/bin:/bin',
    HOME: cwd,
    LATHE_URL: lathe.url!,
    LATHE_TOKEN: lathe.token,
    AWS_ACCESS_KEY_ID: 'lathe',
    AWS_SECRET_ACCESS_KEY: lathe.token,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_PROXY: '127.0.0.1',
    PYTHONPATH: pythonResourcesDir(),
    PYTHONUNBUFFERED: '1',
    OMP_NUM_THREADS: '1',
    ...extraEnv,
  };
  return new Promise((resolve) =>
    execFile(PYTHON, ['-c', script], { cwd, env, timeout: 300_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}\n${stderr}` }),
    ),
  );
}

/** What the notebook's code cells printed, as saved in the file by notebooks.run (stream text and plain results). */
function notebookOutput(file: string): string {
  const notebook = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: Array<{ cell_type: string; outputs?: Array<{ output_type: string; text?: string | string[]; data?: Record<string, string | string[]> }> }> };
  const text = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join('') : (value ?? ''));
  return notebook.cells
    .filter((cell) => cell.cell_type === 'code')
    .flatMap((cell) => cell.outputs ?? [])
    .map((output) => (output.output_type === 'stream' ? text(output.text) : text(output.data?.['text/plain'])))
    .join('\n');
}

const ctx = { transport: 'internal' as const, actor: 'test' };

beforeAll(async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-test-sdk-facade-'));
  lathe = await createLathe({ home, serve: true, staticDir: null, background: false, stopJobsOnDispose: true, stopGraceSeconds: 1, env: { ...process.env, LATHE_PYTHON: PYTHON } });
  // The notebook in the workspace, run top to bottom by Lathe's notebook API in a real kernel of a
  // real Jupyter server (its kernels get LATHE_URL, LATHE_TOKEN and the AWS_* variables from Lathe).
  work = path.join(home, 'workspace', 'seed-poc');
  fs.cpSync(FIXTURE, work, { recursive: true });
  const run = await lathe.router.invoke('notebooks.run', { Path: 'seed-poc/seed-poc.ipynb', TimeoutSeconds: 600 });
  seedOutput = notebookOutput(path.join(work, 'seed-poc.ipynb'));
  if (run.Status !== 'ok') throw new Error(`the seed POC notebook ended ${run.Status}: ${JSON.stringify(run.Error)}\n${seedOutput}`);
  expect(run).toMatchObject({ Cells: run.Executed, Saved: true });
}, 480_000);

afterAll(async () => {
  await lathe?.dispose();
  if (lathe) fs.rmSync(lathe.home, { recursive: true, force: true });
});

describe('the seed POC notebook through lathe.sagemaker', () => {
  it('trains train.py in script mode with the seed hyperparameters, streaming its log into the output', async () => {
    const jobName = /Training job: (\S+)/.exec(seedOutput)?.[1];
    expect(jobName).toMatch(/^sagemaker-xgboost-\d{4}-\d{2}-\d{2}-/);
    const job = lathe.training.describe(jobName!);
    expect(job).toMatchObject({
      TrainingJobStatus: 'Completed',
      AlgorithmSpecification: { TrainingImage: 'lathe:process' },
      EnableManagedSpotTraining: true,
      CheckpointConfig: { S3Uri: 's3://lathe-default/sagemaker/fraud-detection/checkpoints' },
      StoppingCondition: { MaxWaitTimeInSeconds: 3600 },
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1 },
    });
    const user = Object.fromEntries(Object.entries(job.HyperParameters).filter(([key]) => !key.startsWith('sagemaker_')).map(([key, value]) => [key, JSON.parse(value) as unknown]));
    expect(user).toEqual(SEED_HPS);
    expect(JSON.parse(job.HyperParameters.sagemaker_program!)).toBe('train.py');
    expect(job.InputDataConfig).toMatchObject([
      { ChannelName: 'train', DataSource: { S3DataSource: { S3Uri: 's3://lathe-default/sagemaker/fraud-detection/train/train.csv' } } },
      { ChannelName: 'validation', DataSource: { S3DataSource: { S3Uri: 's3://lathe-default/sagemaker/fraud-detection/test/test.csv' } } },
    ]);
    // upload_data put the files where those URIs resolve.
    expect(fs.readFileSync(path.join(lathe.home, 's3', 'lathe-default', 'sagemaker', 'fraud-detection', 'train', 'train.csv'), 'utf8')).toBe(fs.readFileSync(path.join(work, 'train.csv'), 'utf8'));
    const auc = job.FinalMetricDataList.find((m) => m.MetricName === 'validation:auc');
    expect(auc?.Value).toBeGreaterThan(0);
    expect(auc?.Value).toBeLessThanOrEqual(1);
    // The log reached the cell: xgboost's 100th round, the status lines, the SDK's closing lines.
    expect(seedOutput).toMatch(/\[99\]\ttrain-auc:[\d.]+\tvalidation-auc:[\d.]+/);
    expect(seedOutput).toContain(`Creating training-job with name: ${jobName}`);
    expect(seedOutput).toMatch(/Training seconds: \d+/);
    expect(seedOutput).toContain('lathe.sagemaker: framework_version is ignored locally');
    expect(seedOutput).toContain('lathe.sagemaker: use_spot_instances runs as an interruptible job');
  });

  it('registers the job as an Approved version of FraudDetectionModels', async () => {
    const { ModelPackageSummaryList } = await lathe.router.invoke('registry.listVersions', { ModelPackageGroupName: 'FraudDetectionModels' });
    expect(ModelPackageSummaryList).toHaveLength(1);
    const version = await lathe.router.invoke('registry.describeVersion', { ModelPackageName: ModelPackageSummaryList[0]!.ModelPackageArn });
    const jobName = /Training job: (\S+)/.exec(seedOutput)![1];
    expect(version).toMatchObject({
      ModelApprovalStatus: 'Approved',
      ModelPackageDescription: 'XGBoost Fraud v1.0 - AUC 0.97',
      SourceTrainingJobName: jobName,
      InferenceSpecification: {
        Containers: [{ Image: 'xgboost', ModelDataUrl: `s3://lathe-default/${jobName}/output/model.tar.gz` }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
    });
    expect(version.Evidence?.FinalMetrics.map((m) => m.MetricName)).toContain('validation:auc');
  });

  it('serves fraud-detection-prod, which answers "200.0,14,0.85,5" with what xgboost predicts from the model file', async () => {
    const endpoint = await lathe.router.invoke('endpoints.describe', { EndpointName: 'fraud-detection-prod' });
    expect(endpoint).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'fraud-detection-prod', ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 1 }] });
    const answer = (await lathe.router.call('endpoints.invoke', { EndpointName: 'fraud-detection-prod', Body: '200.0,14,0.85,5', ContentType: 'text/csv', Accept: 'text/csv' }, ctx)) as Result<InvokeResult>;
    const probability = Number((answer.ok ? answer.value.Body : '').trim().split(',')[0]);
    const jobName = /Training job: (\S+)/.exec(seedOutput)![1]!;
    const model = lathe.training.describe(jobName).ModelArtifacts!.S3ModelArtifacts;
    const direct = await python(
      `import tarfile, tempfile, os, xgboost as xgb
folder = tempfile.mkdtemp()
with tarfile.open(os.environ["MODEL"]) as tar: tar.extractall(folder)
b = xgb.Booster(); b.load_model(os.path.join(folder, "xgboost-model"))
print(repr(float(b.predict(xgb.DMatrix([[200.0, 14, 0.85, 5]]))[0])))`,
      work,
      { MODEL: model },
    );
    expect(direct.code).toBe(0);
    expect(probability).toBe(Number(direct.output.trim()));
    expect(probability).toBeGreaterThan(0);
    expect(probability).toBeLessThan(1);
    // What the notebook printed is the same answer, through predictor.predict and CSVDeserializer.
    expect(seedOutput).toContain(`Fraud probability: ${probability.toFixed(4)}`);
    expect(seedOutput).toContain(`Decision: ${probability > 0.5 ? 'FRAUD' : 'LEGITIMATE'}`);
  });

  it('registered the scaling target and policy through boto3', async () => {
    const resource = 'endpoint/fraud-detection-prod/variant/AllTraffic';
    const targets = await lathe.router.invoke('autoscaling.describeTargets', { ServiceNamespace: 'sagemaker', ResourceIds: [resource] });
    expect(targets.ScalableTargets).toMatchObject([{ ResourceId: resource, ScalableDimension: 'sagemaker:variant:DesiredInstanceCount', MinCapacity: 1, MaxCapacity: 10 }]);
    const policies = await lathe.router.invoke('autoscaling.describePolicies', { ServiceNamespace: 'sagemaker', ResourceId: resource });
    expect(policies.ScalingPolicies).toMatchObject([{ PolicyName: 'FraudDetectionAutoScale', PolicyType: 'TargetTrackingScaling' }]);
    expect(seedOutput).toContain('Auto scaling enabled: 1 to 10 instances');
  });
});

describe('lathe.sagemaker beyond the seed, on the same Lathe', () => {
  it('runs the built-in xgboost algorithm when XGBoost has no entry_point', { timeout: 180_000 }, async () => {
    const ran = await python(
      `import lathe.sagemaker as sagemaker
from lathe.sagemaker.xgboost import XGBoost
sess = sagemaker.Session()
est = XGBoost(hyperparameters={"num_round": 5, "max_depth": 3, "objective": "binary:logistic", "eval_metric": "auc"}, sagemaker_session=sess, base_job_name="builtin-xgb")
est.fit({"train": "s3://lathe-default/sagemaker/fraud-detection/train", "validation": "s3://lathe-default/sagemaker/fraud-detection/test"})
print("JOB", est.latest_training_job.name)
print("MODEL", est.model_data)`,
      work,
    );
    expect(ran.code, ran.output).toBe(0);
    const name = /JOB (\S+)/.exec(ran.output)![1]!;
    expect(name).toMatch(/^builtin-xgb-/);
    expect(lathe.training.describe(name)).toMatchObject({ TrainingJobStatus: 'Completed', AlgorithmSpecification: { AlgorithmName: 'xgboost' }, HyperParameters: { num_round: '5', objective: 'binary:logistic' } });
    expect(ran.output).toContain(`MODEL s3://lathe-default/${name}/output/model.tar.gz`);
    // Lathe's structured metric lines stay out of the cell; xgboost's round lines do not.
    expect(ran.output).not.toContain('#lathe ');
    expect(ran.output).toMatch(/\[4\]\ttrain-auc:/);
  });

  it('raises UnexpectedStatusException with the FailureReason of a failed script job', { timeout: 120_000 }, async () => {
    fs.mkdirSync(path.join(work, 'broken'));
    fs.writeFileSync(path.join(work, 'broken', 'boom.py'), 'raise SystemExit("the data has no label column")\n');
    const ran = await python(
      `import lathe.sagemaker as sagemaker
from lathe.sagemaker.xgboost import XGBoost
est = XGBoost(entry_point="boom.py", source_dir="broken", hyperparameters={"num_round": 1})
try:
    est.fit({"train": "s3://lathe-default/sagemaker/fraud-detection/train"})
except sagemaker.UnexpectedStatusException as error:
    print("RAISED", error.actual_status, "|", error)`,
      work,
    );
    expect(ran.code, ran.output).toBe(0);
    expect(ran.output).toMatch(/RAISED Failed \| Error for Training job sagemaker-xgboost-\S+: Failed\. Reason: /);
    expect(ran.output).toContain('the data has no label column');
  });

  it('predictor.delete_endpoint() deletes the endpoint, its config and its model', { timeout: 60_000 }, async () => {
    const config = await lathe.router.invoke('endpoints.describeConfig', { EndpointConfigName: 'fraud-detection-prod' });
    const modelName = config.ProductionVariants[0]!.ModelName;
    const ran = await python(`import lathe.sagemaker as sagemaker\nsagemaker.Predictor("fraud-detection-prod").delete_endpoint()\nprint("deleted")`, work);
    expect(ran.code, ran.output).toBe(0);
    for (const [channel, request] of [
      ['endpoints.describe', { EndpointName: 'fraud-detection-prod' }],
      ['endpoints.describeConfig', { EndpointConfigName: 'fraud-detection-prod' }],
      ['endpoints.describeModel', { ModelName: modelName }],
    ] as const) {
      expect(await lathe.router.call(channel, request, ctx)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    }
  });
});
