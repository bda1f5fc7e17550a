/**
 * Pure logic of the "New training job" form: a draft for an algorithm (or a clone of a job), the
 * checks the browser can make before asking main, the CreateTrainingJob request, and where a
 * server error belongs. Main stays the authority: these checks only spare a round trip.
 */
import type { LatheError } from '../../../main/contract/result';
import type { RequestOf } from '../../../main/contract/schemas';
import type { AlgorithmInfo, HyperparameterInfo, TrainingJobDescription } from '../../../main/contract/training';
import { displayPath, jobNameProblem, suggestJobName, toDataUri, uniqueName } from '../../lib/jobs';

export type CreateTrainingRequest = RequestOf<'training.create'>;

/** The algorithm choice that means "my own script" rather than a built-in. */
export const SCRIPT = '__script__';
/** The TrainingImage that means "run the script with this machine's Python" (no Docker image given). */
export const LOCAL_SCRIPT_IMAGE = 'lathe:process';
/** Every TrainingImage main reads as "this machine's Python". */
const PROCESS_IMAGES = new Set([LOCAL_SCRIPT_IMAGE, 'local']);
export const DEFAULT_OUTPUT = 's3://lathe/output';
export const DEFAULT_MAX_RUNTIME = '86400';

export interface ChannelDraft {
  id: number;
  name: string;
  /** A path on this machine, a file:// URI or an s3:// URI. */
  path: string;
  required: boolean;
  description: string;
}

export interface ExtraHyperparameter {
  id: number;
  key: string;
  value: string;
}

export interface JobDraft {
  name: string;
  /** The person typed the name: changing the algorithm no longer renames the job. */
  nameEdited: boolean;
  /** A built-in's name, or SCRIPT. */
  algorithm: string;
  entryPoint: string;
  sourceDir: string;
  /** Docker image for script mode; empty = a local process. */
  image: string;
  channels: ChannelDraft[];
  /** Values of the algorithm's own hyperparameters, by name ('' = not given). */
  hyperparameters: Record<string, string>;
  extraHyperparameters: ExtraHyperparameter[];
  outputPath: string;
  instanceType: string;
  maxRuntime: string;
  maxWait: string;
  checkpointUri: string;
  spot: boolean;
}

export interface FormErrors {
  /** A field is invalid when its key is present; '' = invalid, explained by the form message. By field key: name, entryPoint, sourceDir, channel.<id>, hp.<name>, extra.<id>, outputPath, maxRuntime, maxWait, checkpointUri. */
  fields: Record<string, string>;
  form: string | null;
}

export const NO_ERRORS: FormErrors = { fields: {}, form: null };

let nextId = 1;
const newId = () => nextId++;

/** A default value as the form shows it (the catalogue may give numbers and booleans). */
export function defaultText(info: HyperparameterInfo): string {
  const value: unknown = info.default;
  return value === undefined || value === null ? '' : String(value);
}

function channelsFor(algorithm: AlgorithmInfo | null, keep: readonly ChannelDraft[] = []): ChannelDraft[] {
  const specs = algorithm?.channels ?? [{ name: 'train', required: false, description: 'Data your script reads from SM_CHANNEL_TRAIN' }];
  return specs.map((spec) => ({
    id: newId(),
    name: spec.name,
    path: keep.find((channel) => channel.name === spec.name)?.path ?? '',
    required: spec.required,
    description: spec.description,
  }));
}

function defaultsOf(algorithm: AlgorithmInfo | null): Record<string, string> {
  return Object.fromEntries((algorithm?.hyperparameters ?? []).map((info) => [info.name, defaultText(info)]));
}

export function algorithmNamed(algorithms: readonly AlgorithmInfo[], name: string): AlgorithmInfo | null {
  return algorithms.find((algorithm) => algorithm.name === name) ?? null;
}

/** A fresh draft for `algorithm` (a built-in's name or SCRIPT), named uniquely. */
export function newDraft(algorithms: readonly AlgorithmInfo[], algorithm: string, taken: ReadonlySet<string>, now: Date): JobDraft {
  const info = algorithmNamed(algorithms, algorithm);
  return {
    name: suggestJobName(info ? info.name : 'script', now, taken),
    nameEdited: false,
    algorithm: info ? info.name : SCRIPT,
    entryPoint: info ? '' : 'train.py',
    sourceDir: '',
    image: '',
    channels: channelsFor(info),
    hyperparameters: defaultsOf(info),
    extraHyperparameters: [],
    outputPath: DEFAULT_OUTPUT,
    instanceType: 'local',
    maxRuntime: DEFAULT_MAX_RUNTIME,
    maxWait: '',
    checkpointUri: '',
    spot: false,
  };
}

