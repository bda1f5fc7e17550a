import type { Router } from '../api/router';
import type { SageMakerControlPlane } from '../compat/index';
import { registerRouterOperations } from '../compat/routerOperations';
import type { Channel } from '../contract/channels';
import { listFolder, previewData } from '../files/filesService';
import type { ProcessingService } from '../processing/processingService';
import type { TrainingService } from './trainingService';

/** The training and processing channels of the contract, and the file picker behind their forms. */
export function registerTrainingHandlers(router: Router, training: TrainingService, processing: ProcessingService): void {
  router.handle('training.create', (request, context) => training.create(request, context.actor));
  router.handle('training.describe', (request) => training.describe(request.TrainingJobName));
  router.handle('training.list', (request) => training.list(request));
  router.handle('training.stop', (request, context) => training.stop(request.TrainingJobName, context.actor));
  router.handle('training.interrupt', (request, context) => training.interrupt(request.TrainingJobName, context.actor));
  router.handle('training.metrics', (request) => training.metrics(request.TrainingJobName, request.MetricName));
  router.handle('training.logs', (request) => training.logs(request.TrainingJobName, request.start, request.limit));
  router.handle('training.algorithms', () => training.algorithms());
  router.handle('processing.create', (request, context) => processing.create(request, context.actor));
  router.handle('processing.describe', (request) => processing.describe(request.ProcessingJobName));
  router.handle('processing.list', (request) => processing.list(request));
  router.handle('processing.stop', (request, context) => processing.stop(request.ProcessingJobName, context.actor));
  router.handle('processing.logs', (request) => processing.logs(request.ProcessingJobName, request.start, request.limit));
  router.handle('files.list', (request) => listFolder(request));
  router.handle('files.preview', (request) => previewData(request, training.objectStore));
}

const OPERATIONS: Array<[string, Channel]> = [
  ['CreateTrainingJob', 'training.create'],
  ['DescribeTrainingJob', 'training.describe'],
  ['ListTrainingJobs', 'training.list'],
  ['StopTrainingJob', 'training.stop'],
  ['CreateProcessingJob', 'processing.create'],
  ['DescribeProcessingJob', 'processing.describe'],
  ['ListProcessingJobs', 'processing.list'],
  ['StopProcessingJob', 'processing.stop'],
];

/** CreateTrainingJob & co. on the SageMaker control plane, as thin adapters onto the router. */
export function registerTrainingOperations(controlPlane: SageMakerControlPlane, router: Router, objectStore: string): void {
  registerRouterOperations(controlPlane, router, objectStore, OPERATIONS);
}
