/**
 * Training jobs: CreateTrainingJob → stored InProgress/Pending (the persistent queue is the table)
 * → a CPU or GPU slot → a backend (a supervised local process, or a Docker container) that keeps
 * running when Lathe exits → Completed | Failed | Stopped, with transitions, metrics, the log
 * (LATHE_HOME/jobs/training/<name>/training.log) and model.tar.gz. On start, Lathe reattaches to
 * the jobs a previous run left running and records how those that ended meanwhile ended. A spot
 * interruption ends an attempt; the job resumes from its checkpoints in a new one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { conflict, invalid, precondition, unavailable } from '../api/errors';
import type { EventBus } from '../api/eventBus';
import type { Settings } from '../contract/model';
import type { AlgorithmInfo, JobLogPage, JobMetricSeries, TrainingJobDescription, TrainingJobStatus, TrainingJobSummary } from '../contract/training';
import type { CreateTrainingJobRequest } from '../contract/trainingSchemas';
import type { JobBackend, JobHandle } from '../jobs/backend';
import { JobWatches, type ActiveJob } from '../jobs/jobWatches';
import { LAUNCH_FILES, launchedHandle, sortRows } from '../jobs/launched';
import { experimentNameOf } from '../experiments/jobExperiment';
import { jobPaths, writeJobFolder } from '../jobs/jobLayout';
import { jobLogPage } from '../jobs/logTail';
import { wantsGpu, type SlotPool } from '../jobs/slots';
import type { Logger } from '../log/logger';
import type { ExperimentsService } from '../experiments/experimentsService';
import type { EventLog } from '../store/eventLog';
import { AttemptRecorder } from './attemptRecorder';
import { loadCatalog } from './builtinAlgorithms';
import { algorithmLabel, arnOf, describeTrainingJob, summaryOf } from './trainingDescription';
import { buildTrainingLaunch } from './trainingLaunch';
import { planTraining, trainingJobDir, trainingLogFile, type Plan } from './trainingPlan';
import { recoveryOf } from './trainingRecovery';
import { recordTrainingRun, trainingRunEnv } from './trainingRuns';
import type { TrainingJobRow, TrainingStore } from './trainingStore';
import { requireTrainingJob, TrainingTransitions } from './trainingTransitions';

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

export class TrainingService {
  private readonly active: JobWatches;
  private readonly unsubscribe: () => void;
  /** Picks up jobs another process (the CLI with --home) recorded in the store. */
  private readonly tick: NodeJS.Timeout | null = null;
  private disposed = false;
  private readonly transitions: TrainingTransitions;
  private readonly attempts: AttemptRecorder;

  constructor(private readonly deps: TrainingServiceDeps) {
    const { store, bus, logger, experiments } = deps;
    this.transitions = new TrainingTransitions({ store, bus, logger, experiments, objectStore: this.objectStore, clock: deps.clock });
    this.attempts = new AttemptRecorder({
      store,
      bus,
      logger,
      experiments,
      transitions: this.transitions,
      home: deps.home,
      objectStore: this.objectStore,
      pythonPath: deps.pythonPath,
      python: deps.python,
      serverEnv: deps.serverEnv,
    });
    this.active = new JobWatches((name, error) => {
      deps.logger.error(`training job ${name} could not run`, error);
      const row = deps.store.get(name);
      if (row && (row.status === 'InProgress' || row.status === 'Stopping')) {
        row.handle = null;
        this.transitions.finish(row, 'Failed', 'Failed', `Lathe could not run the job: ${(error as Error).message}`.slice(0, 1024));
      }
    });
    this.unsubscribe = deps.slots.onFree(() => this.schedule());
    if (deps.runJobs === false) return;
    this.tick = setInterval(() => this.schedule(), 2000);
    this.tick.unref();
    for (const row of deps.store.unfinished()) this.recover(row);
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

  async create(request: CreateTrainingJobRequest, actor: string): Promise<{ TrainingJobArn: string }> {
    const name = request.TrainingJobName;
    if (this.deps.store.get(name)) throw conflict(`Training job ${name} already exists; training job names must be unique.`);
    if (wantsGpu(request.ResourceConfig?.InstanceType)) await this.deps.gpusReady?.();
    const plan = this.plan(request); // validates everything before anything is stored
    if ('image' in plan.algorithm && plan.algorithm.image) await this.dockerFor(plan.algorithm.image);
    const now = this.transitions.now();
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
    recordTrainingRun(this.deps.experiments, row, this.deps.logger);
    this.deps.events.append({ actor, action: 'training.create', subject: name, detail: { algorithm: algorithmLabel(request) } });
    this.transitions.changed(row);
    this.schedule();
    return { TrainingJobArn: row.arn };
  }

  describe(name: string): TrainingJobDescription {
    return describeTrainingJob(this.require(name), () => this.transitions.now());
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
    return jobLogPage(this.logFile(name), this.require(name).status, start, limit);
  }

  stop(name: string, actor: string): Record<string, never> {
    const row = this.require(name);
    if (row.status !== 'InProgress') throw precondition(`Training job ${name} is ${row.status}; only a job in progress can be stopped.`);
    this.deps.events.append({ actor, action: 'training.stop', subject: name });
    const active = this.active.get(name);
    if (!active) {
      this.transitions.finish(row, 'Stopped', 'Stopped', row.secondaryStatus === 'Interrupted' ? 'Stopped while waiting to resume' : 'Stopped before it started');
      return {};
    }
    active.stopRequested = true;
    this.transitions.transition(row, 'Stopping', 'Stopping', 'Stop requested');
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
    return requireTrainingJob(this.deps.store, name);
  }

  private jobDir(name: string): string {
    return trainingJobDir(this.deps.home, name);
  }

  private logFile(name: string): string {
    return trainingLogFile(this.deps.home, name);
  }

  private plan(request: CreateTrainingJobRequest): Plan {
    return planTraining(request, { pythonPath: this.deps.pythonPath, objectStore: this.objectStore, machineGpus: () => this.deps.slots.machineGpus });
  }

  private async dockerFor(image: string): Promise<JobBackend> {
    try {
      return await this.deps.backends.docker(image);
    } catch (error) {
      throw unavailable(`TrainingImage ${image} needs Docker: ${(error as Error).message}`);
    }
  }

  /** Acts on what a previous run of Lathe left unfinished (trainingRecovery.ts decides what). */
  private recover(row: TrainingJobRow): void {
    const recovery = recoveryOf(row, (name) => launchedHandle(this.jobDir(name)));
    switch (recovery.kind) {
      case 'reattach':
        return this.reattach(row, recovery.handle);
      case 'stopped':
        return this.transitions.finish(row, 'Stopped', 'Stopped', 'Stopped before it started');
      case 'upload':
        return this.active.track(row.name, this.deps.slots.claim([]), () => this.attempts.complete(row.name));
      case 'requeue':
        return this.transitions.transition(row, 'InProgress', 'Pending', 'Lathe restarted before the job ran; it is queued again');
      case 'queued':
        return;
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
      await this.attempts.watch(active);
    });
  }

  /** Lays out the job folder and launches one attempt, then watches it. */
  private async runAttempt(active: ActiveJob): Promise<void> {
    const row = this.require(active.name);
    const plan = this.plan(row.request);
    const resumed = row.secondaryStatus === 'Interrupted';
    row.attempts += 1;
    row.startedAt ??= this.transitions.now();
    this.transitions.transition(row, 'InProgress', 'Downloading', resumed ? `Resuming from the checkpoints (attempt ${row.attempts})` : 'Preparing the job folder and input data');
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
      this.transitions.finish(this.require(row.name), 'Stopped', 'Stopped', 'Stopped before it started');
      return;
    }
    const launch = await buildTrainingLaunch({
      row,
      plan,
      mlRoot,
      folder,
      gpus: active.grant.gpus,
      jobDir,
      logFile: this.logFile(row.name),
      cpuSlots: this.deps.settings().concurrency.cpuSlots,
      stopGraceSeconds: this.deps.stopGraceSeconds ?? 120,
      pythonPath: this.deps.pythonPath,
      python: this.deps.python,
      serverEnv: this.deps.serverEnv,
      runEnv: trainingRunEnv(this.deps.experiments, row.name),
    });
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
    this.transitions.transition(current, current.status === 'Stopping' ? 'Stopping' : 'InProgress', current.status === 'Stopping' ? 'Stopping' : 'Training', 'Training on this machine' + (launch.docker ? ` in ${launch.docker.image}` : ''));
    await this.attempts.watch(active, replayUntil);
  }
}
