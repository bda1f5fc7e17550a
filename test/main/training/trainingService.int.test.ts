import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLathe, type Lathe } from '../../../main/app';
import type { TrainingJobDescription } from '../../../main/contract/training';
import { tmpDir } from '../../helpers/tmp';
import { SEED_HPS, seedTrainingJob, uploadSeedFraud } from '../../helpers/seedFraud';

const PYTHON = '/usr/bin/python3';

let lathe: Lathe;

async function finished(name: string): Promise<TrainingJobDescription> {
  let job = await lathe.router.invoke('training.describe', { TrainingJobName: name });
  for (let i = 0; i < 600 && (job.TrainingJobStatus === 'InProgress' || job.TrainingJobStatus === 'Stopping'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    job = await lathe.router.invoke('training.describe', { TrainingJobName: name });
  }
  return job;
}

beforeEach(async () => {
  const home = tmpDir();
  uploadSeedFraud(home);
  lathe = await createLathe({ home, serve: true, staticDir: null, background: false, stopJobsOnDispose: true, stopGraceSeconds: 1, env: { ...process.env, LATHE_PYTHON: PYTHON } });
});
afterEach(async () => {
  await lathe.dispose();
});

describe('training jobs', () => {
  it("runs the seed POC's XGBoost job to Completed with its transitions, metrics, log and model.tar.gz", async () => {
    const changes: string[] = [];
    lathe.bus.onEvent((name, payload) => {
      if (name === 'jobs.changed') changes.push((payload as { SecondaryStatus: string }).SecondaryStatus);
    });
    const created = await lathe.router.invoke('training.create', seedTrainingJob('fraud-xgb-1'));
    expect(created.TrainingJobArn).toMatch(/:training-job\/fraud-xgb-1$/);
    const job = await finished('fraud-xgb-1');
    expect(job).toMatchObject({ TrainingJobStatus: 'Completed', SecondaryStatus: 'Completed' });
    const statuses = ['Pending', 'Downloading', 'Training', 'Uploading', 'Completed'];
    expect(job.SecondaryStatusTransitions.map((t) => t.Status)).toEqual(statuses);
    expect(changes).toEqual(statuses);
    const model = path.join(lathe.home, 's3', 'lathe-demo', 'fraud', 'output', 'fraud-xgb-1', 'output', 'model.tar.gz');
    expect(job.ModelArtifacts?.S3ModelArtifacts).toBe(model);
    expect(fs.existsSync(model)).toBe(true);
    const auc = job.FinalMetricDataList.find((m) => m.MetricName === 'validation:auc');
    expect(auc?.Value).toBeGreaterThan(0);
    expect(lathe.training && (await lathe.router.invoke('training.list', {})).TrainingJobSummaries.map((s) => s.TrainingJobName)).toEqual(['fraud-xgb-1']);
    const log = fs.readFileSync(path.join(lathe.home, 'jobs', 'training', 'fraud-xgb-1', 'training.log'), 'utf8');
    expect(log).toContain('[99]\ttrain-auc:');

    // The job is a run of the Default experiment: hyperparameters as params, a metric per round, lineage.
    const [experiment] = (await lathe.router.invoke('experiments.list', {})).experiments;
    expect(experiment).toMatchObject({ name: 'Default', runCount: 1 });
    const [run] = (await lathe.router.invoke('runs.search', { experimentIds: [experiment!.experimentId] })).runs;
    expect(run!.info).toMatchObject({ runName: 'fraud-xgb-1', status: 'FINISHED', source: { kind: 'training-job', name: 'fraud-xgb-1' } });
    expect(run!.params).toEqual(SEED_HPS);
    const aucSummary = run!.metrics.find((m) => m.key === 'validation:auc')!;
    expect(aucSummary).toMatchObject({ count: 100, lastStep: 99, last: auc!.Value });
    const history = await lathe.router.invoke('runs.metricHistory', { runId: run!.info.runId, key: 'validation:auc' });
    expect(history.points!.map((p) => p.step)).toEqual([...Array(100).keys()]);
    const detail = await lathe.router.invoke('runs.get', { runId: run!.info.runId });
    const edges = detail.lineage.map((e) => `${e.from.kind}:${e.from.id} -${e.relation}-> ${e.to.kind}:${e.to.id}`).sort();
    expect(edges).toEqual([
      'dataset:s3://lathe-demo/fraud/test -input-> training-job:fraud-xgb-1',
      'dataset:s3://lathe-demo/fraud/train -input-> training-job:fraud-xgb-1',
      'training-job:fraud-xgb-1 -produced-> model-artifact:s3://lathe-demo/fraud/output/fraud-xgb-1/output/model.tar.gz',
    ]);
  });

  it('refuses bad requests with a clear error and creates nothing', async () => {
    const attempts: Array<[Record<string, unknown>, string, RegExp]> = [
      [seedTrainingJob('bad name!'), 'invalid-argument', /TrainingJobName/],
      [seedTrainingJob('x1', { AlgorithmSpecification: { AlgorithmName: 'deepar', TrainingInputMode: 'File' } }), 'invalid-argument', /"deepar" is not a built-in algorithm; Lathe has xgboost, linear-learner, random-forest/],
      [seedTrainingJob('x2', { InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://lathe-demo/nowhere' } } }] }), 'not-found', /Channel train: no file or folder at/],
      [seedTrainingJob('x3', { OutputDataConfig: { S3OutputPath: 'http://example.com/out' } }), 'invalid-argument', /OutputDataConfig.S3OutputPath/],
      [seedTrainingJob('x4', { HyperParameters: { num_round: 10 } }), 'invalid-argument', /HyperParameters\.num_round/],
      [seedTrainingJob('x5', { HyperParameters: { ...SEED_HPS, max_depth: 'deep' } }), 'invalid-argument', /hyperparameter max_depth must be an integer, got "deep"/],
      [seedTrainingJob('x6', { HyperParameters: { ...SEED_HPS, eta: '1.5' } }), 'invalid-argument', /hyperparameter eta must be at most 1, got 1\.5/],
      [seedTrainingJob('x7', { HyperParameters: { ...SEED_HPS, num_rounds: '10' } }), 'invalid-argument', /unknown hyperparameter num_rounds; xgboost takes .*num_round/],
      [seedTrainingJob('x8', { HyperParameters: { max_depth: '5' } }), 'invalid-argument', /hyperparameter num_round is required/],
      [seedTrainingJob('x9', { InputDataConfig: [] }), 'invalid-argument', /xgboost needs the channel train/],
      [seedTrainingJob('x10', { ResourceConfig: { InstanceType: 'ml.p3.2xlarge', InstanceCount: 1 } }), 'failed-precondition', /asks for a GPU and this machine has none/],
    ];
    for (const [payload, code, message] of attempts) {
      const result = await lathe.router.call('training.create', payload);
      expect(result.ok ? 'created' : result.error.code, JSON.stringify(payload).slice(0, 120)).toBe(code);
      if (!result.ok) expect(result.error.message).toMatch(message);
    }
    expect((await lathe.router.invoke('training.list', {})).TrainingJobSummaries).toEqual([]);
    await lathe.router.invoke('training.create', seedTrainingJob('twice', { HyperParameters: { ...SEED_HPS, num_round: '2' } }));
    expect(await lathe.router.call('training.create', seedTrainingJob('twice'))).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await lathe.router.call('training.describe', { TrainingJobName: 'nobody' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect((await finished('twice')).TrainingJobStatus).toBe('Completed');
  });

  it('stops a job in progress', async () => {
    await lathe.router.invoke('training.create', seedTrainingJob('long-one', { HyperParameters: { ...SEED_HPS, num_round: '100000' } }));
    for (let i = 0; i < 300 && (await lathe.router.invoke('training.describe', { TrainingJobName: 'long-one' })).SecondaryStatus !== 'Training'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await lathe.router.invoke('training.stop', { TrainingJobName: 'long-one' });
    const job = await finished('long-one');
    expect(job).toMatchObject({ TrainingJobStatus: 'Stopped', SecondaryStatus: 'Stopped' });
    expect(job.SecondaryStatusTransitions.map((t) => t.Status)).toEqual(['Pending', 'Downloading', 'Training', 'Stopping', 'Stopped']);
    expect(job.ModelArtifacts).toBeUndefined();
    expect(await lathe.router.call('training.stop', { TrainingJobName: 'long-one' })).toMatchObject({ ok: false, error: { code: 'failed-precondition' } });
  });

  it("runs the seed's job from Debian's boto3 sagemaker client: create, wait, read metrics and artifacts", async () => {
    const script = `
import boto3, json, os, time
sm = boto3.client("sagemaker", endpoint_url=os.environ["LATHE_URL"], region_name="us-east-1",
                  aws_access_key_id="lathe", aws_secret_access_key=os.environ["LATHE_SECRET"])
sm.create_training_job(**json.loads(os.environ["REQUEST"]))
while True:
    job = sm.describe_training_job(TrainingJobName="fraud-boto3")
    if job["TrainingJobStatus"] not in ("InProgress", "Stopping"):
        break
    time.sleep(0.2)
try:
    sm.describe_training_job(TrainingJobName="missing-job")
    missing = None
except sm.exceptions.ClientError as error:
    missing = error.response["Error"]["Code"]
print(json.dumps({"status": job["TrainingJobStatus"], "model": job["ModelArtifacts"]["S3ModelArtifacts"],
                  "metrics": sorted(m["MetricName"] for m in job["FinalMetricDataList"]),
                  "created": type(job["CreationTime"]).__name__, "missing": missing,
                  "listed": [s["TrainingJobName"] for s in sm.list_training_jobs()["TrainingJobSummaries"]]}))
`;
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        PYTHON,
        ['-c', script],
        {
          env: { PATH: '/usr/bin:/bin', HOME: lathe.home, LATHE_URL: lathe.url!, LATHE_SECRET: lathe.token, REQUEST: JSON.stringify(seedTrainingJob('fraud-boto3')), AWS_EC2_METADATA_DISABLED: 'true', NO_PROXY: '127.0.0.1' },
          timeout: 120_000,
        },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    expect(JSON.parse(output)).toEqual({
      status: 'Completed',
      model: 's3://lathe-demo/fraud/output/fraud-boto3/output/model.tar.gz',
      metrics: ['train:auc', 'validation:auc'],
      created: 'datetime',
      missing: 'ValidationException',
      listed: ['fraud-boto3'],
    });
  });
});

describe('the lathe SDK inside a training job', () => {
  it("logs to the job's own run, which the runner finishes", async () => {
    const src = path.join(lathe.home, 'sdk-src');
    fs.mkdirSync(src);
    fs.writeFileSync(
      path.join(src, 'train.py'),
      'import os\nimport lathe.tracking as lt\nwith lt.start_run() as run:\n    for step in range(5):\n        lt.log_metric("sdk:loss", 1.0 / (step + 1), step=step)\n    lt.log_param("optimizer", "adam")\nprint("run", os.environ["LATHE_RUN_ID"] == run.run_id)\n',
    );
    await lathe.router.invoke('training.create', {
      TrainingJobName: 'sdk-job',
      AlgorithmSpecification: { TrainingImage: 'lathe:process' },
      RoleArn: 'arn:aws:iam::000000000000:role/lathe',
      HyperParameters: { sagemaker_program: '"train.py"', sagemaker_submit_directory: JSON.stringify(`file://${src}`), epochs: '5' },
      OutputDataConfig: { S3OutputPath: 's3://lathe-demo/out' },
      ExperimentConfig: { ExperimentName: 'sdk-experiment' },
    });
    const job = await finished('sdk-job');
    expect(job.FailureReason).toBeUndefined();
    expect((await lathe.router.invoke('training.logs', { TrainingJobName: 'sdk-job' })).lines).toContain('run True');
    const experiment = (await lathe.router.invoke('experiments.list', {})).experiments.find((e) => e.name === 'sdk-experiment')!;
    const [run] = (await lathe.router.invoke('runs.search', { experimentIds: [experiment.experimentId] })).runs;
    expect(run!.info).toMatchObject({ runName: 'sdk-job', status: 'FINISHED' });
    expect(run!.params).toEqual({ epochs: '5', optimizer: 'adam' });
    expect(run!.metrics.find((m) => m.key === 'sdk:loss')).toMatchObject({ count: 5, lastStep: 4, last: 0.2, min: 0.2, max: 1 });
  });
});

describe('the job queue', () => {
  it('runs jobs one slot at a time and moves on after a job that could not start', async () => {
    await lathe.router.invoke('settings.update', { patch: { concurrency: { cpuSlots: 1 } } });
    const data = path.join(lathe.home, 's3', 'lathe-demo', 'fraud', 'train');
    // The first job's data disappears before its turn: it fails to start, and the queue goes on.
    fs.mkdirSync(path.join(lathe.home, 's3', 'lathe-demo', 'gone'), { recursive: true });
    fs.copyFileSync(path.join(data, 'train.csv'), path.join(lathe.home, 's3', 'lathe-demo', 'gone', 'train.csv'));
    const channels = (uri: string) => [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri } } }];
    await lathe.router.invoke('training.create', seedTrainingJob('first', { HyperParameters: { ...SEED_HPS, num_round: '200' } }));
    await lathe.router.invoke('training.create', seedTrainingJob('vanishing', { InputDataConfig: channels('s3://lathe-demo/gone'), HyperParameters: { ...SEED_HPS, num_round: '2' } }));
    await lathe.router.invoke('training.create', seedTrainingJob('last', { HyperParameters: { ...SEED_HPS, num_round: '2' } }));
    expect((await lathe.router.invoke('training.describe', { TrainingJobName: 'last' })).SecondaryStatus).toBe('Pending');
    fs.rmSync(path.join(lathe.home, 's3', 'lathe-demo', 'gone'), { recursive: true });
    expect((await finished('first')).TrainingJobStatus).toBe('Completed');
    const vanished = await finished('vanishing');
    expect(vanished.TrainingJobStatus).toBe('Failed');
    expect(vanished.FailureReason).toMatch(/Channel train: no file or folder at .*gone/);
    expect((await finished('last')).TrainingJobStatus).toBe('Completed');
  });
});
