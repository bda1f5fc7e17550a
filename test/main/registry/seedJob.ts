import path from 'node:path';
import type { Lathe } from '../../../main/app';
import { TrainingStore, type TrainingJobRow } from '../../../main/training/trainingStore';

/** A finished training job as the training service records it, without running one. */
export function seedJob(lathe: Lathe, name: string, status: 'Completed' | 'Failed'): void {
  const at = '2026-01-01T00:00:00.000Z';
  const row: TrainingJobRow = {
    name,
    arn: `arn:aws:sagemaker:local:000000000000:training-job/${name}`,
    request: { TrainingJobName: name, AlgorithmSpecification: { AlgorithmName: 'xgboost' }, HyperParameters: { max_depth: '5', num_round: '50' }, OutputDataConfig: { S3OutputPath: 's3://demo/out' } },
    status,
    secondaryStatus: status,
    transitions: [],
    failureReason: status === 'Failed' ? 'boom' : null,
    modelArtifacts: status === 'Completed' ? path.join(lathe.home, 's3', 'demo', 'out', name, 'output', 'model.tar.gz') : null,
    finalMetrics: status === 'Completed' ? [{ MetricName: 'validation:auc', Value: 0.97, Timestamp: at }] : [],
    createdAt: at,
    startedAt: at,
    endedAt: at,
    modifiedAt: at,
    handle: null,
    attempts: 1,
    usedSeconds: 1,
  };
  new TrainingStore(lathe.store).insert(row);
}
