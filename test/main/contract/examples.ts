import type { Channel } from '../../../main/contract/channels';

/**
 * One valid request per channel. The contract test fails when a channel has none, so every new
 * channel comes with an example that the fuzz test mutates into malformed payloads.
 */
export const EXAMPLES: Record<Channel, Record<string, unknown>> = {
  'app.info': {},
  'system.info': { refresh: false },
  'system.probePython': { path: '/usr/bin/python3' },
  'settings.get': {},
  'settings.update': {
    patch: {
      pythonPath: '/usr/bin/python3',
      theme: 'dark',
      dataFolders: ['/data'],
      concurrency: { cpuSlots: 2, gpuSamplingSeconds: 5 },
    },
  },
  'events.list': { limit: 10, beforeId: 5 },
  'training.create': {
    TrainingJobName: 'fraud-xgb-1',
    AlgorithmSpecification: { AlgorithmName: 'xgboost', TrainingInputMode: 'File', MetricDefinitions: [{ Name: 'validation:auc', Regex: 'auc:([0-9.]+)' }] },
    RoleArn: 'arn:aws:iam::000000000000:role/lathe',
    HyperParameters: { num_round: '10', objective: 'binary:logistic' },
    InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bucket/train' } }, ContentType: 'text/csv' }],
    OutputDataConfig: { S3OutputPath: 's3://bucket/output' },
    ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 10 },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    Environment: { A: 'b' },
  },
  'training.describe': { TrainingJobName: 'fraud-xgb-1' },
  'training.list': { StatusEquals: 'Completed', NameContains: 'fraud', MaxResults: 10 },
  'training.stop': { TrainingJobName: 'fraud-xgb-1' },
  'training.interrupt': { TrainingJobName: 'fraud-xgb-1' },
  'training.metrics': { TrainingJobName: 'fraud-xgb-1', MetricName: 'validation:auc' },
  'training.logs': { TrainingJobName: 'fraud-xgb-1', start: -200, limit: 500 },
  'training.algorithms': {},
  'processing.create': {
    ProcessingJobName: 'fraud-prep-1',
    ProcessingInputs: [{ InputName: 'raw', S3Input: { S3Uri: 's3://bucket/raw', LocalPath: '/opt/ml/processing/input', S3DataType: 'S3Prefix', S3InputMode: 'File' } }],
    ProcessingOutputConfig: { Outputs: [{ OutputName: 'train', S3Output: { S3Uri: 's3://bucket/train', LocalPath: '/opt/ml/processing/train', S3UploadMode: 'EndOfJob' } }] },
    ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } },
    StoppingCondition: { MaxRuntimeInSeconds: 600 },
    AppSpecification: { ImageUri: 'lathe-python:local', ContainerEntrypoint: ['python3', '/opt/ml/processing/input/code/prep.py'], ContainerArguments: ['--split', '0.2'] },
    Environment: { A: 'b' },
    RoleArn: 'arn:aws:iam::000000000000:role/lathe',
  },
  'processing.describe': { ProcessingJobName: 'fraud-prep-1' },
  'processing.list': { StatusEquals: 'Completed', NameContains: 'fraud', MaxResults: 10 },
  'processing.stop': { ProcessingJobName: 'fraud-prep-1' },
  'processing.logs': { ProcessingJobName: 'fraud-prep-1', start: 0, limit: 100 },
  'files.list': { path: '/tmp', showHidden: false },
  'files.preview': { path: '/tmp/train.csv', rows: 20 },
  'experiments.list': { includeDeleted: false },
  'experiments.create': { name: 'fraud', tags: { team: 'risk' } },
  'runs.search': { experimentIds: ['1'], maxResults: 100 },
  'runs.get': { runId: '0123456789abcdef0123456789abcdef' },
  'runs.metricHistory': { runId: '0123456789abcdef0123456789abcdef', key: 'validation:auc', width: 800 },
};
