/**
 * Training jobs: CreateTrainingJob → stored InProgress/Pending (the persistent queue is the table)
 * → a CPU or GPU slot → a backend (a supervised local process, or a Docker container) that keeps
 * running when Lathe exits → Completed | Failed | Stopped, with transitions, metrics, the log
 * (LATHE_HOME/jobs/training/<name>/training.log) and model.tar.gz. On start, Lathe reattaches to
 * the jobs a previous run left running and records how those that ended meanwhile ended. A spot
 * interruption ends an attempt; the job resumes from its checkpoints in a new one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { conflict, invalid, notFound, precondition, unavailable } from '../api/errors';
import type { EventBus } from '../api/eventBus';
import type { Settings } from '../contract/model';
import type { AlgorithmInfo, JobLogPage, JobMetricSeries, SecondaryStatus, TrainingJobDescription, TrainingJobStatus, TrainingJobSummary } from '../contract/training';
import type { CreateTrainingJobRequest } from '../contract/trainingSchemas';
import { failureReason, packFolder, syncFolder } from '../jobs/artifacts';
import type { JobBackend, JobExit, JobHandle, JobLaunch } from '../jobs/backend';
import { JobWatches, type ActiveJob } from '../jobs/jobWatches';
import { LAUNCH_FILES, launchedHandle, sortRows } from '../jobs/launched';
import { resolveDataUri, toS3Uri } from '../jobs/dataUri';
import { CONTAINER_SPOOL, hostSpool, replaySpool } from '../jobs/sdkSpool';
import { experimentNameOf } from '../experiments/jobExperiment';
import { jobPaths, validateChannelNames, writeJobFolder, type ChannelSpec } from '../jobs/jobLayout';
import { followJob, readLogLines } from '../jobs/logTail';
import { compileMetricDefinitions, createMetricParser, type MetricParser } from '../jobs/metrics';
import { entryPointCommand, scriptHyperparameters } from '../jobs/scriptMode';
import { wantsGpu, type SlotPool } from '../jobs/slots';
import { containerEnvironment, trainingEnvironment, type TrainingEnvInput } from '../jobs/trainingEnv';
import type { Logger } from '../log/logger';
import type { ExperimentsService } from '../experiments/experimentsService';
import type { EventLog } from '../store/eventLog';
import { loadCatalog, validateHyperparameters, type BuiltinAlgorithm } from './builtinAlgorithms';
import type { TrainingJobRow, TrainingStore } from './trainingStore';

export interface TrainingBackends {
  process: JobBackend;
  /** The Docker backend, or throws why there is none (no engine, engine unreachable, no such image). */
  docker(image?: string): Promise<JobBackend>;
}

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
  slots: SlotPool;
  /** LATHE_URL and LATHE_TOKEN of the serving Lathe, for the `lathe` SDK in jobs (empty when not serving). */
  serverEnv?: () => Record<string, string>;
  /** Where each job is recorded as a run (params, metrics, lineage); none in some tests. */
  experiments?: ExperimentsService;
  /** Learns the machine's GPUs (the system probe) before a GPU job is planned or scheduled. */
  gpusReady?: () => Promise<void>;
  backends: TrainingBackends;
  /** SIGTERM → SIGKILL grace on stop (SageMaker: 120 s). */
  stopGraceSeconds?: number;
  /**
   * Run and watch jobs (default). Off for one-shot CLI calls: they record requests, and the Lathe
   * that runs jobs (the app or `lathe serve`) starts them.
   */
  runJobs?: boolean;
  /** Stop the jobs on dispose instead of leaving them running for the next start (tests). */
  stopJobsOnDispose?: boolean;
  clock?: () => Date;
}

/** Where a job runs and with what. */
type Algorithm = { builtin: BuiltinAlgorithm } | { entryPoint: string; sourceDir: string; image?: string } | { image: string };

interface Plan {
  algorithm: Algorithm;
  channels: ChannelSpec[];
  outputDir: string;
  checkpoint: string | null;
  gpus: number;
}


const arnOf = (name: string) => `arn:aws:sagemaker:local:000000000000:training-job/${name.toLowerCase()}`;

const VANISHED =
  'The training process ended while Lathe was not watching and left no exit status (it was killed, or the machine restarted). Start the job again under a new name.';

export class TrainingService {
  private readonly active: JobWatches;
  private readonly unsubscribe: () => void;
  /** Picks up jobs another process (the CLI with --home) recorded in the store. */
  private readonly tick: NodeJS.Timeout | null = null;
  private disposed = false;

