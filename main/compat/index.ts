import type { Logger } from '../log/logger';
import type { WireAdapter } from '../server/wire';
import { SageMakerControlPlane } from './sagemakerControlPlane';
import { SageMakerRuntime } from './sagemakerRuntime';

export { SageMakerError, toEpochSeconds } from './errors';
export { SageMakerControlPlane, type SageMakerCallContext, type SageMakerOperation } from './sagemakerControlPlane';
export { SageMakerRuntime, RUNTIME_MAX_BODY, type InvocationRequest, type InvocationResult, type Invoker } from './sagemakerRuntime';
export { LATHE_ACCESS_KEY_ID } from './sigv4';

export interface SageMakerAdaptersOptions {
  /** The Lathe server token; boto3 uses it as the secret access key with access key id `lathe`. */
  secret: string;
  logger: Logger;
  clock?: () => Date;
}

export interface SageMakerAdapters {
  controlPlane: SageMakerControlPlane;
  /** Application Auto Scaling (AnyScaleFrontendService), the seed POC's step 6. */
  autoscaling: SageMakerControlPlane;
  runtime: SageMakerRuntime;
  /** Both, for `LoopbackServerOptions.adapters`. */
  adapters: WireAdapter[];
}

/** SageMaker's own wire protocols on the loopback server, authenticated by SigV4. */
export function createSageMakerAdapters(options: SageMakerAdaptersOptions): SageMakerAdapters {
  const controlPlane = new SageMakerControlPlane({ ...options, logger: options.logger.child('sagemaker') });
  const runtime = new SageMakerRuntime({ ...options, logger: options.logger.child('sagemaker-runtime') });
  const autoscaling = new SageMakerControlPlane(
    { ...options, logger: options.logger.child('application-autoscaling') },
    { name: 'application-autoscaling', targetPrefix: 'AnyScaleFrontendService.', signingService: 'application-autoscaling' },
  );
  return { controlPlane, autoscaling, runtime, adapters: [controlPlane, autoscaling, runtime] };
}
