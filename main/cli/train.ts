/**
 * `lathe train`: a training job from the command line, built from flags (or a CreateTrainingJob
 * JSON file), created on the running Lathe (or in-process with --home, or when none runs), then
 * followed: the log streams to stdout and the exit code says how the job ended.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TrainingJobDescription } from '../contract/training';
import type { Result } from '../contract/result';
import { UsageError, stringFlag, type ParsedArgs } from './args';

export const TRAIN_USAGE = `lathe train — create a training job and follow it

  lathe train --algorithm xgboost --train PATH [--validation PATH] [--hp num_round=100 --hp eta=0.2 …]
  lathe train --script train.py [--source-dir DIR] [--image IMAGE] --channel train=PATH [--hp epochs=3 …]
  lathe train --request job.json          a CreateTrainingJob request as JSON

Options: --name NAME (default: <algorithm>-<time>), --output URI (default s3://lathe/output),
  --instance-type T, --max-runtime SECONDS, --max-wait SECONDS, --checkpoints URI, --spot,
  --metric NAME=REGEX (script jobs), --no-follow (print the ARN and return), --home DIR.
PATH and URI take local paths, file:// or s3://bucket/key (LATHE_HOME/s3/bucket/key).`;

export type Caller = (channel: string, payload: unknown) => Promise<Result<unknown>>;

function pairs(args: ParsedArgs, flag: string): Array<[string, string]> {
  return (args.all.get(flag) ?? []).map((text) => {
    const eq = text.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${flag} takes NAME=VALUE, got ${JSON.stringify(text)}`);
    return [text.slice(0, eq), text.slice(eq + 1)];
  });
}

function uri(value: string): string {
  return /^[a-z0-9]+:\/\//i.test(value) ? value : pathToFileURL(path.resolve(value)).href;
}

function positive(args: ParsedArgs, flag: string): number | undefined {
  const raw = stringFlag(args, flag);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${flag} must be a whole number of seconds, got ${raw}`);
  return value;
}

/** The CreateTrainingJob request the flags describe. */
export function trainingRequest(args: ParsedArgs, now = new Date()): Record<string, unknown> {
  const file = stringFlag(args, 'request');
  if (file) {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`--request ${file}: ${(error as Error).message}`);
    }
  }
  const algorithm = stringFlag(args, 'algorithm');
  const scriptPath = stringFlag(args, 'script');
  if (Boolean(algorithm) === Boolean(scriptPath)) throw new UsageError('give --algorithm NAME (a built-in) or --script FILE');
  const hyperParameters: Record<string, string> = Object.fromEntries(pairs(args, 'hp'));
  const channels = pairs(args, 'channel');
  for (const name of ['train', 'validation']) {
    const value = stringFlag(args, name);
    if (value) channels.push([name, value]);
  }
  let spec: Record<string, unknown>;
  if (scriptPath) {
    const sourceDir = path.resolve(stringFlag(args, 'source-dir') ?? path.dirname(scriptPath));
    const program = path.relative(sourceDir, path.resolve(scriptPath));
    if (program.startsWith('..')) throw new UsageError(`--script ${scriptPath} must be inside --source-dir ${sourceDir}`);
    // As the SageMaker SDK sends them: JSON-encoded strings.
    hyperParameters.sagemaker_program = JSON.stringify(program);
    hyperParameters.sagemaker_submit_directory = JSON.stringify(pathToFileURL(sourceDir).href);
    const metrics = pairs(args, 'metric').map(([Name, Regex]) => ({ Name, Regex }));
    spec = { TrainingImage: stringFlag(args, 'image') ?? 'lathe:process', TrainingInputMode: 'File', ...(metrics.length ? { MetricDefinitions: metrics } : {}) };
  } else {
    spec = { AlgorithmName: algorithm, TrainingInputMode: 'File' };
  }
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const base = (algorithm ?? path.basename(scriptPath!, path.extname(scriptPath!))).replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'job';
  const maxRuntime = positive(args, 'max-runtime');
  const maxWait = positive(args, 'max-wait');
  const checkpoints = stringFlag(args, 'checkpoints');
  return {
    TrainingJobName: stringFlag(args, 'name') ?? `${base}-${stamp}`.slice(0, 63),
    AlgorithmSpecification: spec,
    RoleArn: 'arn:aws:iam::000000000000:role/lathe',
    HyperParameters: hyperParameters,
    InputDataConfig: channels.map(([ChannelName, location]) => ({
      ChannelName,
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri(location) } },
      ContentType: 'text/csv',
    })),
    OutputDataConfig: { S3OutputPath: uri(stringFlag(args, 'output') ?? 's3://lathe/output') },
    ResourceConfig: { InstanceType: stringFlag(args, 'instance-type') ?? 'local', InstanceCount: 1, VolumeSizeInGB: 1 },
    StoppingCondition: { MaxRuntimeInSeconds: maxRuntime ?? 86400, ...(maxWait ? { MaxWaitTimeInSeconds: maxWait } : {}) },
    ...(checkpoints ? { CheckpointConfig: { S3Uri: uri(checkpoints) } } : {}),
    ...(args.flags.has('spot') ? { EnableManagedSpotTraining: true } : {}),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Prints the job's log as it grows until the job ends; resolves with the final description.
 * `interrupted()` ends the following early (Ctrl+C): the job itself runs on.
 */
export async function followJob(call: Caller, name: string, write: (text: string) => void, interrupted: () => boolean): Promise<TrainingJobDescription | null> {
  let next = 0;
  for (;;) {
    const page = await call('training.logs', { TrainingJobName: name, start: next, limit: 5000 });
    if (!page.ok) throw new Error(`${page.error.code}: ${page.error.message}`);
    const { lines, next: after, complete } = page.value as { lines: string[]; next: number; complete: boolean };
    for (const line of lines) write(line + '\n');
    next = after;
    if (complete && lines.length === 0) break;
    if (interrupted()) return null;
    if (lines.length === 0) await sleep(250);
  }
  const job = await call('training.describe', { TrainingJobName: name });
  if (!job.ok) throw new Error(`${job.error.code}: ${job.error.message}`);
  return job.value as TrainingJobDescription;
}

/** One line on how the job ended, and the exit code: 0 only for Completed. */
export function verdict(job: TrainingJobDescription): { text: string; code: number } {
  const seconds = job.TrainingTimeInSeconds !== undefined ? ` in ${job.TrainingTimeInSeconds} s` : '';
  if (job.TrainingJobStatus === 'Completed') {
    const metrics = job.FinalMetricDataList.map((m) => `${m.MetricName}=${Number(m.Value.toPrecision(6))}`).join(' ');
    return { text: `${job.TrainingJobName}: Completed${seconds}${metrics ? ` · ${metrics}` : ''}\n  model: ${job.ModelArtifacts?.S3ModelArtifacts ?? '(none)'}\n`, code: 0 };
  }
  if (job.TrainingJobStatus === 'Failed') return { text: `${job.TrainingJobName}: Failed${seconds}\n  ${job.FailureReason ?? ''}\n`, code: 1 };
  return { text: `${job.TrainingJobName}: ${job.TrainingJobStatus} (${job.SecondaryStatus})${seconds}\n`, code: 1 };
}
