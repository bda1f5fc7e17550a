import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../../main/jobs/metrics';
import { TrainingProcess, type TrainingProcessSpec } from '../../../main/jobs/trainingProcess';
import { pythonResourcesDir } from '../../../main/system/resources';
import { tmpDir } from '../../helpers/tmp';

const PYTHON = '/usr/bin/python3';

function seedData(dir: string): { train: string; test: string } {
  const script = `import json, sys; sys.path.insert(0, ${JSON.stringify(pythonResourcesDir())})
from lathe.datasets import write_seed_fraud_csv
print(json.dumps(write_seed_fraud_csv(${JSON.stringify(dir)})))`;
  return JSON.parse(execFileSync(PYTHON, ['-c', script], { encoding: 'utf8' })) as { train: string; test: string };
}

function spec(root: string, overrides: Partial<TrainingProcessSpec>): TrainingProcessSpec {
  return {
    jobName: 'job-1',
    jobArn: 'arn:aws:sagemaker:local:000000000000:training-job/job-1',
    root: path.join(root, 'job'),
    algorithm: { builtin: 'xgboost' },
    hyperParameters: {},
    channels: [],
    outputDir: path.join(root, 'out'),
    python: PYTHON,
    pythonPath: pythonResourcesDir(),
    numCpus: 1,
    stopGraceMs: 2000,
    ...overrides,
  };
}

function writeScript(dir: string, source: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'train.py'), source);
  return dir;
}

