/**
 * One invocation of a running endpoint: pick the variant, forward to a worker, turn a worker's
 * error into SageMaker's ModelError, capture the call if the endpoint captures, and count it in
 * the variant's metrics.
 */
import { SageMakerError } from '../compat/errors';
import type { InvocationRequest, InvocationResult } from '../compat/sagemakerRuntime';
import type { CaptureWriter } from './dataCapture';
import type { Deployment } from './deployment';
import type { ShadowStats } from './shadow';
import type { VariantMetrics } from './variantMetrics';
import type { ForwardRequest } from './workerPool';

export interface InvocationHooks {
  capturer: CaptureWriter;
  metrics(variant: string): VariantMetrics;
  shadow(variant: string): ShadowStats;
}

/** Sends the same request to a shadow variant and records how its answer compares; never throws. */
async function shadowCall(shadow: Deployment['shadows'][number], request: ForwardRequest, production: Buffer, stats: ShadowStats): Promise<void> {
  stats.inFlight++;
  try {
    const answer = await shadow.pool.invoke({ body: request.body, headers: { ...request.headers, 'x-amzn-sagemaker-target-variant': shadow.name } });
    if (answer.status < 200 || answer.status > 299) stats.error();
    else stats.compared(request.body.toString('utf8'), production.toString('utf8'), answer.body.toString('utf8'));
  } catch {
    stats.error();
  } finally {
    stats.inFlight--;
  }
}

/** Shadow calls waiting on a shadow variant at most; more are skipped and counted as dropped. */
const SHADOW_IN_FLIGHT = 32;

export async function invokeDeployment(endpoint: string, live: Deployment, request: InvocationRequest, hooks: InvocationHooks): Promise<InvocationResult & { modelMs: number }> {
  const started = performance.now();
  const variant = live.pick(request.targetVariant);
  const metrics = hooks.metrics(variant.name);
  const headers: Record<string, string> = { 'content-type': request.contentType ?? 'application/octet-stream' };
  if (request.accept) headers.accept = request.accept;
  if (request.customAttributes) headers['x-amzn-sagemaker-custom-attributes'] = request.customAttributes;
  if (request.inferenceId) headers['x-amzn-sagemaker-inference-id'] = request.inferenceId;
  headers['x-amzn-sagemaker-target-variant'] = variant.name;
  let answer;
  try {
    answer = await variant.pool.invoke({ body: request.body, headers });
  } catch (error) {
    // Not ready (429) is the caller's to retry; a timeout or a worker that died is a server error.
    metrics.record(error instanceof SageMakerError && error.status === 429 ? '4xx' : '5xx', null);
    throw error;
  }
  const latency = { modelMs: answer.modelMs, overheadMs: Math.max(0, performance.now() - started - answer.modelMs) };
  if (answer.status < 200 || answer.status > 299) {
    // Counted by the model's own status, as CloudWatch's Invocation4XX/5XXErrors are.
    metrics.record(answer.status < 500 ? '4xx' : '5xx', latency);
    const original = answer.body.toString('utf8').slice(0, 2000);
    throw new SageMakerError('ModelError', `Received ${answer.status < 500 ? 'client' : 'server'} error (${answer.status}) from ${variant.name} with message "${original}". See the worker logs of ${endpoint} in Lathe for more information.`, 424, {
      OriginalStatusCode: answer.status,
      OriginalMessage: original,
      LogStreamArn: `arn:aws:logs:local:000000000000:log-group:/aws/sagemaker/Endpoints/${endpoint}`,
    });
  }
  metrics.record('ok', latency);
  const contentType = answer.headers['content-type'];
  if (live.capture) {
    hooks.capturer.capture(endpoint, variant.name, live.capture, {
      input: { body: request.body, contentType: request.contentType ?? 'application/octet-stream' },
      output: { body: answer.body, contentType: contentType ?? 'application/octet-stream' },
      ...(request.inferenceId ? { inferenceId: request.inferenceId } : {}),
      at: new Date(),
    });
  }
  for (const shadow of live.shadows) {
    const stats = hooks.shadow(shadow.name);
    // A slow shadow must not pile up requests (and their bodies) in Lathe: past the cap, skip and count.
    if (stats.inFlight >= SHADOW_IN_FLIGHT) stats.dropped();
    else void shadowCall(shadow, { body: request.body, headers }, answer.body, stats);
  }
  const attributes = answer.headers['x-amzn-sagemaker-custom-attributes'];
  return {
    body: answer.body,
    ...(contentType ? { contentType } : {}),
    ...(typeof attributes === 'string' ? { customAttributes: attributes } : {}),
    invokedProductionVariant: variant.name,
    modelMs: answer.modelMs,
  };
}