  constructor(private readonly deps: TrainingServiceDeps) {
    this.active = new JobWatches((name, error) => {
      deps.logger.error(`training job ${name} could not run`, error);
      const row = deps.store.get(name);
      if (row && (row.status === 'InProgress' || row.status === 'Stopping')) {
        row.handle = null;
        this.finish(row, 'Failed', 'Failed', `Lathe could not run the job: ${(error as Error).message}`.slice(0, 1024));
      }
    });
    this.unsubscribe = deps.slots.onFree(() => this.schedule());
    if (deps.runJobs === false) return;
    this.tick = setInterval(() => this.schedule(), 2000);
    this.tick.unref();
    for (const row of deps.store.unfinished()) {
      // Lathe may have stopped between launching the job and recording where it runs: look.
      const handle = row.handle ?? (row.secondaryStatus === 'Downloading' || row.secondaryStatus === 'Training' || row.secondaryStatus === 'Stopping' ? launchedHandle(this.jobDir(row.name)) : null);
      if (handle) this.reattach(row, handle);
      else if (row.status === 'Stopping') this.finish(row, 'Stopped', 'Stopped', 'Stopped before it started');
      else if (row.secondaryStatus === 'Uploading') this.active.track(row.name, deps.slots.claim([]), () => this.complete(row.name));
      else if (row.secondaryStatus !== 'Pending' && row.secondaryStatus !== 'Interrupted') {
        // Nothing ran: queue it again rather than fail it.
        this.transition(row, 'InProgress', 'Pending', 'Lathe restarted before the job ran; it is queued again');
      }
    }
    this.schedule();
    // Queued GPU jobs wait for the first GPU probe of this run.
    if (deps.store.unfinished().some((row) => !row.handle && wantsGpu(row.request.ResourceConfig?.InstanceType))) {
      void deps.gpusReady?.().then(() => this.schedule(), () => undefined);
    }
  }

  get objectStore(): string {
    return path.join(this.deps.home, 's3');
  }

  algorithms(): { algorithms: AlgorithmInfo[] } {
    return { algorithms: loadCatalog(this.deps.pythonPath).map(({ module: _module, ...info }) => info) };
  }

  private now(): string {
    return (this.deps.clock?.() ?? new Date()).toISOString();
  }

  private jobDir(name: string): string {
    return path.join(this.deps.home, 'jobs', 'training', name);
  }

  private logFile(name: string): string {
    return path.join(this.jobDir(name), 'training.log');
  }

  async create(request: CreateTrainingJobRequest, actor: string): Promise<{ TrainingJobArn: string }> {
    const name = request.TrainingJobName;
    if (this.deps.store.get(name)) throw conflict(`Training job ${name} already exists; training job names must be unique.`);
    if (wantsGpu(request.ResourceConfig?.InstanceType)) await this.deps.gpusReady?.();
    const plan = this.plan(request); // validates everything before anything is stored
    if ('image' in plan.algorithm && plan.algorithm.image) await this.dockerFor(plan.algorithm.image);
    const now = this.now();
    const row: TrainingJobRow = {
      name,
      arn: arnOf(name),
      request,
      status: 'InProgress',
      secondaryStatus: 'Pending',
      transitions: [{ Status: 'Pending', StartTime: now, StatusMessage: plan.gpus > 0 ? 'Waiting for a GPU' : 'Waiting for a CPU slot' }],
      failureReason: null,
      modelArtifacts: null,
      finalMetrics: [],
      createdAt: now,
      startedAt: null,
      endedAt: null,
      modifiedAt: now,
      handle: null,
      attempts: 0,
      usedSeconds: 0,
    };
    this.deps.experiments?.assertLoggable(experimentNameOf(request));
    this.deps.store.insert(row);
    try {
      this.recordRun(row);
    } catch (error) {
      // The job runs whether or not its run could be recorded; the log says why it was not.
      this.deps.logger.error(`training job ${name} could not be recorded as a run`, error);
    }
    this.deps.events.append({ actor, action: 'training.create', subject: name, detail: { algorithm: algorithmLabel(request) } });
    this.changed(row);
    this.schedule();
    return { TrainingJobArn: row.arn };
  }

