/**
 * Processing jobs (CreateProcessingJob, sagemaker-contracts.md §4.6) on the same runner as
 * training: the same slots and backends, jobs that outlive Lathe, a log file per job. Inputs are
 * placed at their LocalPath under /opt/ml/processing, /opt/ml/config holds processingjobconfig.json
 * and resourceconfig.json, and on success each output's LocalPath is copied to its S3Uri.
 *
 * ImageUri `lathe:process` runs ContainerEntrypoint + ContainerArguments on this machine instead of
 * in a container: `/opt/ml/…` in them and in Environment values points into the job folder
 * (SAGEMAKER_BASE_DIR says where), and `python3` is the job's Python. A script that spells out
 * /opt/ml paths in its own code needs a container.
 */
import fs from 'node:fs';
import path from 'node:path';
import { conflict, invalid, notFound, precondition, unavailable } from '../api/errors';
import type { EventBus } from '../api/eventBus';
import type { JobLogPage, ProcessingJobDescription, ProcessingJobStatus, ProcessingJobSummary } from '../contract/training';
import type { CreateProcessingJobRequest } from '../contract/trainingSchemas';
import { failureReason, syncFolder } from '../jobs/artifacts';
import type { JobExit, JobLaunch } from '../jobs/backend';
import { JobWatches, type ActiveJob } from '../jobs/jobWatches';
import { LAUNCH_FILES, launchedHandle, sortRows } from '../jobs/launched';
import { resolveDataUri } from '../jobs/dataUri';
import { resourceConfig } from '../jobs/jobLayout';
import { followJob, jobLogPage } from '../jobs/logTail';
import { linkOrCopy, placeTree } from '../jobs/materialize';
import { wantsGpu, type SlotGrant, type SlotPool } from '../jobs/slots';
import type { Logger } from '../log/logger';
import type { EventLog } from '../store/eventLog';
import type { ExperimentsService } from '../experiments/experimentsService';
import { experimentNameOf } from '../experiments/jobExperiment';
import { finishProcessingRun, recordProcessingRun } from '../experiments/processingRuns';
import type { ProcessingJobRow, ProcessingStore } from './processingStore';
import type { TrainingBackends } from '../training/trainingService';

export interface ProcessingServiceDeps {
  store: ProcessingStore;
  bus: EventBus;
  events: EventLog;
  logger: Logger;
  python: () => Promise<string | null>;
  home: string;
  pythonPath: string;
  slots: SlotPool;
  /** Learns the machine's GPUs (the system probe) before a GPU job is planned or scheduled. */
  gpusReady?: () => Promise<void>;
  backends: TrainingBackends;
  runJobs?: boolean;
  stopGraceSeconds?: number;
  stopJobsOnDispose?: boolean;
  clock?: () => Date;
  /** Records each job as a run of its experiment (ExperimentConfig.ExperimentName, else Default). */
  experiments?: ExperimentsService;
}


const PROCESS_IMAGES = new Set(['lathe:process', 'local']);
const ML = '/opt/ml/';
const arnOf = (name: string) => `arn:aws:sagemaker:local:000000000000:processing-job/${name.toLowerCase()}`;

export class ProcessingService {
  private readonly active: JobWatches;
  private readonly unsubscribe: () => void;
  /** Picks up jobs another process (the CLI with --home) recorded in the store. */
  private readonly tick: NodeJS.Timeout | null = null;
  private disposed = false;

  constructor(private readonly deps: ProcessingServiceDeps) {
    this.active = new JobWatches((name, error) => {
      deps.logger.error(`processing job ${name} could not run`, error);
      const row = deps.store.get(name);
      if (row && (row.status === 'InProgress' || row.status === 'Stopping')) this.finish(row, 'Failed', `Lathe could not run the job: ${(error as Error).message}`.slice(0, 1024));
    });
    this.unsubscribe = deps.slots.onFree(() => this.schedule());
    if (deps.runJobs === false) return;
    this.tick = setInterval(() => this.schedule(), 2000);
    this.tick.unref();
    for (const row of deps.store.unfinished()) {
      // Lathe may have stopped between launching the job and recording where it runs: look.
      const handle = row.handle ?? (row.startedAt ? launchedHandle(this.jobDir(row.name)) : null);
      if (handle) {
        this.active.track(row.name, deps.slots.claim(handle.gpus ?? []), async (active) => {
          active.handle = handle;
          active.backend = handle.backend === 'docker' ? await deps.backends.docker() : deps.backends.process;
          if (row.status === 'Stopping') await active.backend.stop(handle);
          await this.watch(active);
        });
      } else if (row.status === 'Stopping') {
        this.finish(row, 'Stopped', 'Stopped before it started');
      } else if (row.startedAt) {
        // Nothing ran: queue it again rather than fail it.
        row.startedAt = null;
        this.save(row);
      }
    }
    this.schedule();
  }

