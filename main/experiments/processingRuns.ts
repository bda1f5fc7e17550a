/**
 * Processing jobs as runs (as training jobs are): the run is made when the job is created, with
 * its environment as params, its inputs as lineage, and its outputs added when it completes.
 * Recording never stops a job: a failure is logged and the job runs on.
 */
import type { RunStatus } from '../contract/experiments';
import type { CreateProcessingJobRequest } from '../contract/trainingSchemas';
import type { Logger } from '../log/logger';
import type { ExperimentsService } from './experimentsService';
import { experimentNameOf } from './jobExperiment';

/** Environment names whose values are credentials: never recorded as params (shown, exported, served). */
export const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH/i;

export function recordProcessingRun(experiments: ExperimentsService, request: CreateProcessingJobRequest, createdAt: string, logger: Logger): void {
  const name = request.ProcessingJobName;
  try {
    const experiment = experiments.ensureExperiment(experimentNameOf(request));
    const app = request.AppSpecification;
    const command = [...(app.ContainerEntrypoint ?? []), ...(app.ContainerArguments ?? [])].join(' ');
    experiments.createRun({
      experimentId: experiment.experimentId,
      runName: name,
      source: { kind: 'processing-job', name },
      params: Object.fromEntries(Object.entries(request.Environment ?? {}).filter(([key]) => !key.startsWith('LATHE_') && !SECRET_NAME.test(key))),
      tags: { 'lathe.image': app.ImageUri, 'lathe.instanceType': request.ProcessingResources.ClusterConfig.InstanceType, ...(command ? { 'lathe.command': command.slice(0, 5000) } : {}) },
      startTime: Date.parse(createdAt),
    });
    for (const input of request.ProcessingInputs ?? []) {
      experiments.addLineage({ kind: 'dataset', id: input.S3Input.S3Uri }, { kind: 'processing-job', id: name }, 'input');
    }
  } catch (error) {
    logger.error(`processing job ${name} runs without a run in the experiments store`, error);
  }
}

export function finishProcessingRun(experiments: ExperimentsService, request: CreateProcessingJobRequest, status: 'Completed' | 'Failed' | 'Stopped', endedAt: string, logger: Logger): void {
  const name = request.ProcessingJobName;
  try {
    const run = experiments.runBySource('processing-job', name);
    if (!run) return;
    const runStatus: RunStatus = status === 'Completed' ? 'FINISHED' : status === 'Failed' ? 'FAILED' : 'KILLED';
    experiments.setStatus(run.runId, runStatus, Date.parse(endedAt));
    if (status !== 'Completed') return;
    for (const output of request.ProcessingOutputConfig?.Outputs ?? []) {
      experiments.addLineage({ kind: 'processing-job', id: name }, { kind: 'dataset', id: output.S3Output.S3Uri }, 'produced');
    }
  } catch (error) {
    logger.error(`the run of processing job ${name} could not be finished`, error);
  }
}