describe('a training job run as a process', () => {
  it("runs the seed POC's XGBoost to completion with validation:auc per round and a loadable model.tar.gz", async () => {
    const root = tmpDir();
    const data = seedData(path.join(root, 'data'));
    const points: MetricPoint[] = [];
    const lines: string[] = [];
    const job = new TrainingProcess(
      spec(root, {
        hyperParameters: { num_round: '100', max_depth: '5', eta: '0.2', objective: 'binary:logistic', eval_metric: 'auc', subsample: '0.8' },
        channels: [
          { name: 'train', source: data.train, contentType: 'text/csv' },
          { name: 'validation', source: data.test, contentType: 'text/csv' },
        ],
      }),
      { onMetric: (point) => points.push(point), onLog: (line) => lines.push(line) },
    );
    const result = await job.run();
    expect(result).toMatchObject({ status: 'Completed', secondaryStatus: 'Completed', exitCode: 0, failureReason: null });
    expect(points.filter((p) => p.name === 'validation:auc').map((p) => p.step)).toEqual([...Array(100).keys()]);
    expect(result.finalMetrics.map((m) => m.MetricName).sort()).toEqual(['train:auc', 'validation:auc']);
    expect(lines.some((line) => line.startsWith('[99]\ttrain-auc:'))).toBe(true);
    expect(result.modelArtifacts).toBe(path.join(root, 'out', 'job-1', 'output', 'model.tar.gz'));
    const check = `import tarfile, tempfile, xgboost as xgb, numpy as np
t = tarfile.open(${JSON.stringify(result.modelArtifacts)}); print(t.getnames())
d = tempfile.mkdtemp(); t.extractall(d)
b = xgb.Booster(); b.load_model(d + "/xgboost-model")
x = np.loadtxt(${JSON.stringify(data.test)}, delimiter=",")[:, 1:]
p = b.predict(xgb.DMatrix(x)); print(b.num_boosted_rounds(), len(p), bool(((p >= 0) & (p <= 1)).all()))`;
    expect(execFileSync(PYTHON, ['-c', check], { encoding: 'utf8' }).trim().split('\n')).toEqual(["['xgboost-model']", '100 2000 True']);
  });

  it('runs a SageMaker script-mode train.py unchanged: SM_CHANNEL_TRAIN, sorted argv, SM_MODEL_DIR', async () => {
    const root = tmpDir();
    const trainFile = path.join(root, 'rows.csv');
    fs.writeFileSync(trainFile, '1,2\n3,4\n');
    const code = writeScript(
      path.join(root, 'src'),
      `import argparse, os, json
p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int); p.add_argument("--lr", type=float); p.add_argument("--name")
a = p.parse_args()
rows = open(os.path.join(os.environ["SM_CHANNEL_TRAIN"], "rows.csv")).read().split()
print("loss=%.2f;" % (1.0 / a.epochs))
with open(os.path.join(os.environ["SM_MODEL_DIR"], "model.json"), "w") as f:
    json.dump({"epochs": a.epochs, "lr": a.lr, "name": a.name, "rows": len(rows), "job": os.environ["TRAINING_JOB_NAME"], "hps": json.loads(os.environ["SM_HPS"])}, f)
`,
    );
    const points: MetricPoint[] = [];
    const result = await new TrainingProcess(
      spec(root, {
        algorithm: { entryPoint: 'train.py', sourceDir: code },
        hyperParameters: { epochs: '4', lr: '0.01', name: '"mnist"', sagemaker_program: '"train.py"' },
        channels: [{ name: 'train', source: trainFile }],
        metricDefinitions: [{ Name: 'train:loss', Regex: 'loss=(.*?);' }],
      }),
      { onMetric: (point) => points.push(point) },
    ).run();
    expect(result.status).toBe('Completed');
    expect(points).toEqual([{ name: 'train:loss', value: 0.25, step: 0 }]);
    const listing = execFileSync('tar', ['-xzOf', result.modelArtifacts!, 'model.json'], { encoding: 'utf8' });
    expect(JSON.parse(listing)).toEqual({ epochs: 4, lr: 0.01, name: 'mnist', rows: 2, job: 'job-1', hps: { epochs: 4, lr: 0.01, name: 'mnist' } });
  });

  it('fails a crashing script with its exception as the FailureReason', async () => {
    const root = tmpDir();
    const code = writeScript(path.join(root, 'src'), 'def load():\n    raise ValueError("column fraud not found in train.csv")\nload()\n');
    const result = await new TrainingProcess(spec(root, { algorithm: { entryPoint: 'train.py', sourceDir: code } })).run();
    expect(result).toMatchObject({ status: 'Failed', exitCode: 1, modelArtifacts: null });
    expect(result.failureReason).toMatch(/^Traceback \(most recent call last\):/);
    expect(result.failureReason).toContain('ValueError: column fraud not found in train.csv');
  });

  it('takes FailureReason from output/failure when the algorithm wrote one', async () => {
    const root = tmpDir();
    const result = await new TrainingProcess(spec(root, { hyperParameters: { num_round: 'ten' } })).run();
    expect(result).toMatchObject({ status: 'Failed', failureReason: "ClientError: hyperparameter num_round must be an integer, got 'ten'" });
  });

  it('stops a running job with SIGTERM, and kills one that ignores it after the grace period', async () => {
    const root = tmpDir();
    const code = writeScript(
      path.join(root, 'src'),
      'import signal, sys, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint("started", flush=True)\ntime.sleep(60)\n',
    );
    const job = new TrainingProcess(spec(root, { algorithm: { entryPoint: 'train.py', sourceDir: code }, stopGraceMs: 300 }), {
      onLog: (line) => {
        if (line === 'started') job.stop();
      },
    });
    const result = await job.run();
    expect(result).toMatchObject({ status: 'Stopped', secondaryStatus: 'Stopped', modelArtifacts: null });
  });

  it('stops a job that runs past MaxRuntimeInSeconds as MaxRuntimeExceeded', async () => {
    const root = tmpDir();
    const code = writeScript(path.join(root, 'src'), 'import time\ntime.sleep(60)\n');
    const result = await new TrainingProcess(spec(root, { algorithm: { entryPoint: 'train.py', sourceDir: code }, maxRuntimeSeconds: 1 })).run();
    expect(result).toMatchObject({ status: 'Stopped', secondaryStatus: 'MaxRuntimeExceeded' });
  });
});

describe('a stop that arrives before the process starts', () => {
  it('never starts the process and ends Stopped', async () => {
    const root = tmpDir();
    const code = writeScript(path.join(root, 'src'), 'open("started", "w").write("yes")\n');
    const job = new TrainingProcess(spec(root, { algorithm: { entryPoint: 'train.py', sourceDir: code } }));
    const running = job.run();
    job.stop();
    expect(await running).toMatchObject({ status: 'Stopped', secondaryStatus: 'Stopped', exitCode: null });
    expect(fs.existsSync(path.join(root, 'job', 'code', 'started'))).toBe(false);
  });
});
