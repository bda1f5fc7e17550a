import { describe, expect, it } from 'vitest';
import { LatheFault } from '../../../main/api/errors';
import { inputDataConfig, resourceConfig } from '../../../main/jobs/jobLayout';
import { pythonJsonDumps } from '../../../main/jobs/pythonJson';
import { containerEnvironment, trainingEnvironment, type TrainingEnvInput } from '../../../main/jobs/trainingEnv';

const RESOURCES = resourceConfig('ml.m5.xlarge');
const DATA = inputDataConfig([
  { name: 'training', source: '/data/train.csv', contentType: 'text/csv' },
  { name: 'eval-set', source: '/data/eval' },
]);

const RESOURCES_JSON =
  '{"current_group_name":"homogeneousCluster","current_host":"algo-1","current_instance_type":"ml.m5.xlarge",' +
  '"hosts":["algo-1"],"instance_groups":[{"hosts":["algo-1"],"instance_group_name":"homogeneousCluster",' +
  '"instance_type":"ml.m5.xlarge"}],"network_interface_name":"eth0"}';
const DATA_JSON =
  '{"eval-set":{"RecordWrapperType":"None","S3DistributionType":"FullyReplicated","TrainingInputMode":"File"},' +
  '"training":{"ContentType":"text/csv","RecordWrapperType":"None","S3DistributionType":"FullyReplicated","TrainingInputMode":"File"}}';

function example(overrides: Partial<TrainingEnvInput> = {}): TrainingEnvInput {
  return {
    jobName: 'fraud-xgb-1',
    jobArn: 'arn:aws:sagemaker:local:000000000000:training-job/fraud-xgb-1',
    root: '/home/me/.lathe/jobs/fraud-xgb-1',
    channels: ['training', 'eval-set'],
    hyperParameters: { 'max_depth': 5, 'learning-rate': 0.1, 'objective': 'binary:logistic', 'early_stop': true, 'layers': [64, 32] },
    userArgs: ['--early_stop', 'True', '--layers', '[64, 32]', '--learning-rate', '0.1', '--max_depth', '5', '--objective', 'binary:logistic'],
    numGpus: 1,
    numCpus: 16,
    instanceType: 'ml.m5.xlarge',
    resourceConfig: RESOURCES,
    inputDataConfig: DATA,
    ...overrides,
  };
}

/** Everything but the paths, which differ between a local process and a container. */
const COMMON = {
  TRAINING_JOB_NAME: 'fraud-xgb-1',
  TRAINING_JOB_ARN: 'arn:aws:sagemaker:local:000000000000:training-job/fraud-xgb-1',
  SM_CHANNELS: '["eval-set","training"]',
  SM_HPS: '{"early_stop":true,"layers":[64,32],"learning-rate":0.1,"max_depth":5,"objective":"binary:logistic"}',
  'SM_HP_MAX_DEPTH': '5',
  'SM_HP_LEARNING-RATE': '0.1',
  'SM_HP_OBJECTIVE': 'binary:logistic',
  'SM_HP_EARLY_STOP': 'true',
  'SM_HP_LAYERS': '[64,32]',
  SM_HOSTS: '["algo-1"]',
  SM_CURRENT_HOST: 'algo-1',
  SM_NUM_GPUS: '1',
  SM_NUM_CPUS: '16',
  SM_USER_ARGS: '["--early_stop","True","--layers","[64, 32]","--learning-rate","0.1","--max_depth","5","--objective","binary:logistic"]',
  SM_NETWORK_INTERFACE_NAME: 'eth0',
  SM_CURRENT_INSTANCE_TYPE: 'ml.m5.xlarge',
  SM_RESOURCE_CONFIG: RESOURCES_JSON,
  SM_INPUT_DATA_CONFIG: DATA_JSON,
};

