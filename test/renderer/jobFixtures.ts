import type { AlgorithmInfo, ProcessingJobSummary, TrainingJobDescription, TrainingJobSummary } from '../../main/contract/training';

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

export const xgboost: AlgorithmInfo = {
  name: 'xgboost',
  title: 'XGBoost',
  description: 'Gradient-boosted trees with SageMaker XGBoost hyperparameter names.',
  channels: [
    { name: 'train', required: true, description: 'Training rows: CSV, label first, no header' },
    { name: 'validation', required: false, description: 'Validation rows, same format' },
  ],
  hyperparameters: [
    { name: 'num_round', type: 'integer', required: true, description: 'number of boosting rounds', min: 1, max: 100000 },
    { name: 'objective', type: 'categorical', required: false, default: 'reg:squarederror', description: 'learning task', values: ['binary:logistic', 'reg:squarederror', 'multi:softmax'] },
    { name: 'eval_metric', type: 'categorical', required: false, description: 'validation metrics, e.g. auc' },
    { name: 'eta', type: 'continuous', required: false, default: '0.3', description: 'step size shrinkage', min: 0, max: 1 },
    { name: 'max_depth', type: 'integer', required: false, default: '6', description: 'maximum tree depth', min: 0 },
    { name: 'subsample', type: 'continuous', required: false, default: '1', description: 'row subsample ratio', min: 0, max: 1, minExclusive: true },
  ],
};

export const linearLearner: AlgorithmInfo = {
  name: 'linear-learner',
  title: 'Linear Learner',
  description: 'Linear models with scikit-learn.',
  channels: [{ name: 'train', required: true, description: 'Training rows' }],
  hyperparameters: [
    { name: 'predictor_type', type: 'categorical', required: true, description: 'what to predict', values: ['binary_classifier', 'regressor'] },
    { name: 'normalize_data', type: 'boolean', required: false, default: 'true', description: 'scale features first' },
  ],
};

export const algorithms: AlgorithmInfo[] = [xgboost, linearLearner];

export function trainingSummary(name: string, patch: Partial<TrainingJobSummary> = {}): TrainingJobSummary {
  return {
    Kind: 'training',
    TrainingJobName: name,
    TrainingJobArn: `arn:aws:sagemaker:local:000000000000:training-job/${name}`,
    TrainingJobStatus: 'Completed',
    SecondaryStatus: 'Completed',
    CreationTime: minutesAgo(10),
    TrainingStartTime: minutesAgo(10),
    TrainingEndTime: minutesAgo(8),
    LastModifiedTime: minutesAgo(8),
    Algorithm: 'xgboost',
    Backend: 'process',
    Cpus: 1,
    Gpus: 0,
    ...patch,
  };
}

export function processingSummary(name: string, patch: Partial<ProcessingJobSummary> = {}): ProcessingJobSummary {
  return {
    Kind: 'processing',
    ProcessingJobName: name,
    ProcessingJobArn: `arn:aws:sagemaker:local:000000000000:processing-job/${name}`,
    ProcessingJobStatus: 'Completed',
    CreationTime: minutesAgo(30),
    ProcessingStartTime: minutesAgo(30),
    ProcessingEndTime: minutesAgo(29),
    LastModifiedTime: minutesAgo(29),
    Algorithm: 'lathe-python:local',
    Backend: 'docker',
    Cpus: 2,
    Gpus: 1,
    ...patch,
  };
}

export function trainingDescription(name: string, patch: Partial<TrainingJobDescription> = {}): TrainingJobDescription {
  return {
    TrainingJobName: name,
    TrainingJobArn: `arn:aws:sagemaker:local:000000000000:training-job/${name}`,
    TrainingJobStatus: 'Completed',
    SecondaryStatus: 'Completed',
    SecondaryStatusTransitions: [
      { Status: 'Starting', StartTime: minutesAgo(10), EndTime: minutesAgo(9.9), StatusMessage: 'Preparing the job folder' },
      { Status: 'Training', StartTime: minutesAgo(9.9), EndTime: minutesAgo(8), StatusMessage: 'Training image download completed. Training in progress.' },
      { Status: 'Completed', StartTime: minutesAgo(8), EndTime: minutesAgo(8), StatusMessage: 'Training job completed' },
    ],
    AlgorithmSpecification: { AlgorithmName: 'xgboost', TrainingInputMode: 'File' },
    HyperParameters: { num_round: '100', objective: 'binary:logistic', eta: '0.2' },
    InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 'file:///data/fraud/train.csv' } } }],
    OutputDataConfig: { S3OutputPath: 's3://lathe/output' },
    ResourceConfig: { InstanceType: 'local', InstanceCount: 1 },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    ModelArtifacts: { S3ModelArtifacts: `/home/me/.config/Lathe/s3/lathe/output/${name}/output/model.tar.gz` },
    FinalMetricDataList: [{ MetricName: 'validation:auc', Value: 0.97312, Timestamp: minutesAgo(8) }],
    CreationTime: minutesAgo(10),
    TrainingStartTime: minutesAgo(10),
    TrainingEndTime: minutesAgo(8),
    LastModifiedTime: minutesAgo(8),
    ...patch,
  };
}