/** The draft with another algorithm: its channels (typed paths kept by name), its defaults, and a new suggested name. */
export function switchAlgorithm(draft: JobDraft, algorithms: readonly AlgorithmInfo[], algorithm: string, taken: ReadonlySet<string>, now: Date): JobDraft {
  const info = algorithmNamed(algorithms, algorithm);
  return {
    ...draft,
    algorithm: info ? info.name : SCRIPT,
    name: draft.nameEdited ? draft.name : suggestJobName(info ? info.name : 'script', now, taken),
    entryPoint: info ? draft.entryPoint : draft.entryPoint || 'train.py',
    channels: channelsFor(info, draft.channels),
    hyperparameters: defaultsOf(info),
  };
}

function decodeScriptValue(text: string | undefined): string {
  if (text === undefined) return '';
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? value : text;
  } catch {
    return text;
  }
}

const numberText = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : '');
const stringAt = (record: Record<string, unknown> | undefined, key: string) => (typeof record?.[key] === 'string' ? (record[key] as string) : '');

/** A draft that repeats `job` under a new name ("Clone"). */
export function draftFromDescription(job: TrainingJobDescription, algorithms: readonly AlgorithmInfo[], taken: ReadonlySet<string>): JobDraft {
  const spec = job.AlgorithmSpecification;
  const builtin = typeof spec.AlgorithmName === 'string' ? algorithmNamed(algorithms, spec.AlgorithmName) : null;
  const hps = { ...job.HyperParameters };
  const program = decodeScriptValue(hps.sagemaker_program);
  const submitDir = decodeScriptValue(hps.sagemaker_submit_directory);
  delete hps.sagemaker_program;
  delete hps.sagemaker_submit_directory;
  const known = new Set((builtin?.hyperparameters ?? []).map((info) => info.name));
  const given = (job.InputDataConfig as Array<{ ChannelName?: string; DataSource?: { S3DataSource?: { S3Uri?: string } } }>).map((channel) => ({
    name: channel.ChannelName ?? '',
    path: displayPath(channel.DataSource?.S3DataSource?.S3Uri ?? ''),
  }));
  const channels = channelsFor(builtin, given.map((channel) => ({ ...channel, id: 0, required: false, description: '' })));
  for (const channel of given) {
    if (!channels.some((c) => c.name === channel.name)) channels.push({ id: newId(), ...channel, required: false, description: '' });
  }
  const image = typeof spec.TrainingImage === 'string' && !PROCESS_IMAGES.has(spec.TrainingImage) ? spec.TrainingImage : '';
  const stopping = job.StoppingCondition as Record<string, unknown>;
  const checkpoint = (job as { CheckpointConfig?: { S3Uri?: string } }).CheckpointConfig?.S3Uri;
  return {
    name: uniqueName(job.TrainingJobName, taken),
    nameEdited: true,
    algorithm: builtin ? builtin.name : SCRIPT,
    entryPoint: builtin ? '' : program,
    sourceDir: builtin ? '' : displayPath(submitDir),
    image: builtin ? '' : image,
    channels,
    hyperparameters: { ...defaultsOf(builtin), ...Object.fromEntries(Object.entries(hps).filter(([key]) => known.has(key))) },
    extraHyperparameters: Object.entries(hps)
      .filter(([key]) => !known.has(key))
      .map(([key, value]) => ({ id: newId(), key, value })),
    outputPath: stringAt(job.OutputDataConfig, 'S3OutputPath') || DEFAULT_OUTPUT,
    instanceType: stringAt(job.ResourceConfig, 'InstanceType') || 'local',
    maxRuntime: numberText(stopping.MaxRuntimeInSeconds) || DEFAULT_MAX_RUNTIME,
    maxWait: numberText(stopping.MaxWaitTimeInSeconds),
    checkpointUri: checkpoint ? displayPath(checkpoint) : '',
    spot: (job as { EnableManagedSpotTraining?: boolean }).EnableManagedSpotTraining === true,
  };
}

export function addChannel(draft: JobDraft): JobDraft {
  const used = new Set(draft.channels.map((channel) => channel.name));
  const name = ['train', 'validation', 'test'].find((candidate) => !used.has(candidate)) ?? uniqueName('channel', used);
  return { ...draft, channels: [...draft.channels, { id: newId(), name, path: '', required: false, description: '' }] };
}

export function addExtraHyperparameter(draft: JobDraft): JobDraft {
  return { ...draft, extraHyperparameters: [...draft.extraHyperparameters, { id: newId(), key: '', value: '' }] };
}

/** Python's float() syntax (decimal, exponent, underscores between digits), as the algorithms parse numbers. */
const PY_NUMBER = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;