describe('trainingEnvironment', () => {
  it('gives a local process the platform variables and the SM_* set with paths under the job folder', () => {
    const root = '/home/me/.lathe/jobs/fraud-xgb-1';
    expect(trainingEnvironment(example())).toEqual({
      ...COMMON,
      SAGEMAKER_BASE_DIR: root,
      LATHE_ML_ROOT: root,
      SM_MODEL_DIR: `${root}/model`,
      'SM_CHANNEL_TRAINING': `${root}/input/data/training`,
      'SM_CHANNEL_EVAL-SET': `${root}/input/data/eval-set`,
      SM_INPUT_DIR: `${root}/input`,
      SM_INPUT_CONFIG_DIR: `${root}/input/config`,
      SM_OUTPUT_DIR: `${root}/output`,
      SM_OUTPUT_DATA_DIR: `${root}/output/data`,
      SM_OUTPUT_INTERMEDIATE_DIR: `${root}/output/intermediate`,
    });
  });

  it("lets the job's Environment win over everything except TRAINING_JOB_NAME and TRAINING_JOB_ARN", () => {
    const env = trainingEnvironment(
      example({ environment: { SM_NUM_GPUS: '0', OMP_NUM_THREADS: '4', TRAINING_JOB_NAME: 'spoofed', TRAINING_JOB_ARN: 'spoofed' } }),
    );
    expect(env.SM_NUM_GPUS).toBe('0');
    expect(env.OMP_NUM_THREADS).toBe('4');
    expect(env.TRAINING_JOB_NAME).toBe('fraud-xgb-1');
    expect(env.TRAINING_JOB_ARN).toBe('arn:aws:sagemaker:local:000000000000:training-job/fraud-xgb-1');
  });

  it('says "local" when there is no instance type, and gives null hyperparameters as empty strings', () => {
    const env = trainingEnvironment(example({ instanceType: undefined, hyperParameters: { seed: null, name: 'x' } }));
    expect(env.SM_CURRENT_INSTANCE_TYPE).toBe('local');
    expect(env.SM_HP_SEED).toBe('');
    expect(env.SM_HP_NAME).toBe('x');
    expect(env.SM_HPS).toBe('{"name":"x","seed":null}');
  });

  it('refuses a hyperparameter name that cannot be an environment variable name', () => {
    let caught: unknown;
    try {
      trainingEnvironment(example({ hyperParameters: { 'a=b': 1 } }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LatheFault);
    expect((caught as LatheFault).code).toBe('invalid-argument');
    expect((caught as LatheFault).message).toContain('"SM_HP_A=B" cannot be passed to a process');
    expect((caught as LatheFault).message).toContain('rename the hyperparameter');
  });
});

describe('containerEnvironment', () => {
  it('gives the same variables with the job folder at /opt/ml', () => {
    const { root: _root, ...input } = example();
    expect(containerEnvironment(input)).toEqual({
      ...COMMON,
      SAGEMAKER_BASE_DIR: '/opt/ml',
      LATHE_ML_ROOT: '/opt/ml',
      SM_MODEL_DIR: '/opt/ml/model',
      'SM_CHANNEL_TRAINING': '/opt/ml/input/data/training',
      'SM_CHANNEL_EVAL-SET': '/opt/ml/input/data/eval-set',
      SM_INPUT_DIR: '/opt/ml/input',
      SM_INPUT_CONFIG_DIR: '/opt/ml/input/config',
      SM_OUTPUT_DIR: '/opt/ml/output',
      SM_OUTPUT_DATA_DIR: '/opt/ml/output/data',
      SM_OUTPUT_INTERMEDIATE_DIR: '/opt/ml/output/intermediate',
    });
  });
});

describe('pythonJsonDumps', () => {
  it.each([
    [{ b: 1, a: { d: [1, 'x'], c: null } }, '{"a":{"c":null,"d":[1,"x"]},"b":1}'],
    [{ '10': 'ten', '9': 'nine', a: 'a' }, '{"10":"ten","9":"nine","a":"a"}'],
    ['café ☕ 😀', '"caf\\u00e9 \\u2615 \\ud83d\\ude00"'],
    ['tab\tnew\nline\u0001\u007f', '"tab\\tnew\\nline\\u0001\\u007f"'],
    [[Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], '[NaN,Infinity,-Infinity]'],
    [12345678901234567890n, '12345678901234567890'],
    [{ kept: 1, dropped: undefined }, '{"kept":1}'],
    [{ '\u{1F600}': 1, '\uFFFF': 2 }, '{"\\uffff":2,"\\ud83d\\ude00":1}'],
  ])('dumps case %# as Python would', (value, expected) => {
    expect(pythonJsonDumps(value)).toBe(expected);
  });
});