  private now(): string {
    return (this.deps.clock?.() ?? new Date()).toISOString();
  }

  private jobDir(name: string): string {
    return path.join(this.deps.home, 'jobs', 'processing', name);
  }

  private logFile(name: string): string {
    return path.join(this.jobDir(name), 'processing.log');
  }

  private get objectStore(): string {
    return path.join(this.deps.home, 's3');
  }

  async create(request: CreateProcessingJobRequest, actor: string): Promise<{ ProcessingJobArn: string }> {
    const name = request.ProcessingJobName;
    if (this.deps.store.get(name)) throw conflict(`Processing job ${name} already exists; processing job names must be unique.`);
    if (wantsGpu(request.ProcessingResources.ClusterConfig.InstanceType)) await this.deps.gpusReady?.();
    this.plan(request);
    if (!PROCESS_IMAGES.has(request.AppSpecification.ImageUri)) {
      try {
        await this.deps.backends.docker(request.AppSpecification.ImageUri);
      } catch (error) {
        throw unavailable(`AppSpecification.ImageUri ${request.AppSpecification.ImageUri} needs Docker: ${(error as Error).message}`);
      }
    }
    const now = this.now();
    const row: ProcessingJobRow = { name, arn: arnOf(name), request, status: 'InProgress', failureReason: null, exitMessage: null, handle: null, createdAt: now, startedAt: null, endedAt: null, modifiedAt: now };
    this.deps.experiments?.assertLoggable(experimentNameOf(request));
    this.deps.store.insert(row);
    if (this.deps.experiments) recordProcessingRun(this.deps.experiments, request, now, this.deps.logger);
    this.deps.events.append({ actor, action: 'processing.create', subject: name, detail: { image: request.AppSpecification.ImageUri } });
    this.deps.bus.emit('jobs.changed', summary(row));
    this.schedule();
    return { ProcessingJobArn: row.arn };
  }

  describe(name: string): ProcessingJobDescription {
    const row = this.require(name);
    const { request } = row;
    return {
      ProcessingJobName: row.name,
      ProcessingJobArn: row.arn,
      ProcessingJobStatus: row.status,
      ...(row.exitMessage ? { ExitMessage: row.exitMessage } : {}),
      ...(row.failureReason ? { FailureReason: row.failureReason } : {}),
      ProcessingInputs: request.ProcessingInputs ?? [],
      ...(request.ProcessingOutputConfig ? { ProcessingOutputConfig: request.ProcessingOutputConfig } : {}),
      ProcessingResources: request.ProcessingResources,
      ...(request.StoppingCondition ? { StoppingCondition: request.StoppingCondition } : {}),
      AppSpecification: request.AppSpecification,
      ...(request.Environment ? { Environment: request.Environment } : {}),
      CreationTime: row.createdAt,
      ...(row.startedAt ? { ProcessingStartTime: row.startedAt } : {}),
      ...(row.endedAt ? { ProcessingEndTime: row.endedAt } : {}),
      LastModifiedTime: row.modifiedAt,
    };
  }

  list(request: { SortBy?: 'Name' | 'CreationTime' | 'Status'; SortOrder?: 'Ascending' | 'Descending'; StatusEquals?: ProcessingJobStatus; NameContains?: string; MaxResults?: number; NextToken?: string }): { ProcessingJobSummaries: ProcessingJobSummary[]; NextToken?: string } {
    const rows = sortRows(this.deps.store.list({ status: request.StatusEquals, nameContains: request.NameContains }), request.SortBy, request.SortOrder);
    const start = request.NextToken ? Number.parseInt(request.NextToken, 10) : 0;
    if (!Number.isInteger(start) || start < 0) throw invalid('NextToken is not one Lathe gave out');
    const size = request.MaxResults ?? 100;
    const page = rows.slice(start, start + size).map(summary);
    return start + size < rows.length ? { ProcessingJobSummaries: page, NextToken: String(start + size) } : { ProcessingJobSummaries: page };
  }