  /** The job as a run of its experiment (ExperimentConfig.ExperimentName, else Default), with its inputs' lineage. */
  private recordRun(row: TrainingJobRow): void {
    const experiments = this.deps.experiments;
    if (!experiments) return;
    const experiment = experiments.ensureExperiment(experimentNameOf(row.request));
    // The framework's own sagemaker_* keys are plumbing, not the model's hyperparameters.
    const params = Object.fromEntries(Object.entries(row.request.HyperParameters ?? {}).filter(([key]) => !key.startsWith('sagemaker_')));
    const summary = summaryOf(row);
    experiments.createRun({
      experimentId: experiment.experimentId,
      runName: row.name,
      source: { kind: 'training-job', name: row.name },
      params,
      tags: { 'lathe.algorithm': summary.Algorithm, 'lathe.backend': summary.Backend, 'lathe.instanceType': row.request.ResourceConfig?.InstanceType ?? 'local' },
      startTime: Date.parse(row.createdAt),
    });
    for (const channel of row.request.InputDataConfig ?? []) {
      experiments.addLineage({ kind: 'dataset', id: channel.DataSource.S3DataSource.S3Uri }, { kind: 'training-job', id: row.name }, 'input');
    }
  }

  /** Which experiment and run the `lathe` SDK in the job logs to. */
  private sdkEnv(row: TrainingJobRow): Record<string, string> {
    const run = this.deps.experiments?.runBySource('training-job', row.name);
    if (!run) return {};
    return { LATHE_RUN_ID: run.runId, LATHE_EXPERIMENT_ID: run.experimentId };
  }

