/**
 * Training jobs: CreateTrainingJob → stored InProgress/Pending → a CPU slot → a local process on the
 * SageMaker contract (TrainingProcess) → Completed | Failed | Stopped, with transitions, metrics,
 * logs (LATHE_HOME/jobs/<name>/training.log) and model.tar.gz. The Docker backend, interruption and
 * reattachment after a restart come later; for now a job Lathe left running is marked Failed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { conflict, invalid, notFound, precondition } from '../api/errors';
import type { EventBus } from '../api/eventBus';
import type { Settings } from '../contract/model';
import type { SecondaryStatus, TrainingJobDescription, TrainingJobStatus, TrainingJobSummary } from '../contract/training';
import type { CreateTrainingJobRequest } from '../contract/trainingSchemas';
import { resolveDataUri } from '../jobs/dataUri';
import { TrainingProcess, type TrainingAlgorithm, type TrainingResult } from '../jobs/trainingProcess';
import { scriptHyperparameters } from '../jobs/scriptMode';
import type { Logger } from '../log/logger';
import type { EventLog } from '../store/eventLog';
import type { TrainingJobRow, TrainingStore } from './trainingStore';

export const BUILTIN_ALGORITHMS = { xgboost: 'xgboost', 'linear-learner': 'linear_learner', 'random-forest': 'random_forest' } as const;

export interface TrainingServiceDeps {
  store: TrainingStore;
  bus: EventBus;
  events: EventLog;
  logger: Logger;
  settings: () => Settings;
  /** The interpreter jobs run with, or null when none is usable. */
  python: () => Promise<string | null>;
  /** LATHE_HOME: jobs/ for job folders and logs, s3/ for the local object store. */
  home: string;
  pythonPath: string;
  clock?: () => Date;
}

const arnOf = (name: string) => `arn:aws:sagemaker:local:000000000000:training-job/${name.toLowerCase()}`;

export class TrainingService {
  private readonly queue: string[] = [];
  private readonly running = new Map<string, TrainingProcess>();
  /** Every job start in flight, so dispose can wait for them to record how they ended. */
  private readonly starts = new Set<Promise<void>>();
  private disposed = false;

  constructor(private readonly deps: TrainingServiceDeps) {
    for (const row of deps.store.unfinished()) {
      this.finish(row, 'Failed', 'Failed', 'Lathe stopped while this job was running; the job did not finish. Start it again under a new name.');
    }
  }

  get objectStore(): string {
    return path.join(this.deps.home, 's3');
  }

  private now(): string {
    return (this.deps.clock?.() ?? new Date()).toISOString();
  }

  async create(request: CreateTrainingJobRequest, actor: string): Promise<{ TrainingJobArn: string }> {
    const name = request.TrainingJobName;
    if (this.deps.store.get(name)) throw conflict(`Training job ${name} already exists; training job names must be unique.`);
    this.plan(request); // validates the algorithm and every data location before anything is stored
    const now = this.now();
    const row: TrainingJobRow = {
      name,
      arn: arnOf(name),
      request,
      status: 'InProgress',
      secondaryStatus: 'Pending',
      transitions: [{ Status: 'Pending', StartTime: now, StatusMessage: 'Waiting for a CPU slot' }],
      failureReason: null,
      modelArtifacts: null,
      finalMetrics: [],
      createdAt: now,
      startedAt: null,
      endedAt: null,
      modifiedAt: now,
    };
    this.deps.store.insert(row);
    this.deps.events.append({ actor, action: 'training.create', subject: name, detail: { algorithm: request.AlgorithmSpecification.AlgorithmName ?? request.AlgorithmSpecification.TrainingImage } });
    this.changed(row);
    this.queue.push(name);
    this.schedule();
    return { TrainingJobArn: row.arn };
  }

  describe(name: string): TrainingJobDescription {
    const row = this.require(name);
    const { request } = row;
    const seconds = row.startedAt && row.endedAt ? Math.round((Date.parse(row.endedAt) - Date.parse(row.startedAt)) / 1000) : undefined;
    return {
      TrainingJobName: row.name,
      TrainingJobArn: row.arn,
      TrainingJobStatus: row.status,
      SecondaryStatus: row.secondaryStatus,
      SecondaryStatusTransitions: row.transitions,
      ...(row.failureReason ? { FailureReason: row.failureReason } : {}),
      AlgorithmSpecification: { TrainingInputMode: 'File', ...request.AlgorithmSpecification },
      HyperParameters: request.HyperParameters ?? {},
      InputDataConfig: request.InputDataConfig ?? [],
      OutputDataConfig: request.OutputDataConfig,
      ResourceConfig: { InstanceType: 'local', InstanceCount: 1, VolumeSizeInGB: 1, ...request.ResourceConfig },
      StoppingCondition: request.StoppingCondition ?? { MaxRuntimeInSeconds: 86400 },
      ...(row.modelArtifacts ? { ModelArtifacts: { S3ModelArtifacts: row.modelArtifacts } } : {}),
      FinalMetricDataList: row.finalMetrics,
      CreationTime: row.createdAt,
      ...(row.startedAt ? { TrainingStartTime: row.startedAt } : {}),
      ...(row.endedAt ? { TrainingEndTime: row.endedAt } : {}),
      LastModifiedTime: row.modifiedAt,
      ...(seconds !== undefined ? { TrainingTimeInSeconds: seconds, BillableTimeInSeconds: seconds } : {}),
    };
  }

