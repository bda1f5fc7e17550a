/**
 * The environment a training job's process gets (sagemaker-contracts.md §1.5): what the platform sets
 * (TRAINING_JOB_NAME, TRAINING_JOB_ARN, CreateTrainingJob.Environment) plus the SM_* variables the
 * training toolkit would compute, pre-set for images and scripts that do not use the toolkit. Pure.
 */
import path from 'node:path';
import { invalid } from '../api/errors';
import { CURRENT_HOST, NETWORK_INTERFACE, channelDir, jobPaths, type InputDataConfig, type PathJoin, type ResourceConfig } from './jobLayout';
import { compareCodePoints, pythonJsonDumps } from './pythonJson';

export interface TrainingEnvInput {
  jobName: string;
  jobArn: string;
  /** The job folder standing in for /opt/ml. */
  root: string;
  channels: string[];
  /** User hyperparameters, already JSON-decoded (framework `sagemaker_*` keys split off). */
  hyperParameters: Record<string, unknown>;
  /** The argv the entry point gets (SM_USER_ARGS). */
  userArgs: string[];
  numGpus: number;
  numCpus: number;
  instanceType?: string;
  resourceConfig: ResourceConfig;
  inputDataConfig: InputDataConfig;
  /** CreateTrainingJob.Environment: wins over everything but TRAINING_JOB_NAME and TRAINING_JOB_ARN. */
  environment?: Record<string, string>;
}

/** The toolkit's format_value: strings as they are, None as "", anything else as Python's compact JSON. */
function envValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return pythonJsonDumps(value);
}

function build(input: TrainingEnvInput, paths: PathJoin): Record<string, string> {
  const layout = jobPaths(input.root, paths);
  const env: Record<string, string> = {
    SAGEMAKER_BASE_DIR: input.root,
    LATHE_ML_ROOT: input.root,
    SM_MODEL_DIR: layout.model,
    SM_CHANNELS: pythonJsonDumps([...input.channels].sort(compareCodePoints)),
    SM_HPS: pythonJsonDumps(input.hyperParameters),
    SM_HOSTS: pythonJsonDumps([CURRENT_HOST]),
    SM_CURRENT_HOST: CURRENT_HOST,
    SM_NUM_GPUS: String(input.numGpus),
    SM_NUM_CPUS: String(input.numCpus),
    SM_INPUT_DIR: layout.input,
    SM_INPUT_CONFIG_DIR: layout.inputConfig,
    SM_OUTPUT_DIR: layout.output,
    SM_OUTPUT_DATA_DIR: layout.outputData,
    SM_OUTPUT_INTERMEDIATE_DIR: layout.outputIntermediate,
    SM_USER_ARGS: pythonJsonDumps(input.userArgs),
    SM_NETWORK_INTERFACE_NAME: NETWORK_INTERFACE,
    SM_CURRENT_INSTANCE_TYPE: input.instanceType ?? 'local',
    SM_RESOURCE_CONFIG: pythonJsonDumps(input.resourceConfig),
    SM_INPUT_DATA_CONFIG: pythonJsonDumps(input.inputDataConfig),
  };
  for (const name of input.channels) env[`SM_CHANNEL_${name.toUpperCase()}`] = channelDir(input.root, name, paths);
  for (const [name, value] of Object.entries(input.hyperParameters)) env[`SM_HP_${name.toUpperCase()}`] = envValue(value);
  Object.assign(env, input.environment ?? {});
  env.TRAINING_JOB_NAME = input.jobName;
  env.TRAINING_JOB_ARN = input.jobArn;
  assertSpawnable(env);
  return env;
}

/** A child process cannot be given a name with "=" or a NUL anywhere; say which entry is at fault. */
function assertSpawnable(env: Record<string, string>): void {
  for (const [name, value] of Object.entries(env)) {
    if (name === '' || name.includes('=') || name.includes('\0')) {
      const fix = name.startsWith('SM_HP_') ? 'rename the hyperparameter' : 'rename the variable';
      throw invalid(`Environment variable name ${JSON.stringify(name)} cannot be passed to a process ("=" and NUL are not allowed); ${fix}.`);
    }
    if (value.includes('\0')) throw invalid(`Environment variable ${name} contains a NUL character, which a process cannot receive.`);
  }
}

/** The environment for a job run as a local process, with paths under the job folder. */
export function trainingEnvironment(input: TrainingEnvInput): Record<string, string> {
  return build(input, path);
}

/** The same for a job run in a container, where the job folder is mounted at /opt/ml. */
export function containerEnvironment(input: Omit<TrainingEnvInput, 'root'>): Record<string, string> {
  return build({ ...input, root: '/opt/ml' }, path.posix);
}