  describe(name: string): TrainingJobDescription {
    const row = this.require(name);
    const { request } = row;
    const seconds = row.startedAt ? Math.round(row.usedSeconds + this.currentAttemptSeconds(row)) : undefined;
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
      ...(request.CheckpointConfig ? { CheckpointConfig: request.CheckpointConfig } : {}),
      ...(request.EnableManagedSpotTraining !== undefined ? { EnableManagedSpotTraining: request.EnableManagedSpotTraining } : {}),
      ...(request.Environment ? { Environment: request.Environment } : {}),
      ...(row.modelArtifacts ? { ModelArtifacts: { S3ModelArtifacts: row.modelArtifacts } } : {}),
      FinalMetricDataList: row.finalMetrics,
      CreationTime: row.createdAt,
      ...(row.startedAt ? { TrainingStartTime: row.startedAt } : {}),
      ...(row.endedAt ? { TrainingEndTime: row.endedAt } : {}),
      LastModifiedTime: row.modifiedAt,
      ...(seconds !== undefined && row.endedAt ? { TrainingTimeInSeconds: seconds, BillableTimeInSeconds: seconds } : {}),
    };
  }

  list(request: { SortBy?: 'Name' | 'CreationTime' | 'Status'; SortOrder?: 'Ascending' | 'Descending'; StatusEquals?: TrainingJobStatus; NameContains?: string; MaxResults?: number; NextToken?: string }): { TrainingJobSummaries: TrainingJobSummary[]; NextToken?: string } {
    const rows = sortRows(this.deps.store.list({ status: request.StatusEquals, nameContains: request.NameContains }), request.SortBy, request.SortOrder);
    const start = request.NextToken ? Number.parseInt(request.NextToken, 10) : 0;
    if (!Number.isInteger(start) || start < 0) throw invalid('NextToken is not one Lathe gave out');
    const size = request.MaxResults ?? 100;
    const page = rows.slice(start, start + size).map(summaryOf);
    return start + size < rows.length ? { TrainingJobSummaries: page, NextToken: String(start + size) } : { TrainingJobSummaries: page };
  }

  metrics(name: string, metric?: string): { series: JobMetricSeries[] } {
    this.require(name);
    const series = this.deps.store.allMetrics(name);
    return { series: metric ? series.filter((s) => s.name === metric) : series };
  }

  async logs(name: string, start = -1000, limit = 1000): Promise<JobLogPage> {
    const row = this.require(name);
    const complete = row.status !== 'InProgress' && row.status !== 'Stopping';
    const page = await readLogLines(this.logFile(name), start, limit, complete);
    return { ...page, next: page.start + page.lines.length, complete };
  }

  stop(name: string, actor: string): Record<string, never> {
    const row = this.require(name);
    if (row.status !== 'InProgress') throw precondition(`Training job ${name} is ${row.status}; only a job in progress can be stopped.`);
    this.deps.events.append({ actor, action: 'training.stop', subject: name });
    const active = this.active.get(name);
    if (!active) {
      this.finish(row, 'Stopped', 'Stopped', row.secondaryStatus === 'Interrupted' ? 'Stopped while waiting to resume' : 'Stopped before it started');
      return {};
    }
    active.stopRequested = true;
    this.transition(row, 'Stopping', 'Stopping', 'Stop requested');
    if (active.handle && active.backend) void active.backend.stop(active.handle);
    return {};
  }

  /** A simulated spot interruption: the attempt is killed; the job resumes from its checkpoints. */
  async interrupt(name: string, actor: string): Promise<Record<string, never>> {
    const row = this.require(name);
    const active = this.active.get(name);
    if (row.status !== 'InProgress' || !active?.handle || !active.backend) {
      throw precondition(`Training job ${name} is ${row.status === 'InProgress' ? row.secondaryStatus : row.status}; only a job that is training can be interrupted.`);
    }
    if (!row.request.EnableManagedSpotTraining && !row.request.CheckpointConfig) {
      throw precondition(`Training job ${name} is not a managed spot job and has no CheckpointConfig, so an interruption could not resume it; set EnableManagedSpotTraining or CheckpointConfig.`);
    }
    this.deps.events.append({ actor, action: 'training.interrupt', subject: name });
    await active.backend.interrupt(active.handle);
    return {};
  }

  /** Stops watching (jobs keep running for the next start, unless stopJobsOnDispose) and waits. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.unsubscribe();
    if (this.tick) clearInterval(this.tick);
    await this.active.dispose(this.deps.stopJobsOnDispose ?? false);
  }

  private require(name: string): TrainingJobRow {
    const row = this.deps.store.get(name);
    if (!row) throw notFound(`Could not find training job ${JSON.stringify(name)}.`);
    return row;
  }

  private currentAttemptSeconds(row: TrainingJobRow): number {
    if (!row.handle) return 0;
    const started = row.transitions.findLast((t) => t.Status === 'Training')?.StartTime;
    return started ? Math.max(0, (Date.parse(this.now()) - Date.parse(started)) / 1000) : 0;
  }

  /** What the job will run, from the request; throws what is wrong with it. */
  private plan(request: CreateTrainingJobRequest): Plan {
    const spec = request.AlgorithmSpecification;
    let algorithm: Algorithm;
    if (spec.AlgorithmName) {
      const catalog = loadCatalog(this.deps.pythonPath);
      const builtin = catalog.find((entry) => entry.name === spec.AlgorithmName);
      if (!builtin) {
        throw invalid(`AlgorithmSpecification.AlgorithmName ${JSON.stringify(spec.AlgorithmName)} is not a built-in algorithm; Lathe has ${catalog.map((entry) => entry.name).join(', ')}.`, { field: 'AlgorithmSpecification.AlgorithmName' });
      }
      validateHyperparameters(builtin, request.HyperParameters ?? {});
      const given = new Set((request.InputDataConfig ?? []).map((channel) => channel.ChannelName));
      const missing = builtin.channels.filter((channel) => channel.required && !given.has(channel.name));
      if (missing.length > 0) throw invalid(`InputDataConfig: ${builtin.name} needs the channel${missing.length > 1 ? 's' : ''} ${missing.map((c) => c.name).join(', ')} (${missing[0]!.description}).`, { field: 'InputDataConfig' });
      algorithm = { builtin };
    } else {
      const image = spec.TrainingImage!;
      const script = scriptHyperparameters(request.HyperParameters ?? {});
      if (script.program && script.submitDirectory) {
        const sourceDir = resolveDataUri(script.submitDirectory, this.objectStore, 'HyperParameters.sagemaker_submit_directory');
        if (!fs.existsSync(path.join(sourceDir, script.program))) throw notFound(`The entry point ${script.program} is not in ${sourceDir}.`);
        // Script mode: on this machine's Python unless the image is a real Docker image.
        algorithm = isProcessImage(image) ? { entryPoint: script.program, sourceDir } : { entryPoint: script.program, sourceDir, image };
      } else if (isProcessImage(image)) {
        throw invalid(`TrainingImage ${image} runs a script on this machine: give the sagemaker_program and sagemaker_submit_directory hyperparameters, or name a local Docker image.`, { field: 'AlgorithmSpecification.TrainingImage' });
      } else {
        algorithm = { image };
      }
    }
    compileMetricDefinitions(spec.MetricDefinitions ?? []);
    validateChannelNames((request.InputDataConfig ?? []).map((channel) => channel.ChannelName));
    const channels = (request.InputDataConfig ?? []).map((channel, i) => {
      const field = `InputDataConfig[${i}].DataSource.S3DataSource.S3Uri`;
      const source = resolveDataUri(channel.DataSource.S3DataSource.S3Uri, this.objectStore, field);
      if (!fs.existsSync(source)) throw notFound(`Channel ${channel.ChannelName}: no file or folder at ${source} (${field}).`, { field });
      return { name: channel.ChannelName, source, contentType: channel.ContentType, inputMode: 'File' as const };
    });
    const { outputDir, checkpoint } = this.locations(request);
    const gpus = wantsGpu(request.ResourceConfig?.InstanceType) ? 1 : 0;
    if (gpus > 0 && this.deps.slots.machineGpus === 0) {
      throw precondition(`ResourceConfig.InstanceType ${request.ResourceConfig?.InstanceType} asks for a GPU and this machine has none that Lathe can see; use a CPU instance type such as ml.m5.xlarge (or local).`);
    }
    return { algorithm, channels, outputDir, checkpoint, gpus };
  }

  /** Where the job's artifacts and checkpoints go (local folders). */
  private locations(request: CreateTrainingJobRequest): { outputDir: string; checkpoint: string | null } {
    const outputDir = resolveDataUri(request.OutputDataConfig.S3OutputPath, this.objectStore, 'OutputDataConfig.S3OutputPath');
    const checkpoint = request.CheckpointConfig ? resolveDataUri(request.CheckpointConfig.S3Uri, this.objectStore, 'CheckpointConfig.S3Uri') : null;
    return { outputDir, checkpoint };
  }

  private async dockerFor(image: string): Promise<JobBackend> {
    try {
      return await this.deps.backends.docker(image);
    } catch (error) {
      throw unavailable(`TrainingImage ${image} needs Docker: ${(error as Error).message}`);
    }
  }

  /** Starts the queued jobs the free slots allow, oldest first. */
  private schedule(): void {
    if (this.disposed || this.deps.runJobs === false) return;
    for (const row of this.deps.store.unfinished()) {
      if (this.active.has(row.name) || row.handle || row.status !== 'InProgress') continue;
      if (row.secondaryStatus !== 'Pending' && row.secondaryStatus !== 'Interrupted') continue;
      const wanted = wantsGpu(row.request.ResourceConfig?.InstanceType) ? 1 : 0;
      const grant = this.deps.slots.tryAcquire(wanted);
      if (!grant) continue; // a GPU job may wait while CPU jobs still fit, and the other way round
      this.active.track(row.name, grant, (active) => this.runAttempt(active));
    }
  }

  private reattach(row: TrainingJobRow, handle: JobHandle): void {
    const grant = this.deps.slots.claim(handle.gpus ?? []);
    this.active.track(row.name, grant, async (active) => {
      active.handle = handle;
      active.backend = handle.backend === 'docker' ? await this.deps.backends.docker() : this.deps.backends.process;
      this.deps.logger.info(`reattached to training job ${row.name} (${handle.backend})`);
      if (row.status === 'Stopping') {
        active.stopRequested = true;
        await active.backend.stop(handle);
      }
      await this.watch(active);
    });
  }


  /** Lays out the job folder and launches one attempt, then watches it. */
  private async runAttempt(active: ActiveJob): Promise<void> {
    const row = this.require(active.name);
    const plan = this.plan(row.request);
    const resumed = row.secondaryStatus === 'Interrupted';
    row.attempts += 1;
    row.startedAt ??= this.now();
    this.transition(row, 'InProgress', 'Downloading', resumed ? `Resuming from the checkpoints (attempt ${row.attempts})` : 'Preparing the job folder and input data');
    const jobDir = this.jobDir(row.name);
    const mlRoot = path.join(jobDir, 'opt-ml');
    fs.mkdirSync(jobDir, { recursive: true });
    // What an earlier attempt's backend left would look like this attempt after a restart.
    for (const stale of LAUNCH_FILES) fs.rmSync(path.join(jobDir, stale), { force: true });
    if (row.attempts > 1) {
      // A new attempt starts on a fresh "instance": only the checkpoints come back, from CheckpointConfig.S3Uri.
      const paths = jobPaths(mlRoot);
      for (const folder of [paths.model, paths.output, paths.checkpoints]) fs.rmSync(folder, { recursive: true, force: true });
    }
    const folder = await writeJobFolder(mlRoot, { hyperParameters: row.request.HyperParameters ?? {}, channels: plan.channels, checkpointSource: plan.checkpoint, instanceType: row.request.ResourceConfig?.InstanceType });
    if (active.stopRequested) {
      this.finish(this.require(row.name), 'Stopped', 'Stopped', 'Stopped before it started');
      return;
    }
    const launch = await this.launchSpec(row, plan, mlRoot, folder, active.grant.gpus);
    const backend = launch.docker ? await this.dockerFor(launch.docker.image) : this.deps.backends.process;
    const logFile = this.logFile(row.name);
    fs.appendFileSync(logFile, '');
    const replayUntil = fs.statSync(logFile).size;
    const handle = await backend.launch(launch);
    active.handle = handle;
    active.backend = backend;
    const current = this.require(row.name);
    current.handle = { ...handle, gpus: active.grant.gpus, logFrom: replayUntil };
    active.handle = current.handle;
    if (active.stopRequested) void backend.stop(handle);
    this.transition(current, current.status === 'Stopping' ? 'Stopping' : 'InProgress', current.status === 'Stopping' ? 'Stopping' : 'Training', 'Training on this machine' + (launch.docker ? ` in ${launch.docker.image}` : ''));
    await this.watch(active, replayUntil);
  }

  private async launchSpec(row: TrainingJobRow, plan: Plan, mlRoot: string, folder: Awaited<ReturnType<typeof writeJobFolder>>, gpus: string[]): Promise<JobLaunch> {
    const script = scriptHyperparameters(row.request.HyperParameters ?? {});
    const numCpus = Math.max(1, Math.floor(os.cpus().length / Math.max(1, this.deps.settings().concurrency.cpuSlots)));
    const docker = 'image' in plan.algorithm && plan.algorithm.image ? plan.algorithm.image : null;
    const envInput: Omit<TrainingEnvInput, 'root'> = {
      jobName: row.name,
      jobArn: row.arn,
      channels: plan.channels.map((c) => c.name),
      hyperParameters: script.user,
      userArgs: script.args,
      numGpus: gpus.length,
      numCpus,
      resourceConfig: folder.resourceConfig,
      inputDataConfig: folder.inputDataConfig,
      environment: row.request.Environment,
    };
    const remaining = row.request.StoppingCondition?.MaxRuntimeInSeconds;
    const base = {
      jobName: row.name,
      jobDir: this.jobDir(row.name),
      logFile: this.logFile(row.name),
      stopGraceSeconds: this.deps.stopGraceSeconds ?? 120,
      gpus,
      ...(remaining !== undefined ? { maxRuntimeSeconds: Math.max(remaining - row.usedSeconds, 0.001) } : {}),
    };
    const codeDir = jobPaths(mlRoot).code;
    if ('entryPoint' in plan.algorithm) {
      fs.rmSync(codeDir, { recursive: true, force: true });
      fs.cpSync(plan.algorithm.sourceDir, codeDir, { recursive: true });
    }
    if (docker) {
      // Network none: the SDK spools to the mount and Lathe replays it when the container ends (sdkSpool.ts).
      const env = {
        ...containerEnvironment(envInput),
        PYTHONUNBUFFERED: '1',
        ...('entryPoint' in plan.algorithm ? { SM_USER_ENTRY_POINT: plan.algorithm.entryPoint } : {}),
        ...this.sdkEnv(row),
        LATHE_SPOOL_DIR: CONTAINER_SPOOL,
      };
      const spec = row.request.AlgorithmSpecification;
      const network = row.request.Environment?.LATHE_NETWORK === 'host' && !row.request.EnableNetworkIsolation ? 'host' : 'none';
      return {
        ...base,
        env,
        docker: {
          image: docker,
          ...(spec.ContainerEntrypoint ? { entrypoint: spec.ContainerEntrypoint } : {}),
          cmd: spec.ContainerArguments ?? (spec.ContainerEntrypoint ? [] : ['train']),
          mounts: [
            { source: mlRoot, target: '/opt/ml' },
            { source: this.deps.pythonPath, target: '/opt/lathe/python', readOnly: true },
          ],
          network,
        },
      };
    }
    const python = await this.deps.python();
    if (!python) throw new Error('no usable Python interpreter; Home shows what to install');
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      ...trainingEnvironment({ ...envInput, root: mlRoot }),
      // The SDK in the job logs to the job's own run.
      ...this.deps.serverEnv?.(),
      ...this.sdkEnv(row),
      // Lathe's package (the built-ins, and the SDK for scripts) ahead of the job's own PYTHONPATH.
      PYTHONPATH: [this.deps.pythonPath, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
      PYTHONUNBUFFERED: '1',
      // A CPU job sees no GPU (unless it asks for one itself); a GPU job sees its own, in nvidia-smi's order.
      CUDA_VISIBLE_DEVICES: gpus.length > 0 ? gpus.join(',') : (row.request.Environment?.CUDA_VISIBLE_DEVICES ?? ''),
      CUDA_DEVICE_ORDER: 'PCI_BUS_ID',
      OMP_NUM_THREADS: String(numCpus),
      OPENBLAS_NUM_THREADS: String(numCpus),
    };
    const command =
      'builtin' in plan.algorithm
        ? { file: python, args: ['-m', `lathe.algorithms.${plan.algorithm.builtin.module}`], cwd: mlRoot }
        : { ...entryPointCommand((plan.algorithm as { entryPoint: string }).entryPoint, script.args, python), cwd: codeDir };
    return { ...base, env, process: { ...command, python, pythonPath: this.deps.pythonPath } };
  }

  /** Follows the attempt's log and metrics until it ends, then records how it ended. */
  private async watch(active: ActiveJob, replayUntil?: number): Promise<void> {
    const handle = active.handle!;
    const backend = active.backend!;
    const row = this.require(active.name);
    const logFile = this.logFile(row.name);
    // The whole log is read again (metric points are idempotent) so step counts span every attempt.
    const liveFrom = replayUntil ?? (fs.existsSync(logFile) ? fs.statSync(logFile).size : 0);
    const parser: MetricParser = createMetricParser(row.request.AlgorithmSpecification.MetricDefinitions ?? []);
    const runId = this.deps.experiments?.runBySource('training-job', row.name)?.runId ?? null;
    const tail: string[] = [];
    const attemptStart = handle.logFrom ?? liveFrom;
    let bytes = 0;
    const onLine = (line: string, replay: boolean) => {
      bytes += Buffer.byteLength(line, 'utf8') + 1;
      if (bytes > attemptStart) {
        tail.push(line);
        if (tail.length > 200) tail.shift();
      }
      if (!replay) this.deps.bus.emit('jobs.log', { kind: 'training', job: row.name, stream: 'stdout', line });
      const at = this.now();
      const points = parser.parse(line);
      for (const point of points) this.deps.store.addMetric(row.name, point.name, point.step, point.value, at);
      if (runId && points.length > 0) {
        const timestamp = Date.parse(at);
        try {
          this.deps.experiments!.logJobMetrics(runId, points.map((point) => ({ key: point.name, value: point.value, step: point.step, timestamp })));
        } catch (error) {
          this.deps.logger.error(`metric points of ${row.name} could not be recorded in its run`, error);
        }
      }
    };
    const exit = await followJob(() => backend.wait(handle, active.abort.signal), logFile, liveFrom, onLine);
    await this.record(active, exit, parser, tail);
  }

  private async record(active: ActiveJob, exit: JobExit, parser: MetricParser, tail: string[]): Promise<void> {
    let row = this.require(active.name);
    const plan = this.locations(row.request);
    const paths = jobPaths(path.join(this.jobDir(row.name), 'opt-ml'));
    // The job may have ended while Lathe was away: its own times, not the time Lathe noticed.
    const attempt = exit.startedAt && exit.endedAt ? (exit.endedAt - exit.startedAt) / 1000 : this.currentAttemptSeconds(row);
    const endedAt = exit.endedAt ? new Date(exit.endedAt).toISOString() : undefined;
    const finalMetrics = [...parser.finals()].map(([MetricName, Value]) => ({ MetricName, Value, Timestamp: this.now() }));
    if (plan.checkpoint && fs.existsSync(paths.checkpoints)) await syncFolder(paths.checkpoints, plan.checkpoint);
    if (active.handle?.backend === 'docker') {
      const env = this.deps.serverEnv?.() ?? {};
      await replaySpool({ spool: hostSpool(path.join(this.jobDir(row.name), 'opt-ml')), runId: this.deps.experiments?.runBySource('training-job', row.name)?.runId ?? null, python: await this.deps.python(), pythonPath: this.deps.pythonPath, env, logger: this.deps.logger, job: row.name });
    }
    // Read again after the copy: a stop may have arrived meanwhile.
    row = this.require(active.name);
    row.usedSeconds += attempt;
    row.handle = null;
    row.finalMetrics = finalMetrics;
    const stopping = row.status === 'Stopping' || active.stopRequested;
    const maxWait = row.request.StoppingCondition?.MaxWaitTimeInSeconds;
    if (exit.reason === 'Interrupted' && !stopping) {
      if (maxWait !== undefined && (Date.parse(this.now()) - Date.parse(row.createdAt)) / 1000 >= maxWait) {
        this.finish(row, 'Stopped', 'MaxWaitTimeExceeded', 'Interrupted after MaxWaitTimeInSeconds; the job will not resume', null, endedAt);
        return;
      }
      this.transition(row, 'InProgress', 'Interrupted', 'Spot interruption: the job resumes from its checkpoints when a slot is free');
      return;
    }
    if (stopping || exit.reason === 'Stopped' || exit.reason === 'MaxRuntimeExceeded') {
      // As SageMaker does, what the job saved in model/ before it was stopped is kept.
      row.modelArtifacts = await this.packIfAny(row, paths);
      const secondary = exit.reason === 'MaxRuntimeExceeded' && !stopping ? 'MaxRuntimeExceeded' : 'Stopped';
      return this.finish(row, 'Stopped', secondary, secondary === 'Stopped' ? 'Training job stopped' : 'The job ran past MaxRuntimeInSeconds', null, endedAt);
    }
    if (exit.vanished) return this.finish(row, 'Failed', 'Failed', VANISHED);
    if (exit.exitCode !== 0) {
      const failure = fs.existsSync(paths.failure) ? fs.readFileSync(paths.failure, 'utf8') : null;
      return this.finish(row, 'Failed', 'Failed', 'Training job failed', failureReason(failure, tail, exit.exitCode, exit.signal), endedAt);
    }
    this.transition(row, 'InProgress', 'Uploading', 'Packing model.tar.gz and output.tar.gz');
    await this.complete(row.name);
  }

  /** Packs model/ and output/data and completes the job (again, after a restart during Uploading). */
  private async complete(name: string): Promise<void> {
    const row = this.require(name);
    const paths = jobPaths(path.join(this.jobDir(name), 'opt-ml'));
    const outputDir = path.join(this.locations(row.request).outputDir, name, 'output');
    const modelArtifacts = path.join(outputDir, 'model.tar.gz');
    await Promise.all([packFolder(paths.model, modelArtifacts), packFolder(paths.outputData, path.join(outputDir, 'output.tar.gz'))]);
    const done = this.require(name);
    done.modelArtifacts = modelArtifacts;
    this.finish(done, 'Completed', 'Completed', 'Training job completed');
  }

  /** model.tar.gz of a stopped job, when it saved anything. */
  private async packIfAny(row: TrainingJobRow, paths: ReturnType<typeof jobPaths>): Promise<string | null> {
    if (!fs.existsSync(paths.model) || fs.readdirSync(paths.model).length === 0) return null;
    const outputDir = path.join(this.locations(row.request).outputDir, row.name, 'output');
    const modelArtifacts = path.join(outputDir, 'model.tar.gz');
    await Promise.all([packFolder(paths.model, modelArtifacts), packFolder(paths.outputData, path.join(outputDir, 'output.tar.gz'))]);
    return modelArtifacts;
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

  private finish(row: TrainingJobRow, status: TrainingJobStatus, secondary: SecondaryStatus, message: string, reason: string | null = null, endedAt?: string): void {
    row.endedAt = endedAt ?? this.now();
    row.handle = null;
    row.failureReason = status === 'Failed' ? (reason ?? message) : null;
    this.transition(row, status, secondary, message, true);
    const experiments = this.deps.experiments;
    const run = experiments?.runBySource('training-job', row.name);
    if (experiments && run) {
      try {
        experiments.setStatus(run.runId, status === 'Completed' ? 'FINISHED' : status === 'Failed' ? 'FAILED' : 'KILLED', Date.parse(row.endedAt));
        if (row.modelArtifacts) experiments.addLineage({ kind: 'training-job', id: row.name }, { kind: 'model-artifact', id: toS3Uri(row.modelArtifacts, this.objectStore) }, 'produced');
      } catch (error) {
        this.deps.logger.error(`the run of ${row.name} could not be finished`, error);
      }
    }
  }

  private changed(row: TrainingJobRow): void {
    this.deps.bus.emit('jobs.changed', summaryOf(row));
  }
}

