import { DEFAULT_EXPERIMENT } from './experimentsService';

/** ExperimentConfig.ExperimentName of a job request, else Default. */
export function experimentNameOf(request: object): string {
  const config = (request as { ExperimentConfig?: { ExperimentName?: unknown } }).ExperimentConfig;
  return typeof config?.ExperimentName === 'string' && config.ExperimentName ? config.ExperimentName : DEFAULT_EXPERIMENT;
}