  list(request: { StatusEquals?: TrainingJobStatus; NameContains?: string; MaxResults?: number; NextToken?: string }): { TrainingJobSummaries: TrainingJobSummary[]; NextToken?: string } {
    const rows = this.deps.store.list({ status: request.StatusEquals, nameContains: request.NameContains });
    const start = request.NextToken ? Number.parseInt(request.NextToken, 10) : 0;
    if (!Number.isInteger(start) || start < 0) throw invalid('NextToken is not one Lathe gave out');
    const size = request.MaxResults ?? 100;
    const page = rows.slice(start, start + size).map(summary);
    return start + size < rows.length ? { TrainingJobSummaries: page, NextToken: String(start + size) } : { TrainingJobSummaries: page };
  }

  stop(name: string, actor: string): Record<string, never> {
    const row = this.require(name);
    if (row.status !== 'InProgress') throw precondition(`Training job ${name} is ${row.status}; only a job in progress can be stopped.`);
    this.deps.events.append({ actor, action: 'training.stop', subject: name });
    const process = this.running.get(name);
    if (!process) {
      this.queue.splice(this.queue.indexOf(name), 1);
      this.finish(row, 'Stopped', 'Stopped', 'Stopped before it started');
      return {};
    }
    this.transition(row, 'Stopping', 'Stopping', 'Stop requested');
    process.stop('Stopped');
    return {};
  }

  /** Stops the jobs still running and waits until each has recorded how it ended. */
  async dispose(): Promise<void> {
    this.disposed = true;
    for (const process of this.running.values()) process.stop('Stopped');
    await Promise.allSettled([...this.starts]);
  }

  private require(name: string): TrainingJobRow {
    const row = this.deps.store.get(name);
    if (!row) throw notFound(`Could not find training job ${JSON.stringify(name)}.`);
    return row;
  }

  /** What the job will run, from the request; throws what is wrong with it. */
  private plan(request: CreateTrainingJobRequest) {
    const spec = request.AlgorithmSpecification;
    let algorithm: TrainingAlgorithm;
    if (spec.AlgorithmName) {
      const builtin = BUILTIN_ALGORITHMS[spec.AlgorithmName as keyof typeof BUILTIN_ALGORITHMS];
      if (!builtin) throw invalid(`AlgorithmSpecification.AlgorithmName ${JSON.stringify(spec.AlgorithmName)} is not a built-in algorithm; Lathe has ${Object.keys(BUILTIN_ALGORITHMS).join(', ')}.`);
      algorithm = { builtin };
    } else {
      const script = scriptHyperparameters(request.HyperParameters ?? {});
      if (!script.program || !script.submitDirectory) {
        throw precondition(`TrainingImage ${spec.TrainingImage} needs the Docker backend, which this version of Lathe does not have yet; run a script with the sagemaker_program and sagemaker_submit_directory hyperparameters, or use AlgorithmName.`);
      }
      const sourceDir = resolveDataUri(script.submitDirectory, this.objectStore, 'HyperParameters.sagemaker_submit_directory');
      if (!fs.existsSync(path.join(sourceDir, script.program))) throw notFound(`The entry point ${script.program} is not in ${sourceDir}.`);
      algorithm = { entryPoint: script.program, sourceDir };
    }
    const channels = (request.InputDataConfig ?? []).map((channel, i) => {
      const source = resolveDataUri(channel.DataSource.S3DataSource.S3Uri, this.objectStore, `InputDataConfig[${i}].DataSource.S3DataSource.S3Uri`);
      if (!fs.existsSync(source)) throw notFound(`Channel ${channel.ChannelName}: no file or folder at ${source}.`);
      return { name: channel.ChannelName, source, contentType: channel.ContentType, inputMode: 'File' as const };
    });
    const outputDir = resolveDataUri(request.OutputDataConfig.S3OutputPath, this.objectStore, 'OutputDataConfig.S3OutputPath');
    const checkpoint = request.CheckpointConfig ? resolveDataUri(request.CheckpointConfig.S3Uri, this.objectStore, 'CheckpointConfig.S3Uri') : null;
    return { algorithm, channels, outputDir, checkpoint };
  }

