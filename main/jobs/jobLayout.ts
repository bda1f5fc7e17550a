/**
 * A job folder laid out like /opt/ml (sagemaker-contracts.md §1.2, §1.3): the paths, the three config
 * files, and the channels' data put in place. Path and config builders are pure; writeJobFolder does
 * the I/O.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { invalid, notFound } from '../api/errors';
import { copyPlace, linkOrCopy, placeTree, statOrNull, type LinkFn, type PlaceCounts } from './materialize';

/** The part of node:path the layout needs; pass path.posix for paths inside a Linux container. */
export type PathJoin = Pick<typeof path, 'join'>;

export interface JobPaths {
  root: string;
  input: string;
  inputConfig: string;
  hyperParameters: string;
  inputDataConfig: string;
  resourceConfig: string;
  inputData: string;
  model: string;
  output: string;
  outputData: string;
  outputIntermediate: string;
  /** A file: the algorithm's failure reason. */
  failure: string;
  checkpoints: string;
  code: string;
}

export function jobPaths(root: string, paths: PathJoin = path): JobPaths {
  const j = (...parts: string[]) => paths.join(root, ...parts);
  return {
    root,
    input: j('input'),
    inputConfig: j('input', 'config'),
    hyperParameters: j('input', 'config', 'hyperparameters.json'),
    inputDataConfig: j('input', 'config', 'inputdataconfig.json'),
    resourceConfig: j('input', 'config', 'resourceconfig.json'),
    inputData: j('input', 'data'),
    model: j('model'),
    output: j('output'),
    outputData: j('output', 'data'),
    outputIntermediate: j('output', 'intermediate'),
    failure: j('output', 'failure'),
    checkpoints: j('checkpoints'),
    code: j('code'),
  };
}

/** input/data/<name>: where a channel's files are. */
export function channelDir(root: string, name: string, paths: PathJoin = path): string {
  return paths.join(jobPaths(root, paths).inputData, name);
}

/** The folders writeJobFolder creates (their parents come with them). */
export const JOB_FOLDERS = ['inputConfig', 'inputData', 'model', 'outputData', 'outputIntermediate', 'checkpoints', 'code'] as const;

export type TrainingInputMode = 'File' | 'FastFile' | 'Pipe';

export interface ChannelSpec {
  name: string;
  /** A local file or folder. */
  source: string;
  contentType?: string;
  inputMode?: TrainingInputMode;
}

export interface JobFolderSpec {
  /** CreateTrainingJob.HyperParameters, string → string as given. */
  hyperParameters: Record<string, string>;
  channels: ChannelSpec[];
  instanceType?: string;
  /** A folder (or file) of checkpoints from an earlier run, copied into checkpoints/ when it exists. */
  checkpointSource?: string | null;
}

export interface InputChannelConfig {
  ContentType?: string;
  TrainingInputMode: TrainingInputMode;
  S3DistributionType: 'FullyReplicated';
  RecordWrapperType: 'None';
}

export type InputDataConfig = Record<string, InputChannelConfig>;

export interface InstanceGroup {
  instance_group_name: string;
  instance_type: string;
  hosts: string[];
}

export interface ResourceConfig {
  current_host: string;
  hosts: string[];
  network_interface_name: string;
  current_instance_type: string;
  current_group_name: string;
  instance_groups: InstanceGroup[];
}

export const CURRENT_HOST = 'algo-1';
export const NETWORK_INTERFACE = 'eth0';
const GROUP = 'homogeneousCluster';
const CHANNEL_NAME = /^[A-Za-z0-9.\-_]{1,64}$/;

/** Throws invalid-argument unless every name is a valid SageMaker channel name, once. */
export function validateChannelNames(names: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const name of names) {
    if (!CHANNEL_NAME.test(name) || name === '.' || name === '..') {
      throw invalid(
        `Channel name ${JSON.stringify(name)} is not valid: use 1 to 64 letters, digits, dots, hyphens ` +
          `or underscores (and not "." or "..").`,
      );
    }
    const other = seen.get(name.toUpperCase());
    if (other === name) throw invalid(`Channel ${JSON.stringify(name)} is given twice; channel names must be unique.`);
    if (other !== undefined) {
      throw invalid(
        `Channels ${JSON.stringify(other)} and ${JSON.stringify(name)} differ only in case; they would share ` +
          `SM_CHANNEL_${name.toUpperCase()}. Rename one.`,
      );
    }
    seen.set(name.toUpperCase(), name);
  }
}