  async logs(name: string, start = -1000, limit = 1000): Promise<JobLogPage> {
    return jobLogPage(this.logFile(name), this.require(name).status, start, limit);
  }

  stop(name: string, actor: string): Record<string, never> {
    const row = this.require(name);
    if (row.status !== 'InProgress') throw precondition(`Processing job ${name} is ${row.status}; only a job in progress can be stopped.`);
    this.deps.events.append({ actor, action: 'processing.stop', subject: name });
    const active = this.active.get(name);
    if (!active) {
      this.finish(row, 'Stopped', 'Stopped before it started');
      return {};
    }
    active.stopRequested = true;
    row.status = 'Stopping';
    this.save(row);
    if (active.handle && active.backend) void active.backend.stop(active.handle);
    return {};
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.unsubscribe();
    if (this.tick) clearInterval(this.tick);
    await this.active.dispose(this.deps.stopJobsOnDispose ?? false);
  }

  private require(name: string): ProcessingJobRow {
    const row = this.deps.store.get(name);
    if (!row) throw notFound(`Could not find processing job ${JSON.stringify(name)}.`);
    return row;
  }

  private plan(request: CreateProcessingJobRequest) {
    const inputs = (request.ProcessingInputs ?? []).map((input, i) => {
      const field = `ProcessingInputs[${i}].S3Input.S3Uri`;
      const source = resolveDataUri(input.S3Input.S3Uri, this.objectStore, field);
      if (!fs.existsSync(source)) throw notFound(`Processing input ${input.InputName}: no file or folder at ${source} (${field}).`, { field });
      return { name: input.InputName, source, localPath: input.S3Input.LocalPath };
    });
    const outputs = (request.ProcessingOutputConfig?.Outputs ?? []).map((output, i) => ({
      name: output.OutputName,
      destination: resolveDataUri(output.S3Output.S3Uri, this.objectStore, `ProcessingOutputConfig.Outputs[${i}].S3Output.S3Uri`),
      localPath: output.S3Output.LocalPath,
    }));
    const names = [...inputs.map((i) => i.name), ...outputs.map((o) => o.name)];
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw invalid(`The input or output name ${duplicate} is used twice; each must be unique.`);
    const gpus = wantsGpu(request.ProcessingResources.ClusterConfig.InstanceType) ? 1 : 0;
    if (gpus > 0 && this.deps.slots.machineGpus === 0) throw precondition(`InstanceType ${request.ProcessingResources.ClusterConfig.InstanceType} asks for a GPU and this machine has none; use a CPU instance type.`);
    return { inputs, outputs, gpus };
  }

  private schedule(): void {
    if (this.disposed || this.deps.runJobs === false) return;
    for (const row of this.deps.store.unfinished()) {
      if (this.active.has(row.name) || row.handle || row.status !== 'InProgress' || row.startedAt) continue;
      const grant = this.deps.slots.tryAcquire(wantsGpu(row.request.ProcessingResources.ClusterConfig.InstanceType) ? 1 : 0);
      if (!grant) continue;
      this.active.track(row.name, grant, (active) => this.run(active, grant));
    }
  }


