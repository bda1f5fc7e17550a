import type { Router } from '../api/router';
import type { ExperimentsService } from './experimentsService';

/** The experiment and run channels of the contract. */
export function registerExperimentsHandlers(router: Router, experiments: ExperimentsService): void {
  router.handle('experiments.list', (request) => ({ experiments: experiments.listExperiments(request.includeDeleted ?? false) }));
  router.handle('experiments.create', (request) => experiments.createExperiment(request.name, request.tags ?? {}));
  router.handle('runs.search', (request) => experiments.searchRuns(request));
  router.handle('runs.get', (request) => experiments.getRun(request.runId));
  router.handle('runs.metricHistory', (request) => experiments.metricHistory(request.runId, request.key, request.width));
}
