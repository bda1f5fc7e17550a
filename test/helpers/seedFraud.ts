/**
 * The seed POC's fraud data and XGBoost training job, as several tests use them: the data where
 * `sess.upload_data` leaves it (s3://lathe-demo/fraud/{train,test}/), and the CreateTrainingJob
 * request of section 3 (validation on the test set), ready for overrides.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pythonResourcesDir } from '../../main/system/resources';

/** The seed POC's hyperparameters (section 3). */
export const SEED_HPS = { num_round: '100', max_depth: '5', eta: '0.2', objective: 'binary:logistic', eval_metric: 'auc', subsample: '0.8' };

/** Writes the seed's train.csv and test.csv (label first, no header) into `home`'s object store. */
export function uploadSeedFraud(home: string): void {
  const script = `import sys, os, shutil
from lathe.datasets import write_seed_fraud_csv
paths = write_seed_fraud_csv(os.path.join(sys.argv[1], "tmp"))
for name in ("train", "test"):
    folder = os.path.join(sys.argv[1], "s3", "lathe-demo", "fraud", name)
    os.makedirs(folder)
    shutil.copy(paths[name], folder)`;
  execFileSync('/usr/bin/python3', ['-c', script, home], { env: { ...process.env, PYTHONPATH: pythonResourcesDir() } });
}

/** The seed's training job on that data, its output under s3://lathe-demo/fraud/output. */
export function seedTrainingJob(name: string, overrides: Record<string, unknown> = {}) {
  return {
    TrainingJobName: name,
    AlgorithmSpecification: { AlgorithmName: 'xgboost', TrainingInputMode: 'File' },
    RoleArn: 'arn:aws:iam::000000000000:role/lathe',
    HyperParameters: SEED_HPS,
    InputDataConfig: ['train', 'test'].map((channel) => ({
      ChannelName: channel === 'test' ? 'validation' : 'train',
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://lathe-demo/fraud/${channel}` } },
      ContentType: 'text/csv',
    })),
    OutputDataConfig: { S3OutputPath: 's3://lathe-demo/fraud/output' },
    ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 5 },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    ...overrides,
  };
}

/** The seed job's model.tar.gz on disk. */
export const seedModelPath = (home: string, job: string) => path.join(home, 's3', 'lathe-demo', 'fraud', 'output', job, 'output', 'model.tar.gz');