  private schedule(): void {
    const slots = this.deps.settings().concurrency.cpuSlots;
    while (!this.disposed && this.running.size < slots && this.queue.length > 0) {
      const name = this.queue.shift()!;
      const started = this.start(name)
        .catch((error: unknown) => {
          this.deps.logger.error(`training job ${name} could not run`, error);
          const row = this.deps.store.get(name);
          if (row && row.status === 'InProgress') this.finish(row, 'Failed', 'Failed', `Lathe could not run the job: ${(error as Error).message}`.slice(0, 1024));
        })
        .finally(() => {
          this.starts.delete(started);
          this.schedule(); // the slot is free, whether the job ran or could not start
        });
      this.starts.add(started);
    }
  }

  private async start(name: string): Promise<void> {
    const row = this.require(name);
    const python = await this.deps.python();
    if (!python) throw new Error('no usable Python interpreter; Home shows what to install');
    const plan = this.plan(row.request);
    const root = path.join(this.deps.home, 'jobs', name);
    fs.mkdirSync(root, { recursive: true });
    const log = fs.createWriteStream(path.join(root, 'training.log'), { flags: 'a' });
    row.startedAt = this.now();
    this.transition(row, 'InProgress', 'Training', 'Training on this machine');
    const process = new TrainingProcess(
      {
        jobName: name,
        jobArn: row.arn,
        root: path.join(root, 'opt-ml'),
        algorithm: plan.algorithm,
        hyperParameters: row.request.HyperParameters ?? {},
        channels: plan.channels,
        metricDefinitions: row.request.AlgorithmSpecification.MetricDefinitions,
        environment: row.request.Environment,
        outputDir: plan.outputDir,
        checkpointSource: plan.checkpoint,
        maxRuntimeSeconds: row.request.StoppingCondition?.MaxRuntimeInSeconds,
        python,
        pythonPath: this.deps.pythonPath,
        numCpus: 1,
      },
      {
        onLog: (line, stream) => {
          log.write(line + '\n');
          this.deps.bus.emit('jobs.log', { job: name, stream, line });
        },
        onMetric: (point) => this.deps.store.addMetric(name, point.name, point.step, point.value, this.now()),
      },
    );
    this.running.set(name, process);
    let result: TrainingResult;
    try {
      result = await process.run();
    } finally {
      this.running.delete(name);
      log.end();
    }
    const current = this.require(name);
    current.finalMetrics = result.finalMetrics.map((metric) => ({ ...metric, Timestamp: this.now() }));
    current.modelArtifacts = result.modelArtifacts;
    const message = result.status === 'Completed' ? 'Training job completed' : result.status === 'Failed' ? 'Training job failed' : result.secondaryStatus === 'MaxRuntimeExceeded' ? 'The job ran past MaxRuntimeInSeconds' : 'Training job stopped';
    this.finish(current, result.status, result.secondaryStatus, message, result.failureReason);
  }

  /** Moves the job on, closing the previous transition; a final one is closed at once. */
  private transition(row: TrainingJobRow, status: TrainingJobStatus, secondary: SecondaryStatus, message: string, final = false): void {
    const now = this.now();
    const last = row.transitions.at(-1);
    if (last && !last.EndTime) last.EndTime = now;
    row.transitions.push({ Status: secondary, StartTime: now, ...(final ? { EndTime: now } : {}), StatusMessage: message });
    row.status = status;
    row.secondaryStatus = secondary;
    row.modifiedAt = now;
    this.deps.store.update(row);
    this.changed(row);
  }

  private finish(row: TrainingJobRow, status: TrainingJobStatus, secondary: SecondaryStatus, message: string, failureReason: string | null = null): void {
    row.endedAt = this.now();
    row.failureReason = status === 'Failed' ? (failureReason ?? message) : null;
    this.transition(row, status, secondary, message, true);
  }

  private changed(row: TrainingJobRow): void {
    this.deps.bus.emit('jobs.changed', summary(row));
  }
}

function summary(row: TrainingJobRow): TrainingJobSummary {
  return {
    TrainingJobName: row.name,
    TrainingJobArn: row.arn,
    TrainingJobStatus: row.status,
    SecondaryStatus: row.secondaryStatus,
    CreationTime: row.createdAt,
    ...(row.endedAt ? { TrainingEndTime: row.endedAt } : {}),
    LastModifiedTime: row.modifiedAt,
  };
}
