/**
 * A training job's life on the process backend, through Lathe's own service: script mode, failure,
 * stop, MaxRuntime, spot interruption with checkpoints, and Lathe itself being killed mid-job.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLathe, type Lathe } from '../../../main/app';
import type { TrainingJobDescription } from '../../../main/contract/training';
import { pythonResourcesDir } from '../../../main/system/resources';
import { serveLathe } from '../../helpers/serve';
import { tmpDir } from '../../helpers/tmp';

const PYTHON = '/usr/bin/python3';
const ENV = { ...process.env, LATHE_PYTHON: PYTHON };

const open: Lathe[] = [];
afterEach(async () => {
  for (const lathe of open.splice(0)) await lathe.dispose();
});

async function start(home: string, options: { stopJobsOnDispose?: boolean } = {}): Promise<Lathe> {
  const lathe = await createLathe({ home, background: false, env: ENV, stopGraceSeconds: 1, stopJobsOnDispose: options.stopJobsOnDispose ?? true });
  open.push(lathe);
  return lathe;
}

function seedData(home: string): void {
  const script = `import sys, os, shutil; sys.path.insert(0, ${JSON.stringify(pythonResourcesDir())})
from lathe.datasets import write_seed_fraud_csv
paths = write_seed_fraud_csv(${JSON.stringify(path.join(home, 'tmp'))})
for name in ("train", "test"):
    folder = os.path.join(${JSON.stringify(path.join(home, 's3', 'demo', 'fraud'))}, name)
    os.makedirs(folder)
    shutil.copy(paths[name], folder)`;
  execFileSync(PYTHON, ['-c', script]);
}

let scripts = 0;
function script(home: string, source: string): Record<string, string> {
  const dir = path.join(home, `src-${++scripts}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'train.py'), source);
  return { sagemaker_program: '"train.py"', sagemaker_submit_directory: JSON.stringify(`file://${dir}`) };
}

function scriptJob(name: string, hyperParameters: Record<string, string>, overrides: Record<string, unknown> = {}) {
  return {
    TrainingJobName: name,
    AlgorithmSpecification: { TrainingImage: 'lathe:process', TrainingInputMode: 'File' },
    RoleArn: 'arn:aws:iam::000000000000:role/lathe',
    HyperParameters: hyperParameters,
    OutputDataConfig: { S3OutputPath: 's3://demo/output' },
    ResourceConfig: { InstanceType: 'local', InstanceCount: 1, VolumeSizeInGB: 1 },
    ...overrides,
  };
}

function xgboostJob(name: string, rounds: number, overrides: Record<string, unknown> = {}) {
  return {
    TrainingJobName: name,
    AlgorithmSpecification: { AlgorithmName: 'xgboost' },
    RoleArn: 'arn:aws:iam::000000000000:role/lathe',
    HyperParameters: { num_round: String(rounds), max_depth: '5', eta: '0.2', objective: 'binary:logistic', eval_metric: 'auc', subsample: '0.8' },
    InputDataConfig: [
      { ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://demo/fraud/train' } } },
      { ChannelName: 'validation', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://demo/fraud/test' } } },
    ],
    OutputDataConfig: { S3OutputPath: 's3://demo/output' },
    ...overrides,
  };
}

async function until<T>(what: string, read: () => Promise<T> | T, done: (value: T) => boolean, seconds = 120): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const describeJob = (lathe: Lathe, name: string) => lathe.router.invoke('training.describe', { TrainingJobName: name });
const ended = (job: TrainingJobDescription) => job.TrainingJobStatus !== 'InProgress' && job.TrainingJobStatus !== 'Stopping';
const finished = (lathe: Lathe, name: string) => until(`${name} to end`, () => describeJob(lathe, name), ended);
const training = (lathe: Lathe, name: string) => until(`${name} to train`, () => describeJob(lathe, name), (job) => job.SecondaryStatus === 'Training');

describe('script mode on the process backend', () => {
  it('runs a SageMaker train.py unchanged: SM_CHANNEL_TRAIN, sorted argv, SM_MODEL_DIR, MetricDefinitions', async () => {
    const home = tmpDir();
    const lathe = await start(home);
    const data = path.join(home, 'rows');
    fs.mkdirSync(data);
    fs.writeFileSync(path.join(data, 'rows.csv'), '1,2\n3,4\n');
    const hps = script(
      home,
      `import argparse, os, json
p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int); p.add_argument("--lr", type=float); p.add_argument("--name")
a = p.parse_args()
rows = open(os.path.join(os.environ["SM_CHANNEL_TRAIN"], "rows.csv")).read().split()
for epoch in range(a.epochs):
    print("epoch %d loss=%.2f;" % (epoch, 1.0 / (epoch + 1)))
with open(os.path.join(os.environ["SM_MODEL_DIR"], "model.json"), "w") as f:
    json.dump({"epochs": a.epochs, "lr": a.lr, "name": a.name, "rows": len(rows), "job": os.environ["TRAINING_JOB_NAME"], "hps": json.loads(os.environ["SM_HPS"])}, f)
`,
    );
    await lathe.router.invoke(
      'training.create',
      scriptJob('script-1', { ...hps, epochs: '4', lr: '0.01', name: '"mnist"' }, {
        AlgorithmSpecification: { TrainingImage: 'lathe:process', MetricDefinitions: [{ Name: 'train:loss', Regex: 'loss=(.*?);' }] },
        InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `file://${data}` } } }],
      }),
    );
    const job = await finished(lathe, 'script-1');
    expect(job.TrainingJobStatus).toBe('Completed');
    expect(job.SecondaryStatusTransitions.map((t) => t.Status)).toEqual(['Pending', 'Downloading', 'Training', 'Uploading', 'Completed']);
    expect(job.FinalMetricDataList.map(({ MetricName, Value }) => ({ MetricName, Value }))).toEqual([{ MetricName: 'train:loss', Value: 0.25 }]);
    expect((await lathe.router.invoke('training.metrics', { TrainingJobName: 'script-1' })).series).toEqual([
      { name: 'train:loss', points: [1, 0.5, 0.33, 0.25].map((value, step) => ({ step, value })) },
    ]);
    const model = path.join(home, 's3', 'demo', 'output', 'script-1', 'output', 'model.tar.gz');
    expect(job.ModelArtifacts?.S3ModelArtifacts).toBe(model);
    const saved = JSON.parse(execFileSync('tar', ['-xzOf', model, 'model.json'], { encoding: 'utf8' })) as unknown;
    expect(saved).toEqual({ epochs: 4, lr: 0.01, name: 'mnist', rows: 2, job: 'script-1', hps: { epochs: 4, lr: 0.01, name: 'mnist' } });
    const log = await lathe.router.invoke('training.logs', { TrainingJobName: 'script-1', start: 0 });
    expect(log).toMatchObject({ complete: true, total: 4, start: 0, next: 4 });
    expect(log.lines[3]).toBe('epoch 3 loss=0.25;');
  });

  it('fails a crashing script with its exception in FailureReason, and prefers output/failure when written', async () => {
    const home = tmpDir();
    const lathe = await start(home);
    await lathe.router.invoke('training.create', scriptJob('crash', script(home, 'def load():\n    raise ValueError("column fraud not found in train.csv")\nload()\n')));
    const crashed = await finished(lathe, 'crash');
    expect(crashed).toMatchObject({ TrainingJobStatus: 'Failed', SecondaryStatus: 'Failed' });
    expect(crashed.FailureReason).toMatch(/^Traceback \(most recent call last\):/);
    expect(crashed.FailureReason).toContain('ValueError: column fraud not found in train.csv');
    expect(crashed.ModelArtifacts).toBeUndefined();

    const home2 = tmpDir();
    const lathe2 = await start(home2);
    const hps = script(home2, 'import os, sys\nopen(os.path.join(os.environ["SM_OUTPUT_DIR"], "failure"), "w").write("ClientError: the label column has 3 classes")\nsys.exit(2)\n');
    await lathe2.router.invoke('training.create', scriptJob('told', hps));
    expect(await finished(lathe2, 'told')).toMatchObject({ TrainingJobStatus: 'Failed', FailureReason: 'ClientError: the label column has 3 classes' });
  });

  it('stops a job that ignores SIGTERM by killing it after the grace period', async () => {
    const home = tmpDir();
    const lathe = await start(home);
    const hps = script(home, 'import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint("started", flush=True)\ntime.sleep(120)\n');
    await lathe.router.invoke('training.create', scriptJob('stubborn', hps));
    await until('the first line', () => lathe.router.invoke('training.logs', { TrainingJobName: 'stubborn' }), (page) => page.lines.includes('started'));
    await lathe.router.invoke('training.stop', { TrainingJobName: 'stubborn' });
    const job = await finished(lathe, 'stubborn');
    expect(job).toMatchObject({ TrainingJobStatus: 'Stopped', SecondaryStatus: 'Stopped' });
    expect(job.SecondaryStatusTransitions.map((t) => t.Status)).toEqual(['Pending', 'Downloading', 'Training', 'Stopping', 'Stopped']);
    expect(job.ModelArtifacts).toBeUndefined();
    expect(await lathe.router.call('training.stop', { TrainingJobName: 'stubborn' })).toMatchObject({ ok: false, error: { code: 'failed-precondition' } });
  });

  it('stops a job that runs past MaxRuntimeInSeconds as MaxRuntimeExceeded', async () => {
    const home = tmpDir();
    const lathe = await start(home);
    await lathe.router.invoke('training.create', scriptJob('slow', script(home, 'import time\ntime.sleep(120)\n'), { StoppingCondition: { MaxRuntimeInSeconds: 1 } }));
    expect(await finished(lathe, 'slow')).toMatchObject({ TrainingJobStatus: 'Stopped', SecondaryStatus: 'MaxRuntimeExceeded' });
  });
});

describe('managed spot: interruption and resume', () => {
  it('resumes the built-in XGBoost from its checkpoints and completes with the same rounds as an uninterrupted run', async () => {
    const home = tmpDir();
    seedData(home);
    const lathe = await start(home);
    const rounds = 60;
    await lathe.router.invoke('training.create', xgboostJob('spot', rounds, { EnableManagedSpotTraining: true, CheckpointConfig: { S3Uri: 's3://demo/checkpoints/spot' }, StoppingCondition: { MaxRuntimeInSeconds: 600, MaxWaitTimeInSeconds: 1200 } }));
    await training(lathe, 'spot');
    // Interrupt once some rounds (and so checkpoints) exist.
    await until('10 rounds', () => lathe.router.invoke('training.metrics', { TrainingJobName: 'spot', MetricName: 'validation:auc' }), (m) => (m.series[0]?.points.length ?? 0) >= 10);
    await lathe.router.invoke('training.interrupt', { TrainingJobName: 'spot' });
    const job = await finished(lathe, 'spot');
    expect(job.TrainingJobStatus).toBe('Completed');
    const statuses = job.SecondaryStatusTransitions.map((t) => t.Status);
    expect(statuses).toEqual(['Pending', 'Downloading', 'Training', 'Interrupted', 'Downloading', 'Training', 'Uploading', 'Completed']);
    expect(fs.readdirSync(path.join(home, 's3', 'demo', 'checkpoints', 'spot')).some((file) => file.startsWith('xgboost-checkpoint.'))).toBe(true);
    const log = (await lathe.router.invoke('training.logs', { TrainingJobName: 'spot', start: 0, limit: 10_000 })).lines.join('\n');
    expect(log).toMatch(/resum/i);
    const auc = (await lathe.router.invoke('training.metrics', { TrainingJobName: 'spot', MetricName: 'validation:auc' })).series[0]!.points;
    expect(auc.map((p) => p.step)).toEqual([...Array(rounds).keys()]);
    const check = `import tarfile, xgboost as xgb, tempfile, os
d = tempfile.mkdtemp(); tarfile.open(${JSON.stringify(job.ModelArtifacts!.S3ModelArtifacts)}).extractall(d)
b = xgb.Booster(); b.load_model(os.path.join(d, "xgboost-model")); print(b.num_boosted_rounds())`;
    expect(execFileSync(PYTHON, ['-c', check], { encoding: 'utf8' }).trim()).toBe(String(rounds));
  });

  it('refuses to interrupt a job that could not resume', async () => {
    const home = tmpDir();
    const lathe = await start(home);
    await lathe.router.invoke('training.create', scriptJob('on-demand', script(home, 'import time\nprint("up", flush=True)\ntime.sleep(120)\n')));
    await training(lathe, 'on-demand');
    const refused = await lathe.router.call('training.interrupt', { TrainingJobName: 'on-demand' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'failed-precondition', message: expect.stringContaining('EnableManagedSpotTraining') } });
  });
});

describe('jobs survive Lathe', () => {
  it('keeps training while `lathe serve` is killed, then the next Lathe reattaches and records the completion', async () => {
    const home = tmpDir();
    seedData(home);
    const served = await serveLathe(home, { LATHE_PYTHON: PYTHON });
    const call = async (channel: string, body: unknown) => {
      const response = await fetch(`${served.url}/api/call/${channel}`, { method: 'POST', headers: { authorization: `Bearer ${served.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return (await response.json()) as { ok: boolean; value: TrainingJobDescription };
    };
    try {
      expect((await call('training.create', xgboostJob('survivor', 150))).ok).toBe(true);
      await until('a few rounds', () => call('training.describe', { TrainingJobName: 'survivor' }), () => {
        const log = path.join(home, 'jobs', 'training', 'survivor', 'training.log');
        return fs.existsSync(log) && (fs.readFileSync(log, 'utf8').match(/validation:auc/g)?.length ?? 0) >= 5;
      });
    } finally {
      served.process.kill('SIGKILL');
    }
    await new Promise((resolve) => served.process.once('exit', resolve));
    const lathe = await start(home);
    const job = await finished(lathe, 'survivor');
    expect(job.TrainingJobStatus).toBe('Completed');
    expect(job.SecondaryStatusTransitions.filter((t) => t.Status === 'Training')).toHaveLength(1);
    const auc = (await lathe.router.invoke('training.metrics', { TrainingJobName: 'survivor', MetricName: 'validation:auc' })).series[0]!.points;
    expect(auc.map((p) => p.step)).toEqual([...Array(150).keys()]);
  });

  it('marks a job whose process vanished while Lathe was away as Failed, never InProgress', async () => {
    const home = tmpDir();
    const first = await start(home, { stopJobsOnDispose: false });
    await first.router.invoke('training.create', scriptJob('doomed', script(home, 'import time\nprint("up", flush=True)\ntime.sleep(120)\n')));
    await training(first, 'doomed');
    await first.dispose();
    open.splice(open.indexOf(first), 1);
    // The machine "restarts": the supervisor and the job die without a word.
    const supervisor = JSON.parse(fs.readFileSync(path.join(home, 'jobs', 'training', 'doomed', 'supervisor.json'), 'utf8')) as { pid: number; childPid: number };
    process.kill(supervisor.pid, 'SIGKILL');
    process.kill(-supervisor.childPid, 'SIGKILL');
    const lathe = await start(home);
    const job = await finished(lathe, 'doomed');
    expect(job).toMatchObject({ TrainingJobStatus: 'Failed', FailureReason: expect.stringContaining('left no exit status') });
  });

  it('keeps the queue in the store: a job still pending when Lathe exits runs after the next start', async () => {
    const home = tmpDir();
    const first = await start(home, { stopJobsOnDispose: false });
    await first.router.invoke('settings.update', { patch: { concurrency: { cpuSlots: 1 } } });
    await first.router.invoke('training.create', scriptJob('blocker', script(home, 'import time\ntime.sleep(2)\nprint("done blocking")\n')));
    await first.router.invoke('training.create', scriptJob('queued', script(home, 'print("queued ran")\n')));
    expect((await describeJob(first, 'queued')).SecondaryStatus).toBe('Pending');
    await first.dispose();
    open.splice(open.indexOf(first), 1);
    const lathe = await start(home);
    expect(await finished(lathe, 'blocker')).toMatchObject({ TrainingJobStatus: 'Completed' });
    expect(await finished(lathe, 'queued')).toMatchObject({ TrainingJobStatus: 'Completed' });
    expect((await lathe.router.invoke('training.logs', { TrainingJobName: 'queued' })).lines).toEqual(['queued ran']);
  });
});

describe('GPU slots', () => {
  it('gives a GPU job its GPU through CUDA_VISIBLE_DEVICES, queues the next GPU job, and lets CPU jobs run meanwhile', async () => {
    const home = tmpDir();
    // An nvidia-smi that reports one H100, as the real one does (recorded output).
    const bin = path.join(home, 'bin');
    fs.mkdirSync(bin);
    const fixture = path.resolve('test', 'fixtures', 'nvidia-smi', 'h100-x1.query.txt');
    fs.writeFileSync(path.join(bin, 'nvidia-smi'), `#!/bin/sh\ncase "$*" in *--query-gpu*) cat ${JSON.stringify(fixture)};; *) exit 0;; esac\n`, { mode: 0o755 });
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath}`;
    try {
      const lathe = await start(home);
      await until('the GPU', () => lathe.router.invoke('system.info', { refresh: true }), (info) => info.gpu.gpus.length === 1);
      // gpu-1 holds the GPU until the test opens its gate (a file), however slow the machine is.
      const gate = path.join(home, 'gate');
      const report = script(
        home,
        'import os, time\nprint("gpus", repr(os.environ["CUDA_VISIBLE_DEVICES"]), os.environ["SM_NUM_GPUS"], flush=True)\ngate = os.environ.get("GATE")\nwhile gate and not os.path.exists(gate):\n    time.sleep(0.05)\n',
      );
      const gpu = { ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 1, VolumeSizeInGB: 1 } };
      await lathe.router.invoke('training.create', scriptJob('gpu-1', report, { ...gpu, Environment: { GATE: gate } }));
      await training(lathe, 'gpu-1');
      await lathe.router.invoke('training.create', scriptJob('gpu-2', report, gpu));
      await lathe.router.invoke('training.create', scriptJob('cpu-1', report));
      // The CPU job runs to the end while the second GPU job still waits for the only GPU.
      expect(await finished(lathe, 'cpu-1')).toMatchObject({ TrainingJobStatus: 'Completed' });
      const waiting = await describeJob(lathe, 'gpu-2');
      expect(waiting).toMatchObject({ SecondaryStatus: 'Pending' });
      expect(waiting.SecondaryStatusTransitions[0]?.StatusMessage).toBe('Waiting for a GPU');
      fs.writeFileSync(gate, '');
      expect(await finished(lathe, 'gpu-1')).toMatchObject({ TrainingJobStatus: 'Completed' });
      expect(await finished(lathe, 'gpu-2')).toMatchObject({ TrainingJobStatus: 'Completed' });
      const first = async (name: string) => (await lathe.router.invoke('training.logs', { TrainingJobName: name })).lines[0];
      expect(await first('gpu-1')).toBe("gpus '0' 1");
      expect(await first('gpu-2')).toBe("gpus '0' 1");
      expect(await first('cpu-1')).toBe("gpus '' 0");
      const listed = (await lathe.router.invoke('training.list', {})).TrainingJobSummaries;
      expect(Object.fromEntries(listed.map((s) => [s.TrainingJobName, s.Gpus]))).toEqual({ 'gpu-1': 1, 'gpu-2': 1, 'cpu-1': 0 });
    } finally {
      process.env.PATH = savedPath;
    }
  });
});

describe('recovery: nothing is lost whenever Lathe stops', () => {
  it('finds a job launched just before Lathe died, before it recorded where the job runs', async () => {
    const home = tmpDir();
    const first = await start(home, { stopJobsOnDispose: false });
    await first.router.invoke('training.create', scriptJob('unrecorded', script(home, 'import time\nprint("working", flush=True)\ntime.sleep(2)\nprint("done", flush=True)\n')));
    await training(first, 'unrecorded');
    await first.dispose();
    open.splice(open.indexOf(first), 1);
    // As if Lathe had died between launching the supervisor and storing its handle.
    const db = (await import('better-sqlite3')).default(path.join(home, 'lathe.db'));
    db.prepare("UPDATE training_jobs SET handle = NULL, secondary_status = 'Downloading' WHERE name = 'unrecorded'").run();
    db.close();
    const lathe = await start(home);
    const job = await finished(lathe, 'unrecorded');
    expect(job.TrainingJobStatus).toBe('Completed');
    expect((await lathe.router.invoke('training.logs', { TrainingJobName: 'unrecorded', start: 0 })).lines).toEqual(['working', 'done']);
  });

  it('keeps the traceback and the real end time of a job that crashed while Lathe was away', async () => {
    const home = tmpDir();
    const first = await start(home, { stopJobsOnDispose: false });
    await first.router.invoke('training.create', scriptJob('crashed-away', script(home, 'import time\nprint("up", flush=True)\ntime.sleep(1)\nraise ValueError("boom: the real cause")\n')));
    await training(first, 'crashed-away');
    await first.dispose();
    open.splice(open.indexOf(first), 1);
    const exitFile = path.join(home, 'jobs', 'training', 'crashed-away', 'exit.json');
    await until('the job to end on its own', () => fs.existsSync(exitFile), Boolean, 30);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const restarted = Date.now();
    const lathe = await start(home);
    const job = await finished(lathe, 'crashed-away');
    expect(job.TrainingJobStatus).toBe('Failed');
    expect(job.FailureReason).toContain('ValueError: boom: the real cause');
    expect(Date.parse(job.TrainingEndTime!)).toBeLessThan(restarted);
  });

  it('packs and completes a job Lathe left in Uploading', async () => {
    const home = tmpDir();
    const first = await start(home);
    await first.router.invoke('training.create', scriptJob('half-packed', script(home, 'import os\nopen(os.path.join(os.environ["SM_MODEL_DIR"], "weights.txt"), "w").write("42")\n')));
    const done = await finished(first, 'half-packed');
    await first.dispose();
    open.splice(open.indexOf(first), 1);
    fs.rmSync(done.ModelArtifacts!.S3ModelArtifacts);
    const db = (await import('better-sqlite3')).default(path.join(home, 'lathe.db'));
    db.prepare("UPDATE training_jobs SET status = 'InProgress', secondary_status = 'Uploading', model_artifacts = NULL, ended_at = NULL WHERE name = 'half-packed'").run();
    db.close();
    const lathe = await start(home);
    const job = await finished(lathe, 'half-packed');
    expect(job.TrainingJobStatus).toBe('Completed');
    expect(execFileSync('tar', ['-xzOf', job.ModelArtifacts!.S3ModelArtifacts, 'weights.txt'], { encoding: 'utf8' })).toBe('42');
  });

  it('keeps what a stopped job saved in model/, as SageMaker uploads it', async () => {
    const home = tmpDir();
    const lathe = await start(home);
    const hps = script(home, `import os, signal, sys, time
def save(*_):
    open(os.path.join(os.environ["SM_MODEL_DIR"], "partial.txt"), "w").write("epoch 3")
    sys.exit(0)
signal.signal(signal.SIGTERM, save)
print("training", flush=True)
time.sleep(120)
`);
    await lathe.router.invoke('training.create', scriptJob('saves-on-stop', hps));
    await until('the first line', () => lathe.router.invoke('training.logs', { TrainingJobName: 'saves-on-stop' }), (page) => page.lines.includes('training'));
    await lathe.router.invoke('training.stop', { TrainingJobName: 'saves-on-stop' });
    const job = await finished(lathe, 'saves-on-stop');
    expect(job).toMatchObject({ TrainingJobStatus: 'Stopped', SecondaryStatus: 'Stopped' });
    expect(execFileSync('tar', ['-xzOf', job.ModelArtifacts!.S3ModelArtifacts, 'partial.txt'], { encoding: 'utf8' })).toBe('epoch 3');
  });

  it('lets one Lathe run a data folder\'s jobs while another only records them', async () => {
    const home = tmpDir();
    const runner = await start(home);
    const recorder = await start(home);
    expect([runner.runsJobs, recorder.runsJobs]).toEqual([true, false]);
    await recorder.router.invoke('training.create', scriptJob('handed-over', script(home, 'print("ran once")\n')));
    expect(await finished(recorder, 'handed-over')).toMatchObject({ TrainingJobStatus: 'Completed' });
    expect((await runner.router.invoke('training.logs', { TrainingJobName: 'handed-over' })).lines).toEqual(['ran once']);
    const refused = await recorder.router.call('training.create', scriptJob('bad-channels', script(home, 'pass\n'), { InputDataConfig: ['train', 'train'].map((name) => ({ ChannelName: name, DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `file://${home}` } } })) }));
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    const names = (await runner.router.invoke('training.list', { SortBy: 'Name', SortOrder: 'Ascending' })).TrainingJobSummaries.map((s) => s.TrainingJobName);
    expect(names).toEqual(['handed-over']);
  });
});
