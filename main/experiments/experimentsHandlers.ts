import type { Router } from '../api/router';
import type { ExperimentsService } from './experimentsService';
import type { Purger } from './purge';
import type { RunArtifacts } from './runArtifacts';

/** The experiment and run channels of the contract. */
export function registerExperimentsHandlers(router: Router, experiments: ExperimentsService, purger: Purger, artifacts: RunArtifacts): void {
  router.handle('experiments.list', (request) => ({ experiments: experiments.listExperiments(request.includeDeleted ?? false) }));
  router.handle('experiments.create', (request) => experiments.createExperiment(request.name, request.tags ?? {}));
  router.handle('experiments.delete', (request) => experiments.setExperimentLifecycle(request.experimentId, 'deleted'));
  router.handle('experiments.restore', (request) => experiments.setExperimentLifecycle(request.experimentId, 'active'));
  router.handle('experiments.purge', (request) => purger.purgeExperiment(request.experimentId));
  router.handle('runs.search', (request) => experiments.searchRuns(request));
  router.handle('runs.get', (request) => experiments.getRun(request.runId));
  router.handle('runs.metricHistory', (request) => experiments.metricHistory(request.runId, request.key, request.width));
  router.handle('runs.delete', (request) => ({ runs: experiments.setRunsLifecycle(request.runIds, 'deleted') }));
  router.handle('runs.restore', (request) => ({ runs: experiments.setRunsLifecycle(request.runIds, 'active') }));
  router.handle('runs.purge', (request) => purger.purgeRuns(request.runIds));
  router.handle('runs.artifacts', (request) => artifacts.list(request.runId));
  router.handle('runs.artifactPreview', (request) => artifacts.preview(request.runId, request.path, request.maxBytes));
}