  private async run(active: ActiveJob, grant: SlotGrant): Promise<void> {
    const row = this.require(active.name);
    const plan = this.plan(row.request);
    row.startedAt = this.now();
    this.save(row);
    const jobDir = this.jobDir(row.name);
    const mlRoot = path.join(jobDir, 'opt-ml');
    fs.rmSync(mlRoot, { recursive: true, force: true });
    for (const stale of LAUNCH_FILES) fs.rmSync(path.join(jobDir, stale), { force: true });
    const host = (local: string) => path.join(mlRoot, local.slice(ML.length));
    fs.mkdirSync(path.join(mlRoot, 'config'), { recursive: true });
    fs.writeFileSync(path.join(mlRoot, 'config', 'processingjobconfig.json'), JSON.stringify({ ...row.request, ProcessingJobArn: row.arn }, null, 2));
    fs.writeFileSync(path.join(mlRoot, 'config', 'resourceconfig.json'), JSON.stringify(resourceConfig(row.request.ProcessingResources.ClusterConfig.InstanceType), null, 2));
    const place = linkOrCopy();
    for (const input of plan.inputs) await placeTree(input.source, host(input.localPath), place, `Processing input ${input.name}`);
    for (const output of plan.outputs) fs.mkdirSync(host(output.localPath), { recursive: true });
    if (active.stopRequested) return this.finish(this.require(row.name), 'Stopped', 'Stopped before it started');

    const app = row.request.AppSpecification;
    const onHost = PROCESS_IMAGES.has(app.ImageUri);
    const base = {
      jobName: row.name,
      jobDir,
      logFile: this.logFile(row.name),
      stopGraceSeconds: this.deps.stopGraceSeconds ?? 120,
      gpus: grant.gpus,
      ...(row.request.StoppingCondition ? { maxRuntimeSeconds: row.request.StoppingCondition.MaxRuntimeInSeconds } : {}),
    };
    let launch: JobLaunch;
    if (onHost) {
      const python = await this.deps.python();
      if (!python) throw new Error('no usable Python interpreter; Home shows what to install');
      const rewrite = (arg: string) => (arg.startsWith(ML) ? host(arg) : arg);
      const argv = [...(app.ContainerEntrypoint ?? []), ...(app.ContainerArguments ?? [])].map(rewrite);
      if (argv.length === 0) throw invalid('ImageUri lathe:process runs ContainerEntrypoint on this machine; give one, such as ["python3", "/opt/ml/processing/input/code/prep.py"].');
      const file = argv[0] === 'python3' || argv[0] === 'python' ? python : argv[0]!;
      const own = Object.fromEntries(Object.entries(row.request.Environment ?? {}).map(([key, value]) => [key, rewrite(value)]));
      const pythonPath = [this.deps.pythonPath, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
      const env = { ...(process.env as Record<string, string>), PYTHONPATH: pythonPath, ...own, PYTHONUNBUFFERED: '1', SAGEMAKER_BASE_DIR: mlRoot, LATHE_ML_ROOT: mlRoot };
      launch = { ...base, env, process: { file, args: argv.slice(1), cwd: mlRoot, python, pythonPath: this.deps.pythonPath } };
    } else {
      const network = row.request.NetworkConfig?.EnableNetworkIsolation === false && row.request.Environment?.LATHE_NETWORK === 'host' ? 'host' : 'none';
      launch = {
        ...base,
        env: { ...row.request.Environment, PYTHONUNBUFFERED: '1' },
        docker: {
          image: app.ImageUri,
          ...(app.ContainerEntrypoint ? { entrypoint: app.ContainerEntrypoint } : {}),
          cmd: app.ContainerArguments ?? [],
          mounts: [
            { source: mlRoot, target: '/opt/ml' },
            { source: this.deps.pythonPath, target: '/opt/lathe/python', readOnly: true },
          ],
          network,
        },
      };
    }
    const backend = onHost ? this.deps.backends.process : await this.deps.backends.docker();
    fs.mkdirSync(jobDir, { recursive: true });
    fs.appendFileSync(base.logFile, '');
    const liveFrom = fs.statSync(base.logFile).size;
    const handle = await backend.launch(launch);
    active.handle = handle;
    active.backend = backend;
    const current = this.require(row.name);
    current.handle = { ...handle, gpus: grant.gpus, logFrom: liveFrom };
    active.handle = current.handle;
    this.save(current);
    if (active.stopRequested) void backend.stop(handle);
    await this.watch(active, liveFrom);
  }

  private async watch(active: ActiveJob, liveFrom?: number): Promise<void> {
    const handle = active.handle!;
    const backend = active.backend!;
    const logFile = this.logFile(active.name);
    const from = liveFrom ?? (fs.existsSync(logFile) ? fs.statSync(logFile).size : 0);
    const attemptStart = handle.logFrom ?? from;
    const tail: string[] = [];
    let bytes = 0;
    const exit = await followJob(() => backend.wait(handle, active.abort.signal), logFile, from, (line, replay) => {
      bytes += Buffer.byteLength(line, 'utf8') + 1;
      if (bytes > attemptStart) {
        tail.push(line);
        if (tail.length > 200) tail.shift();
      }
      if (!replay) this.deps.bus.emit('jobs.log', { kind: 'processing', job: active.name, stream: 'stdout', line });
    });
    await this.record(active.name, exit, tail);
  }

  private async record(name: string, exit: JobExit, tail: string[]): Promise<void> {
    const row = this.require(name);
    row.handle = null;
    // The job may have ended while Lathe was away: its own end, not the time Lathe noticed.
    const endedAt = exit.endedAt ? new Date(exit.endedAt).toISOString() : undefined;
    if (row.status === 'Stopping' || exit.reason === 'Stopped') return this.finish(row, 'Stopped', 'Processing job stopped', endedAt);
    if (exit.reason === 'MaxRuntimeExceeded') return this.finish(row, 'Stopped', 'The job ran past MaxRuntimeInSeconds', endedAt);
    if (exit.vanished) return this.finish(row, 'Failed', 'The processing job ended while Lathe was not watching and left no exit status.');
    const mlRoot = path.join(this.jobDir(name), 'opt-ml');
    if (exit.exitCode !== 0) {
      const failureFile = path.join(mlRoot, 'output', 'message');
      const message = fs.existsSync(failureFile) ? fs.readFileSync(failureFile, 'utf8') : null;
      return this.finish(row, 'Failed', failureReason(message, tail, exit.exitCode, exit.signal), endedAt);
    }
    for (const [i, output] of (row.request.ProcessingOutputConfig?.Outputs ?? []).entries()) {
      const local = path.join(mlRoot, output.S3Output.LocalPath.slice(ML.length));
      const destination = resolveDataUri(output.S3Output.S3Uri, this.objectStore, `ProcessingOutputConfig.Outputs[${i}].S3Output.S3Uri`);
      if (fs.existsSync(local)) await syncFolder(local, destination);
    }
    this.finish(this.require(name), 'Completed', null);
  }

  private finish(row: ProcessingJobRow, status: ProcessingJobStatus, message: string | null, endedAt?: string): void {
    row.status = status;
    row.endedAt = endedAt ?? this.now();
    row.handle = null;
    row.failureReason = status === 'Failed' ? message : null;
    row.exitMessage = status === 'Completed' ? null : message;
    this.save(row);
    if (this.deps.experiments && (status === 'Completed' || status === 'Failed' || status === 'Stopped')) finishProcessingRun(this.deps.experiments, row.request, status, row.endedAt, this.deps.logger);
  }

  private save(row: ProcessingJobRow): void {
    row.modifiedAt = this.now();
    this.deps.store.update(row);
    this.deps.bus.emit('jobs.changed', summary(row));
  }
}

function summary(row: ProcessingJobRow): ProcessingJobSummary {
  const app = row.request.AppSpecification;
  const onHost = PROCESS_IMAGES.has(app.ImageUri);
  const script = [...(app.ContainerEntrypoint ?? []), ...(app.ContainerArguments ?? [])].find((arg) => /\.(py|sh|R)$/.test(arg));
  return {
    Kind: 'processing',
    ProcessingJobName: row.name,
    ProcessingJobArn: row.arn,
    ProcessingJobStatus: row.status,
    CreationTime: row.createdAt,
    ...(row.startedAt ? { ProcessingStartTime: row.startedAt } : {}),
    ...(row.endedAt ? { ProcessingEndTime: row.endedAt } : {}),
    LastModifiedTime: row.modifiedAt,
    ...(row.failureReason ? { FailureReason: row.failureReason } : {}),
    ...(row.exitMessage ? { ExitMessage: row.exitMessage } : {}),
    Algorithm: script ? path.basename(script) + (onHost ? '' : ` in ${app.ImageUri}`) : app.ImageUri,
    Backend: onHost ? 'process' : 'docker',
    Cpus: 1,
    Gpus: wantsGpu(row.request.ProcessingResources.ClusterConfig.InstanceType) ? 1 : 0,
  };
}
