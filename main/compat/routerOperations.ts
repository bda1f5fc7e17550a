/**
 * SageMaker control-plane operations as thin adapters onto the router's channels: the request goes
 * through the channel's schema and handler, the answer goes back in SageMaker's wire shape.
 */
import { LatheFault } from '../api/errors';
import type { Router } from '../api/router';
import type { Channel } from '../contract/channels';
import { toS3Uri } from '../jobs/dataUri';
import { toEpochSeconds } from './errors';
import type { SageMakerControlPlane } from './sagemakerControlPlane';

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

/** Serves each `[operation, channel]` pair on the control plane through the router. */
export function registerRouterOperations(controlPlane: SageMakerControlPlane, router: Router, objectStore: string, operations: ReadonlyArray<readonly [string, Channel]>): void {
  for (const [operation, channel] of operations) {
    controlPlane.registerOperation(operation, async (input, context) => {
      const result = await router.call(channel, input, context);
      if (!result.ok) throw new LatheFault(result.error.code, result.error.message, result.error.details);
      return toWire(result.value, objectStore);
    });
  }
}
