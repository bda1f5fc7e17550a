import { LatheFault } from '../api/errors';
import type { Router } from '../api/router';
import { toEpochSeconds, type SageMakerControlPlane } from '../compat/index';
import type { Channel } from '../contract/channels';
import { toS3Uri } from '../jobs/dataUri';
import type { TrainingService } from './trainingService';

/** The training channels of the contract. */
export function registerTrainingHandlers(router: Router, training: TrainingService): void {
  router.handle('training.create', (request, context) => training.create(request, context.actor));
  router.handle('training.describe', (request) => training.describe(request.TrainingJobName));
  router.handle('training.list', (request) => training.list(request));
  router.handle('training.stop', (request, context) => training.stop(request.TrainingJobName, context.actor));
}

/** SageMaker's wire: ISO times become epoch seconds, local artifact paths become s3:// or file:// URIs. */
export function toWire(value: unknown, objectStore: string, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => toWire(item, objectStore));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v, objectStore, k)]));
  }
  if (typeof value === 'string' && (key.endsWith('Time') || key === 'Timestamp')) return toEpochSeconds(value);
  if (typeof value === 'string' && key === 'S3ModelArtifacts') return toS3Uri(value, objectStore);
  return value;
}

const OPERATIONS: Array<[string, Channel]> = [
  ['CreateTrainingJob', 'training.create'],
  ['DescribeTrainingJob', 'training.describe'],
  ['ListTrainingJobs', 'training.list'],
  ['StopTrainingJob', 'training.stop'],
];

/** CreateTrainingJob & co. on the SageMaker control plane, as thin adapters onto the router. */
export function registerTrainingOperations(controlPlane: SageMakerControlPlane, router: Router, objectStore: string): void {
  for (const [operation, channel] of OPERATIONS) {
    controlPlane.registerOperation(operation, async (input, context) => {
      const result = await router.call(channel, input, context);
      if (!result.ok) throw new LatheFault(result.error.code, result.error.message, result.error.details);
      return toWire(result.value, objectStore);
    });
  }
}