/** What is wrong with one hyperparameter value, by its declared type and range; null when fine. */
export function hyperparameterProblem(info: HyperparameterInfo, value: string): string | null {
  const text = value.trim();
  if (text === '') return info.required ? `${info.name} is required.` : null;
  const type = info.type as string;
  if (type === 'integer' || type === 'continuous') {
    const number = PY_NUMBER.test(text) ? Number(text.replace(/_/g, '')) : Number.NaN;
    if (!Number.isFinite(number) || (type === 'integer' && !Number.isInteger(number))) {
      return `${info.name} must be ${type === 'integer' ? 'a whole number' : 'a number'}.`;
    }
    if (info.min !== undefined && (info.minExclusive ? number <= info.min : number < info.min)) {
      return `${info.name} must be ${info.minExclusive ? 'greater than' : 'at least'} ${info.min}.`;
    }
    if (info.max !== undefined && number > info.max) return `${info.name} must be at most ${info.max}.`;
    return null;
  }
  if (type === 'boolean') return /^(true|false|1|0)$/i.test(text) ? null : `${info.name} must be true or false.`;
  if (info.values && info.values.length > 0 && !info.values.includes(text)) {
    return `${info.name} must be one of ${info.values.join(', ')}.`;
  }
  return null;
}

const positiveWhole = (text: string) => /^\d+$/.test(text.trim()) && Number(text) >= 1;

/** Checks the browser can make before asking main. */
export function localErrors(draft: JobDraft, algorithm: AlgorithmInfo | null): FormErrors {
  const fields: Record<string, string> = {};
  const nameProblem = jobNameProblem(draft.name.trim());
  if (nameProblem) fields.name = nameProblem;
  if (draft.algorithm === SCRIPT) {
    if (draft.entryPoint.trim() === '') fields.entryPoint = 'Name the script to run, e.g. train.py.';
    if (draft.sourceDir.trim() === '') fields.sourceDir = 'Choose the folder that holds the script.';
  }
  const seen = new Set<string>();
  for (const channel of draft.channels) {
    const name = channel.name.trim();
    if (!/^[A-Za-z0-9.\-_]{1,64}$/.test(name)) fields[`channel.${channel.id}`] = 'A channel name has 1–64 letters, digits, dots, hyphens or underscores.';
    else if (seen.has(name)) fields[`channel.${channel.id}`] = `There are two channels named ${name}.`;
    else if (channel.required && channel.path.trim() === '') fields[`channel.${channel.id}`] = `The ${name} channel needs a file or folder.`;
    seen.add(name);
  }
  for (const info of algorithm?.hyperparameters ?? []) {
    const problem = hyperparameterProblem(info, draft.hyperparameters[info.name] ?? '');
    if (problem) fields[`hp.${info.name}`] = problem;
  }
  for (const extra of draft.extraHyperparameters) {
    if (extra.key.trim() === '' && extra.value.trim() !== '') fields[`extra.${extra.id}`] = 'Give the hyperparameter a name.';
  }
  if (draft.outputPath.trim() === '') fields.outputPath = 'Say where the model goes, e.g. s3://lathe/output.';
  if (draft.maxRuntime.trim() !== '' && !positiveWhole(draft.maxRuntime)) fields.maxRuntime = 'A whole number of seconds, at least 1.';
  if (draft.maxWait.trim() !== '') {
    if (!positiveWhole(draft.maxWait)) fields.maxWait = 'A whole number of seconds, at least 1.';
    else if (positiveWhole(draft.maxRuntime) && Number(draft.maxWait) < Number(draft.maxRuntime)) {
      fields.maxWait = 'The maximum wait must be at least the maximum runtime.';
    }
  }
  return { fields, form: null };
}

export function hasErrors(errors: FormErrors): boolean {
  return errors.form !== null || Object.keys(errors.fields).length > 0;
}

