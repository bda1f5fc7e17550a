/**
 * One attempt of a training job from launch to its end: follows its log (jobs.log, metric points
 * for the store and the job's run) until the backend reports the exit, then records how it ended:
 * checkpoints synced, a container's SDK spool replayed, and the job resumed after a spot
 * interruption, stopped, failed with its reason, or packed and completed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EventBus } from '../api/eventBus';
import type { ExperimentsService } from '../experiments/experimentsService';
import { failureReason, packFolder, syncFolder } from '../jobs/artifacts';
import type { JobExit } from '../jobs/backend';
import type { ActiveJob } from '../jobs/jobWatches';
import { jobPaths } from '../jobs/jobLayout';
import { followJob } from '../jobs/logTail';
import { createMetricParser, type MetricParser } from '../jobs/metrics';
import { hostSpool, replaySpool } from '../jobs/sdkSpool';
import type { Logger } from '../log/logger';
import { currentAttemptSeconds } from './trainingDescription';
import { trainingJobDir, trainingLocations, trainingLogFile } from './trainingPlan';
import { trainingRunId } from './trainingRuns';
import type { TrainingJobRow, TrainingStore } from './trainingStore';
import { requireTrainingJob, type TrainingTransitions } from './trainingTransitions';

export interface AttemptRecorderDeps {
  store: TrainingStore;
  bus: EventBus;
  logger: Logger;
  transitions: TrainingTransitions;
  /** LATHE_HOME: the job folders and logs. */
  home: string;
  objectStore: string;
  pythonPath: string;
  python: () => Promise<string | null>;
  serverEnv?: () => Record<string, string>;
  experiments?: ExperimentsService;
}

const VANISHED =
  'The training process ended while Lathe was not watching and left no exit status (it was killed, or the machine restarted). Start the job again under a new name.';

export class AttemptRecorder {
  constructor(private readonly deps: AttemptRecorderDeps) {}