/** TrainingImage values that mean "this machine's Python", not a Docker image. */
function isProcessImage(image: string): boolean {
  return image === 'lathe:process' || image === 'local';
}

function algorithmLabel(request: CreateTrainingJobRequest): string {
  const spec = request.AlgorithmSpecification;
  if (spec.AlgorithmName) return spec.AlgorithmName;
  const script = scriptHyperparameters(request.HyperParameters ?? {}).program;
  if (spec.TrainingImage && !isProcessImage(spec.TrainingImage)) return script ? `${script} in ${spec.TrainingImage}` : spec.TrainingImage;
  return script ?? spec.TrainingImage ?? 'script';
}

function summaryOf(row: TrainingJobRow): TrainingJobSummary {
  const image = row.request.AlgorithmSpecification.TrainingImage;
  return {
    Kind: 'training',
    TrainingJobName: row.name,
    TrainingJobArn: row.arn,
    TrainingJobStatus: row.status,
    SecondaryStatus: row.secondaryStatus,
    CreationTime: row.createdAt,
    ...(row.startedAt ? { TrainingStartTime: row.startedAt } : {}),
    ...(row.endedAt ? { TrainingEndTime: row.endedAt } : {}),
    LastModifiedTime: row.modifiedAt,
    ...(row.failureReason ? { FailureReason: row.failureReason } : {}),
    Algorithm: algorithmLabel(row.request),
    Backend: image && !isProcessImage(image) ? 'docker' : 'process',
    Cpus: 1,
    Gpus: wantsGpu(row.request.ResourceConfig?.InstanceType) ? 1 : 0,
  };
}

