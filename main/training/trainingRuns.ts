/**
 * Training jobs as runs of their experiment (ExperimentConfig.ExperimentName, else Default): the
 * run is made when the job is created, with its hyperparameters as params and its inputs as
 * lineage; the `lathe` SDK in the job logs to it; it ends as the job ends, with its model artifact
 * as lineage. Recording never stops a job: a failure is logged and the job runs on.
 */
import type { ExperimentsService } from '../experiments/experimentsService';
import { experimentNameOf } from '../experiments/jobExperiment';
import type { TrainingJobStatus } from '../contract/training';
import { toS3Uri } from '../jobs/dataUri';
import type { Logger } from '../log/logger';
import { summaryOf } from './trainingDescription';
import type { TrainingJobRow } from './trainingStore';

/** The job as a run of its experiment, with its inputs' lineage. */
export function recordTrainingRun(experiments: ExperimentsService | undefined, row: TrainingJobRow, logger: Logger): void {
  if (!experiments) return;
  try {
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
  } catch (error) {
    // The job runs whether or not its run could be recorded; the log says why it was not.
    logger.error(`training job ${row.name} could not be recorded as a run`, error);
  }
}

/** The id of the job's run, or null when it has none. */
export function trainingRunId(experiments: ExperimentsService | undefined, name: string): string | null {
  return experiments?.runBySource('training-job', name)?.runId ?? null;
}

/** Which experiment and run the `lathe` SDK in the job logs to. */
export function trainingRunEnv(experiments: ExperimentsService | undefined, name: string): Record<string, string> {
  const run = experiments?.runBySource('training-job', name);
  if (!run) return {};
  return { LATHE_RUN_ID: run.runId, LATHE_EXPERIMENT_ID: run.experimentId };
}

/** Ends the job's run as the job ended; a model artifact becomes the job's lineage. */
export function finishTrainingRun(experiments: ExperimentsService | undefined, row: TrainingJobRow, status: TrainingJobStatus, endedAt: string, objectStore: string, logger: Logger): void {
  const run = experiments?.runBySource('training-job', row.name);
  if (!experiments || !run) return;
  try {
    experiments.setStatus(run.runId, status === 'Completed' ? 'FINISHED' : status === 'Failed' ? 'FAILED' : 'KILLED', Date.parse(endedAt));
    if (row.modelArtifacts) experiments.addLineage({ kind: 'training-job', id: row.name }, { kind: 'model-artifact', id: toS3Uri(row.modelArtifacts, objectStore) }, 'produced');
  } catch (error) {
    logger.error(`the run of ${row.name} could not be finished`, error);
  }
}
