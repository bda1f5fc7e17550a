// Model registry figures for `npm run bench`: how long an evaluation takes from registry.evaluate
// to its reports filed on the version, for the seed POC's test set (2,000 rows) and a 100,000-row one.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLathe, type Lathe } from '../main/app';
import { pythonResourcesDir } from '../main/system/resources';

const PYTHON = '/usr/bin/python3';
const FEATURES = ['amount', 'hour', 'merchant_risk', 'velocity_24h'];
const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? NaN;

/** The seed's fraud data: train.csv and test.csv (2,000 rows), plus big/test.csv with `bigRows` rows. */
function writeData(home: string, bigRows: number): void {
  const script = `import sys, os, shutil
from lathe.datasets import write_seed_fraud_csv, seed_fraud_frame
import pandas as pd
home, big = sys.argv[1], int(sys.argv[2])
paths = write_seed_fraud_csv(os.path.join(home, "tmp"))
for name in ("train", "test"):
    os.makedirs(os.path.join(home, "s3", "bench-data", name))
    shutil.copy(paths[name], os.path.join(home, "s3", "bench-data", name))
frame = seed_fraud_frame(big, seed=7)
os.makedirs(os.path.join(home, "s3", "bench-data", "big"))
pd.concat([frame["fraud"], frame.drop("fraud", axis=1)], axis=1).to_csv(os.path.join(home, "s3", "bench-data", "big", "test.csv"), index=False, header=False)`;
  execFileSync(PYTHON, ['-c', script, home, String(bigRows)], { env: { ...process.env, PYTHONPATH: pythonResourcesDir() } });
}

async function until<T>(read: () => T, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** registry.evaluate → the evaluation filed (Completed), in ms. */
async function evaluateOnce(lathe: Lathe, arn: string, testDataUrl: string): Promise<number> {
  const start = performance.now();
  const { ProcessingJobName } = await lathe.registry.evaluate({ ModelPackageArn: arn, TestDataUrl: testDataUrl, FeatureNames: FEATURES, Facet: { NameOrIndex: 'merchant_risk', Threshold: 0.5 } }, 'bench');
  const done = await until(
    () => lathe.registry.listEvaluations(arn).Evaluations.find((e) => e.ProcessingJobName === ProcessingJobName)!,
    (e) => e.Status !== 'InProgress',
  );
  if (done.Status !== 'Completed') throw new Error(`evaluation ${ProcessingJobName} ${done.Status}: ${done.FailureReason ?? ''}`);
  return performance.now() - start;
}

export async function registryFigures(runs: number): Promise<string[]> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-registry-'));
  const bigRows = 100_000;
  writeData(home, bigRows);
  const lathe = await createLathe({ home, background: false, stopJobsOnDispose: true, stopGraceSeconds: 1, env: { ...process.env, LATHE_PYTHON: PYTHON } });
  try {
    await lathe.router.invoke('training.create', {
      TrainingJobName: 'bench-fraud',
      AlgorithmSpecification: { AlgorithmName: 'xgboost', TrainingInputMode: 'File' },
      RoleArn: 'arn:aws:iam::000000000000:role/lathe',
      HyperParameters: { num_round: '100', max_depth: '5', eta: '0.2', objective: 'binary:logistic', eval_metric: 'auc', subsample: '0.8' },
      InputDataConfig: ['train', 'test'].map((channel) => ({ ChannelName: channel === 'test' ? 'validation' : 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://bench-data/${channel}` } } })),
      OutputDataConfig: { S3OutputPath: 's3://bench-data/output' },
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 5 },
    });
    await until(() => lathe.training.describe('bench-fraud').TrainingJobStatus, (s) => s !== 'InProgress');
    lathe.registry.createGroup({ ModelPackageGroupName: 'BenchFraud' });
    const { ModelPackageArn: arn } = lathe.registry.createVersion({ ModelPackageGroupName: 'BenchFraud', SourceTrainingJobName: 'bench-fraud' }, 'bench');
    const small: number[] = [];
    const big: number[] = [];
    for (let i = 0; i < runs; i++) small.push(await evaluateOnce(lathe, arn, 's3://bench-data/test'));
    for (let i = 0; i < Math.max(1, Math.floor(runs / 2)); i++) big.push(await evaluateOnce(lathe, arn, 's3://bench-data/big'));
    return [
      `registry evaluation (evaluation + TreeSHAP + bias), evaluate → reports filed, 2,000 rows:   median ${median(small).toFixed(0)} ms (n=${small.length})`,
      `registry evaluation (evaluation + TreeSHAP + bias), evaluate → reports filed, ${bigRows.toLocaleString('en')} rows: median ${median(big).toFixed(0)} ms (n=${big.length})`,
    ];
  } finally {
    await lathe.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  }
}
