/**
 * The same script-mode train.py as on the process backend, unchanged, in the local image
 * lathe-python:local (built by scripts/docker.sh): through Lathe's service and through boto3's
 * view of it. Docker missing is a failure with the reason, not a skip.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLathe, type Lathe } from '../../../main/app';
import type { TrainingJobDescription } from '../../../main/contract/training';
import { tmpDir } from '../../helpers/tmp';

const IMAGE = 'lathe-python:local';
let lathe: Lathe | null = null;

beforeAll(() => {
  try {
    execFileSync('docker', ['image', 'inspect', IMAGE], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`Docker engine or the ${IMAGE} image is not available (run scripts/docker.sh): ${(error as { stderr?: Buffer }).stderr?.toString().trim() ?? (error as Error).message}`);
  }
});

afterEach(async () => {
  await lathe?.dispose();
  lathe = null;
});

const TRAIN_PY = `import argparse, json, os
p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int); p.add_argument("--lr", type=float)
a = p.parse_args()
rows = open(os.path.join(os.environ["SM_CHANNEL_TRAIN"], "rows.csv")).read().split()
for epoch in range(a.epochs):
    print("epoch %d loss=%.2f;" % (epoch, 1.0 / (epoch + 1)), flush=True)
network = sorted(os.listdir("/sys/class/net"))  # with network none, only the container's own loopback
with open(os.path.join(os.environ["SM_MODEL_DIR"], "model.json"), "w") as f:
    json.dump({"epochs": a.epochs, "lr": a.lr, "rows": len(rows), "cwd": os.getcwd(), "model_dir": os.environ["SM_MODEL_DIR"], "network": network}, f)
`;

async function finished(name: string): Promise<TrainingJobDescription> {
  for (let i = 0; ; i++) {
    const job = await lathe!.router.invoke('training.describe', { TrainingJobName: name });
    if (job.TrainingJobStatus !== 'InProgress' && job.TrainingJobStatus !== 'Stopping') return job;
    if (i > 1800) throw new Error(`job ${name} did not end: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function job(home: string, name: string, source: string, overrides: Record<string, unknown> = {}) {
  const src = path.join(home, `src-${name}`);
  const data = path.join(home, 'rows');
  fs.mkdirSync(src, { recursive: true });
  fs.mkdirSync(data, { recursive: true });
  fs.writeFileSync(path.join(src, 'train.py'), source);
  fs.writeFileSync(path.join(data, 'rows.csv'), '1,2\n3,4\n5,6\n');
  return {
    TrainingJobName: name,
    AlgorithmSpecification: { TrainingImage: IMAGE, MetricDefinitions: [{ Name: 'train:loss', Regex: 'loss=(.*?);' }] },
    RoleArn: 'arn:aws:iam::000000000000:role/lathe',
    HyperParameters: { epochs: '3', lr: '0.1', sagemaker_program: '"train.py"', sagemaker_submit_directory: JSON.stringify(`file://${src}`) },
    InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `file://${data}` } } }],
    OutputDataConfig: { S3OutputPath: 's3://demo/output' },
    StoppingCondition: { MaxRuntimeInSeconds: 600 },
    ...overrides,
  };
}

describe('training on the Docker backend', () => {
  it('runs a script-mode train.py unchanged in lathe-python:local, with no network, and files owned by the user', async () => {
    const home = tmpDir();
    lathe = await createLathe({ home, background: false, stopJobsOnDispose: true, stopGraceSeconds: 2, env: { ...process.env, LATHE_PYTHON: '/usr/bin/python3' } });
    await lathe.router.invoke('training.create', job(home, 'in-docker', TRAIN_PY));
    const done = await finished('in-docker');
    expect(done.FailureReason).toBeUndefined();
    expect(done.TrainingJobStatus).toBe('Completed');
    expect(done.FinalMetricDataList.map((m) => [m.MetricName, m.Value])).toEqual([['train:loss', 0.33]]);
    const model = done.ModelArtifacts!.S3ModelArtifacts;
    const saved = JSON.parse(execFileSync('tar', ['-xzOf', model, 'model.json'], { encoding: 'utf8' })) as Record<string, unknown>;
    expect(saved).toEqual({ epochs: 3, lr: 0.1, rows: 3, cwd: '/opt/ml/code', model_dir: '/opt/ml/model', network: ['lo'] });
    const written = path.join(home, 'jobs', 'training', 'in-docker', 'opt-ml', 'model', 'model.json');
    expect(fs.statSync(written).uid).toBe(process.getuid!());
    const summary = (await lathe.router.invoke('training.list', {})).TrainingJobSummaries[0]!;
    expect(summary).toMatchObject({ Backend: 'docker', Algorithm: `train.py in ${IMAGE}` });
    const log = await lathe.router.invoke('training.logs', { TrainingJobName: 'in-docker', start: 0 });
    expect(log.lines.filter((line) => line.startsWith('epoch '))).toEqual(['epoch 0 loss=1.00;', 'epoch 1 loss=0.50;', 'epoch 2 loss=0.33;']);
  });

  it('stops a container promptly and reports a crash in the container with its traceback', async () => {
    const home = tmpDir();
    lathe = await createLathe({ home, background: false, stopJobsOnDispose: true, stopGraceSeconds: 2, env: { ...process.env, LATHE_PYTHON: '/usr/bin/python3' } });
    await lathe.router.invoke('training.create', job(home, 'sleeper', 'import time\nprint("up", flush=True)\ntime.sleep(300)\n'));
    for (let i = 0; i < 600 && !(await lathe.router.invoke('training.logs', { TrainingJobName: 'sleeper' })).lines.includes('up'); i++) await new Promise((r) => setTimeout(r, 100));
    await lathe.router.invoke('training.stop', { TrainingJobName: 'sleeper' });
    expect(await finished('sleeper')).toMatchObject({ TrainingJobStatus: 'Stopped', SecondaryStatus: 'Stopped' });

    await lathe.router.invoke('training.create', job(home, 'crasher', 'raise KeyError("fraud")\n'));
    const crashed = await finished('crasher');
    expect(crashed.TrainingJobStatus).toBe('Failed');
    expect(crashed.FailureReason).toContain("KeyError: 'fraud'");
  });

  it('refuses an image that is not on this machine before creating anything', async () => {
    lathe = await createLathe({ home: tmpDir(), background: false, env: { ...process.env, LATHE_PYTHON: '/usr/bin/python3' } });
    const result = await lathe.router.call('training.create', { ...job(lathe.home, 'ghost', 'pass\n'), AlgorithmSpecification: { TrainingImage: 'no-such-image:42' } });
    expect(result).toMatchObject({ ok: false, error: { message: expect.stringContaining('no-such-image:42') } });
    expect((await lathe.router.invoke('training.list', {})).TrainingJobSummaries).toEqual([]);
  });

  it('runs a processing job in the image with its inputs and outputs at /opt/ml/processing', async () => {
    const home = tmpDir();
    lathe = await createLathe({ home, background: false, stopJobsOnDispose: true, stopGraceSeconds: 2, env: { ...process.env, LATHE_PYTHON: '/usr/bin/python3' } });
    const raw = path.join(home, 's3', 'demo', 'raw');
    fs.mkdirSync(raw, { recursive: true });
    fs.writeFileSync(path.join(raw, 'data.csv'), 'a,b\n1,2\n3,4\n');
    fs.writeFileSync(path.join(raw, 'prep.py'), 'import pandas as pd\ndf = pd.read_csv("/opt/ml/processing/input/data.csv")\ndf["c"] = df.a + df.b\ndf.to_csv("/opt/ml/processing/output/sums.csv", index=False)\nprint("rows", len(df))\n');
    await lathe.router.invoke('processing.create', {
      ProcessingJobName: 'sums',
      RoleArn: 'arn:aws:iam::000000000000:role/lathe',
      ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 1 } },
      AppSpecification: { ImageUri: IMAGE, ContainerEntrypoint: ['python3', '/opt/ml/processing/input/prep.py'] },
      ProcessingInputs: [{ InputName: 'raw', S3Input: { S3Uri: 's3://demo/raw', LocalPath: '/opt/ml/processing/input', S3DataType: 'S3Prefix' } }],
      ProcessingOutputConfig: { Outputs: [{ OutputName: 'sums', S3Output: { S3Uri: 's3://demo/sums', LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' } }] },
    });
    let job = await lathe.router.invoke('processing.describe', { ProcessingJobName: 'sums' });
    for (let i = 0; i < 1200 && job.ProcessingJobStatus === 'InProgress'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = await lathe.router.invoke('processing.describe', { ProcessingJobName: 'sums' });
    }
    expect(job.FailureReason).toBeUndefined();
    expect(job.ProcessingJobStatus).toBe('Completed');
    expect(fs.readFileSync(path.join(home, 's3', 'demo', 'sums', 'sums.csv'), 'utf8')).toBe('a,b,c\n1,2,3\n3,4,7\n');
    expect((await lathe.router.invoke('processing.logs', { ProcessingJobName: 'sums' })).lines).toEqual(['rows 2']);
  });
  it('sends what the lathe SDK logged inside the container (network none) to the job\'s run once the container ends', async () => {
    const home = tmpDir();
    lathe = await createLathe({ home, serve: true, staticDir: null, background: false, stopJobsOnDispose: true, stopGraceSeconds: 2, env: { ...process.env, LATHE_PYTHON: '/usr/bin/python3' } });
    const script = `import os, lathe.tracking as lt
run = lt.start_run()
lt.log_param("layers", 3)
for step in range(5):
    lt.log_metric("sdk:acc", 0.5 + step / 10, step=step)
with open("notes.txt", "w") as f:
    f.write("made in the container")
lt.log_artifact("notes.txt")
print("logged to", run.info.run_id, flush=True)
`;
    await lathe.router.invoke('training.create', job(home, 'sdk-in-docker', script));
    const done = await finished('sdk-in-docker');
    expect(done.FailureReason).toBeUndefined();
    const run = lathe.experiments.runBySource('training-job', 'sdk-in-docker')!;
    const detail = await lathe.router.invoke('runs.get', { runId: run.runId });
    expect(detail.params).toMatchObject({ layers: '3', epochs: '3' });
    expect(detail.metrics.find((m) => m.key === 'sdk:acc')).toMatchObject({ count: 5, last: 0.9, min: 0.5, max: 0.9 });
    const artifacts = await lathe.router.invoke('runs.artifacts', { runId: run.runId });
    expect(artifacts.entries.map((e) => e.path)).toContain('notes.txt');
    expect(await lathe.router.invoke('runs.artifactPreview', { runId: run.runId, path: 'notes.txt' })).toMatchObject({ kind: 'text', text: 'made in the container' });
    // Nothing is left in the spool.
    const spool = path.join(home, 'jobs', 'training', 'sdk-in-docker', 'opt-ml', '.lathe-spool');
    expect(fs.existsSync(spool) ? fs.readdirSync(spool).filter((name) => name.endsWith('.jsonl')) : []).toEqual([]);
  });
});