  /** Follows the attempt's log and metrics until it ends, then records how it ended. */
  async watch(active: ActiveJob, replayUntil?: number): Promise<void> {
    const handle = active.handle!;
    const backend = active.backend!;
    const row = requireTrainingJob(this.deps.store, active.name);
    const logFile = trainingLogFile(this.deps.home, row.name);
    // The whole log is read again (metric points are idempotent) so step counts span every attempt.
    const liveFrom = replayUntil ?? (fs.existsSync(logFile) ? fs.statSync(logFile).size : 0);
    const parser: MetricParser = createMetricParser(row.request.AlgorithmSpecification.MetricDefinitions ?? []);
    const runId = trainingRunId(this.deps.experiments, row.name);
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
      const at = this.deps.transitions.now();
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

  /** Packs model/ and output/data and completes the job (again, after a restart during Uploading). */
  async complete(name: string): Promise<void> {
    const row = requireTrainingJob(this.deps.store, name);
    const paths = jobPaths(path.join(trainingJobDir(this.deps.home, name), 'opt-ml'));
    const outputDir = path.join(trainingLocations(row.request, this.deps.objectStore).outputDir, name, 'output');
    const modelArtifacts = path.join(outputDir, 'model.tar.gz');
    await Promise.all([packFolder(paths.model, modelArtifacts), packFolder(paths.outputData, path.join(outputDir, 'output.tar.gz'))]);
    const done = requireTrainingJob(this.deps.store, name);
    done.modelArtifacts = modelArtifacts;
    this.deps.transitions.finish(done, 'Completed', 'Completed', 'Training job completed');
  }

  private async record(active: ActiveJob, exit: JobExit, parser: MetricParser, tail: string[]): Promise<void> {
    const { transitions } = this.deps;
    let row = requireTrainingJob(this.deps.store, active.name);
    const plan = trainingLocations(row.request, this.deps.objectStore);
    const jobDir = trainingJobDir(this.deps.home, row.name);
    const paths = jobPaths(path.join(jobDir, 'opt-ml'));
    // The job may have ended while Lathe was away: its own times, not the time Lathe noticed.
    const attempt = exit.startedAt && exit.endedAt ? (exit.endedAt - exit.startedAt) / 1000 : currentAttemptSeconds(row, () => transitions.now());
    const endedAt = exit.endedAt ? new Date(exit.endedAt).toISOString() : undefined;
    const finalMetrics = [...parser.finals()].map(([MetricName, Value]) => ({ MetricName, Value, Timestamp: transitions.now() }));
    if (plan.checkpoint && fs.existsSync(paths.checkpoints)) await syncFolder(paths.checkpoints, plan.checkpoint);
    if (active.handle?.backend === 'docker') {
      const env = this.deps.serverEnv?.() ?? {};
      await replaySpool({ spool: hostSpool(path.join(jobDir, 'opt-ml')), runId: trainingRunId(this.deps.experiments, row.name), python: await this.deps.python(), pythonPath: this.deps.pythonPath, env, logger: this.deps.logger, job: row.name });
    }
    // Read again after the copy: a stop may have arrived meanwhile.
    row = requireTrainingJob(this.deps.store, active.name);
    row.usedSeconds += attempt;
    row.handle = null;
    row.finalMetrics = finalMetrics;
    const stopping = row.status === 'Stopping' || active.stopRequested;
    const maxWait = row.request.StoppingCondition?.MaxWaitTimeInSeconds;
    if (exit.reason === 'Interrupted' && !stopping) {
      if (maxWait !== undefined && (Date.parse(transitions.now()) - Date.parse(row.createdAt)) / 1000 >= maxWait) {
        transitions.finish(row, 'Stopped', 'MaxWaitTimeExceeded', 'Interrupted after MaxWaitTimeInSeconds; the job will not resume', null, endedAt);
        return;
      }
      transitions.transition(row, 'InProgress', 'Interrupted', 'Spot interruption: the job resumes from its checkpoints when a slot is free');
      return;
    }
    if (stopping || exit.reason === 'Stopped' || exit.reason === 'MaxRuntimeExceeded') {
      // As SageMaker does, what the job saved in model/ before it was stopped is kept.
      row.modelArtifacts = await this.packIfAny(row, paths);
      const secondary = exit.reason === 'MaxRuntimeExceeded' && !stopping ? 'MaxRuntimeExceeded' : 'Stopped';
      return transitions.finish(row, 'Stopped', secondary, secondary === 'Stopped' ? 'Training job stopped' : 'The job ran past MaxRuntimeInSeconds', null, endedAt);
    }
    if (exit.vanished) return transitions.finish(row, 'Failed', 'Failed', VANISHED);
    if (exit.exitCode !== 0) {
      const failure = fs.existsSync(paths.failure) ? fs.readFileSync(paths.failure, 'utf8') : null;
      return transitions.finish(row, 'Failed', 'Failed', 'Training job failed', failureReason(failure, tail, exit.exitCode, exit.signal), endedAt);
    }
    transitions.transition(row, 'InProgress', 'Uploading', 'Packing model.tar.gz and output.tar.gz');
    await this.complete(row.name);
  }

  /** model.tar.gz of a stopped job, when it saved anything. */
  private async packIfAny(row: TrainingJobRow, paths: ReturnType<typeof jobPaths>): Promise<string | null> {
    if (!fs.existsSync(paths.model) || fs.readdirSync(paths.model).length === 0) return null;
    const outputDir = path.join(trainingLocations(row.request, this.deps.objectStore).outputDir, row.name, 'output');
    const modelArtifacts = path.join(outputDir, 'model.tar.gz');
    await Promise.all([packFolder(paths.model, modelArtifacts), packFolder(paths.outputData, path.join(outputDir, 'output.tar.gz'))]);
    return modelArtifacts;
  }
}