/** inputdataconfig.json: one entry per channel, in the order given. */
export function inputDataConfig(channels: readonly ChannelSpec[]): InputDataConfig {
  const config: InputDataConfig = {};
  for (const channel of channels) {
    config[channel.name] = {
      ...(channel.contentType !== undefined ? { ContentType: channel.contentType } : {}),
      TrainingInputMode: channel.inputMode ?? 'File',
      S3DistributionType: 'FullyReplicated',
      RecordWrapperType: 'None',
    };
  }
  return config;
}

/** resourceconfig.json for the one host a local job has. */
export function resourceConfig(instanceType?: string): ResourceConfig {
  const type = instanceType ?? 'local';
  return {
    current_host: CURRENT_HOST,
    hosts: [CURRENT_HOST],
    network_interface_name: NETWORK_INTERFACE,
    current_instance_type: type,
    current_group_name: GROUP,
    instance_groups: [{ instance_group_name: GROUP, instance_type: type, hosts: [CURRENT_HOST] }],
  };
}

export interface WriteJobFolderOptions {
  /** How to hard-link a file (fs.promises.link); tests inject failures. */
  link?: LinkFn;
}

export interface JobFolderResult {
  paths: JobPaths;
  inputDataConfig: InputDataConfig;
  resourceConfig: ResourceConfig;
  channels: Array<{ name: string; dir: string } & PlaceCounts>;
  /** Files copied into checkpoints/ (0 when there was nothing to restore). */
  checkpointsRestored: number;
}

/**
 * Lay out a job folder under `root`: the folders, the three config files, each channel's data under
 * input/data/<name>/ (hard links, or copies where links cannot be made) and any checkpoints to
 * resume from. Checks the channels before writing anything.
 */
export async function writeJobFolder(root: string, spec: JobFolderSpec, options: WriteJobFolderOptions = {}): Promise<JobFolderResult> {
  for (const [key, value] of Object.entries(spec.hyperParameters)) {
    if (typeof value !== 'string') {
      throw invalid(`HyperParameters.${key} is ${JSON.stringify(value)}; hyperparameter values must be strings.`);
    }
  }
  validateChannelNames(spec.channels.map((channel) => channel.name));
  for (const channel of spec.channels) {
    if (!(await statOrNull(channel.source))) {
      throw notFound(`Channel ${JSON.stringify(channel.name)}: its data source ${channel.source} does not exist.`);
    }
    if (await within(channel.source, channelDir(root, channel.name))) {
      throw invalid(`Channel ${JSON.stringify(channel.name)}: its data source ${channel.source} is inside the job folder it would fill.`);
    }
  }

  const paths = jobPaths(root);
  for (const key of JOB_FOLDERS) await fsp.mkdir(paths[key], { recursive: true });
  const dataConfig = inputDataConfig(spec.channels);
  const resources = resourceConfig(spec.instanceType);
  await writeJson(paths.hyperParameters, spec.hyperParameters);
  await writeJson(paths.inputDataConfig, dataConfig);
  await writeJson(paths.resourceConfig, resources);

  const place = linkOrCopy(options.link);
  const channels: JobFolderResult['channels'] = [];
  for (const channel of spec.channels) {
    const dir = channelDir(root, channel.name);
    // A re-run starts from the source again, not from what the last run left here.
    await fsp.rm(dir, { recursive: true, force: true });
    const counts = await placeTree(channel.source, dir, place, `Channel ${JSON.stringify(channel.name)}`);
    channels.push({ name: channel.name, dir, ...counts });
  }

  let checkpointsRestored = 0;
  const restore = spec.checkpointSource;
  if (restore && (await statOrNull(restore)) && !(await within(restore, paths.checkpoints))) {
    const counts = await placeTree(restore, paths.checkpoints, copyPlace, 'Checkpoints');
    checkpointsRestored = counts.copied;
  }
  return { paths, inputDataConfig: dataConfig, resourceConfig: resources, channels, checkpointsRestored };
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await fsp.writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Whether `file` (which exists) is `dir` or lies under it, symbolic links resolved. */
async function within(file: string, dir: string): Promise<boolean> {
  const realDir = await fsp.realpath(dir).catch(() => path.resolve(dir));
  const relative = path.relative(realDir, await fsp.realpath(file));
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