/** The CreateTrainingJob request the draft describes. */
export function toRequest(draft: JobDraft, algorithm: AlgorithmInfo | null): CreateTrainingRequest {
  const builtin = draft.algorithm !== SCRIPT && algorithm !== null;
  const hyperparameters: Record<string, string> = {};
  if (builtin) {
    for (const info of algorithm.hyperparameters) {
      const value = (draft.hyperparameters[info.name] ?? '').trim();
      if (value !== '') hyperparameters[info.name] = value;
    }
  }
  for (const extra of draft.extraHyperparameters) {
    if (extra.key.trim() !== '') hyperparameters[extra.key.trim()] = extra.value.trim();
  }
  if (!builtin) {
    hyperparameters.sagemaker_program = JSON.stringify(draft.entryPoint.trim());
    hyperparameters.sagemaker_submit_directory = JSON.stringify(toDataUri(draft.sourceDir));
  }
  const channels = draft.channels.filter((channel) => channel.path.trim() !== '');
  const stopping: NonNullable<CreateTrainingRequest['StoppingCondition']> = {};
  if (draft.maxRuntime.trim() !== '') stopping.MaxRuntimeInSeconds = Number(draft.maxRuntime);
  if (draft.maxWait.trim() !== '') stopping.MaxWaitTimeInSeconds = Number(draft.maxWait);
  return {
    TrainingJobName: draft.name.trim(),
    AlgorithmSpecification: builtin
      ? { AlgorithmName: algorithm.name, TrainingInputMode: 'File' }
      : { TrainingImage: draft.image.trim() || LOCAL_SCRIPT_IMAGE, TrainingInputMode: 'File' },
    HyperParameters: hyperparameters,
    InputDataConfig: channels.map((channel) => ({
      ChannelName: channel.name.trim(),
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: toDataUri(channel.path), S3DataDistributionType: 'FullyReplicated' } },
      ...(builtin ? { ContentType: 'text/csv' } : {}),
    })),
    OutputDataConfig: { S3OutputPath: toDataUri(draft.outputPath) },
    ResourceConfig: { InstanceType: draft.instanceType.trim() || 'local', InstanceCount: 1 },
    ...(Object.keys(stopping).length > 0 ? { StoppingCondition: stopping } : {}),
    ...(draft.checkpointUri.trim() !== '' ? { CheckpointConfig: { S3Uri: toDataUri(draft.checkpointUri) } } : {}),
    ...(draft.spot ? { EnableManagedSpotTraining: true } : {}),
  };
}

/** "InputDataConfig[0].DataSource.S3DataSource.S3Uri" → ["InputDataConfig", "0", "DataSource", …]. */
export function splitFieldPath(field: string): string[] {
  return field.split(/\.|\[(\d+)\]/).filter((part): part is string => part !== undefined && part !== '');
}

function namedField(details: unknown): string[] | null {
  if (typeof details !== 'object' || details === null || !('field' in details)) return null;
  const field = (details as { field: unknown }).field;
  return typeof field === 'string' ? splitFieldPath(field) : null;
}

function issuesOf(details: unknown): Array<{ path: string[]; message: string }> {
  if (typeof details !== 'object' || details === null || !('issues' in details)) return [];
  const issues = (details as { issues: unknown }).issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter(
    (issue): issue is { path: string[]; message: string } =>
      typeof issue === 'object' && issue !== null && Array.isArray(issue.path) && typeof issue.message === 'string',
  );
}

/** The form field a request path names (TrainingJobName → name, HyperParameters.eta → hp.eta, …). */
export function fieldOfPath(path: readonly string[], draft: JobDraft): string | null {
  const [head, second] = path;
  if (head === 'TrainingJobName') return 'name';
  if (head === 'OutputDataConfig') return 'outputPath';
  if (head === 'CheckpointConfig') return 'checkpointUri';
  if (head === 'StoppingCondition') return second === 'MaxWaitTimeInSeconds' ? 'maxWait' : 'maxRuntime';
  if (head === 'InputDataConfig' && second !== undefined) {
    const sent = draft.channels.filter((channel) => channel.path.trim() !== '');
    const channel = sent[Number(second)];
    return channel ? `channel.${channel.id}` : null;
  }
  if (head === 'HyperParameters' && second !== undefined) {
    if (second === 'sagemaker_program') return 'entryPoint';
    if (second === 'sagemaker_submit_directory') return 'sourceDir';
    if (second in draft.hyperparameters) return `hp.${second}`;
    const extra = draft.extraHyperparameters.find((e) => e.key.trim() === second);
    return extra ? `extra.${extra.id}` : null;
  }
  return null;
}

/**
 * A failed training.create, for the form: the whole message always (main chose the words), and
 * the fields its issue paths or its message name marked too (with the issue's own words, or with
 * no words of their own, '', when only the message names them).
 */
export function errorsFrom(error: LatheError, draft: JobDraft): FormErrors {
  const fields: Record<string, string> = {};
  for (const issue of issuesOf(error.details)) {
    const field = fieldOfPath(issue.path.map(String), draft);
    if (field && !fields[field]) fields[field] = issue.message;
  }
  const named = namedField(error.details);
  const namedKey = named ? fieldOfPath(named, draft) : null;
  if (Object.keys(fields).length === 0 && namedKey) fields[namedKey] = '';
  if (Object.keys(fields).length === 0) {
    const mentioned = /\b(TrainingJobName|OutputDataConfig|CheckpointConfig|StoppingCondition|InputDataConfig|HyperParameters)(?:\[(\d+)\]|\.([A-Za-z0-9_:.-]+?))?(?=[\s.:;,]|$)/.exec(error.message);
    if (mentioned) {
      const field = fieldOfPath([mentioned[1]!, mentioned[2] ?? mentioned[3] ?? ''].filter(Boolean), draft);
      if (field) fields[field] = '';
    } else if (error.code === 'conflict') fields.name = '';
  }
  return { fields, form: error.message };
}
