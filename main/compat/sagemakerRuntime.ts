import type { IncomingHttpHeaders } from 'node:http';
import type { CallContext } from '../api/router';
import type { Logger } from '../log/logger';
import type { Disposable } from '../util/disposable';
import { safeDecodeURIComponent } from '../util/text';
import type { WireAdapter, WireRequest, WireResponse } from '../server/wire';
import { newRequestId, wireErrorOf, type WireError } from './errors';
import type { SageMakerAdapterOptions } from './sagemakerControlPlane';
import { headerValue, SAGEMAKER_SIGNING_SERVICE, verifySigV4 } from './sigv4';

/** InvokeEndpoint's payload limit (botocore `sagemaker-runtime` service-2: 6 MiB). */
export const RUNTIME_MAX_BODY = 6 * 1024 * 1024;

const PATH = /^\/endpoints\/([^/]+)\/(invocations|async-invocations|invocations-response-stream)$/;
const OPERATIONS = {
  invocations: 'InvokeEndpoint',
  'async-invocations': 'InvokeEndpointAsync',
  'invocations-response-stream': 'InvokeEndpointWithResponseStream',
} as const;

/** One call of InvokeEndpoint or InvokeEndpointAsync, with the members botocore sends as headers. */
export interface InvocationRequest {
  kind: 'sync' | 'async';
  endpointName: string;
  requestId: string;
  context: CallContext;
  body: Buffer;
  /** Sync: `Content-Type`; async: `X-Amzn-SageMaker-Content-Type`. */
  contentType?: string;
  /** Sync: `Accept`; async: `X-Amzn-SageMaker-Accept`. */
  accept?: string;
  customAttributes?: string;
  targetModel?: string;
  targetVariant?: string;
  targetContainerHostname?: string;
  inferenceId?: string;
  enableExplanations?: string;
  inferenceComponentName?: string;
  sessionId?: string;
  /** Async only: `X-Amzn-SageMaker-InputLocation`. */
  inputLocation?: string;
  requestTtlSeconds?: number;
  invocationTimeoutSeconds?: number;
  /** Every header as received, lower-cased, for members not listed here. */
  headers: IncomingHttpHeaders;
}

export interface InvocationResult {
  /** Defaults to 200 (sync) or 202 (async). */
  status?: number;
  /** Sync: the model's payload. Async: the JSON document `{"InferenceId": …}`. */
  body: Buffer | string;
  contentType?: string;
  invokedProductionVariant?: string;
  customAttributes?: string;
  /** Further response headers (async: `x-amzn-sagemaker-outputlocation`, …). */
  headers?: Record<string, string>;
}

/**
 * Serves an invocation. Throw SageMakerError for a specific wire error (e.g. `ModelError`,
 * 424, with OriginalStatusCode/OriginalMessage members) or a LatheFault (not-found →
 * ValidationError, unavailable → ServiceUnavailable, …).
 */
export type Invoker = (request: InvocationRequest) => Promise<InvocationResult>;

function intHeader(headers: IncomingHttpHeaders, name: string): number | undefined {
  const value = headerValue(headers, name);
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

/**
 * SageMaker Runtime's own wire (rest-json, `POST /endpoints/{name}/invocations`), SigV4-
 * authenticated, so `boto3.client('sagemaker-runtime', endpoint_url=…)` invokes Lathe endpoints.
 * The endpoint service plugs in with `setInvoker`; until then every endpoint is "not found".
 */
export class SageMakerRuntime implements WireAdapter {
  readonly name = 'sagemaker-runtime';
  readonly auth = 'self' as const;
  readonly maxBodyBytes = RUNTIME_MAX_BODY;
  private invoker: Invoker | null = null;
  private readonly logger: Logger;
  private readonly clock: () => Date;

  constructor(private readonly options: SageMakerAdapterOptions) {
    this.logger = options.logger;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Routes invocations to `invoker` until the returned disposable is disposed. */
  setInvoker(invoker: Invoker): Disposable {
    if (this.invoker) throw new Error('a SageMaker runtime invoker is already set');
    this.invoker = invoker;
    return {
      dispose: () => {
        if (this.invoker === invoker) this.invoker = null;
      },
    };
  }

  matches(method: string, path: string): boolean {
    return method === 'POST' && PATH.test(path);
  }

  tooLarge(request: Omit<WireRequest, 'body'>): WireResponse {
    const { operation, endpointName } = this.route(request.url);
    this.logger.warn(`${operation} ${JSON.stringify(endpointName)} refused: body over ${RUNTIME_MAX_BODY} bytes`);
    return this.error(newRequestId(), {
      type: 'ValidationError',
      status: 413,
      message: `The request payload for ${operation} is over the limit of ${RUNTIME_MAX_BODY} bytes (6 MiB).`,
    });
  }

  async handle(request: WireRequest): Promise<WireResponse> {
    const requestId = newRequestId();
    const { operation, endpointName, kind } = this.route(request.url);
    const verdict = verifySigV4(request, { secret: this.options.secret, now: this.clock(), service: SAGEMAKER_SIGNING_SERVICE });
    if (!verdict.ok) {
      this.logger.warn(`${operation} ${JSON.stringify(endpointName)} refused: ${verdict.type}: ${verdict.message}`);
      return this.error(requestId, { type: verdict.type, status: 403, message: verdict.message });
    }
    if (kind === null) {
      return this.error(requestId, { type: 'ValidationError', status: 400, message: `Lathe does not implement ${operation} yet.` });
    }
    const invoker = this.invoker;
    if (!invoker) {
      return this.error(requestId, { type: 'ValidationError', status: 400, message: `Endpoint ${endpointName} of account lathe not found.` });
    }

    const invocation = this.invocationOf(request, endpointName, kind, requestId);
    try {
      const result = await invoker(invocation);
      const headers: Record<string, string> = { ...result.headers, 'x-amzn-requestid': requestId };
      headers['content-type'] = result.contentType ?? (kind === 'async' ? 'application/json' : 'application/octet-stream');
      if (result.invokedProductionVariant !== undefined) headers['x-amzn-invoked-production-variant'] = result.invokedProductionVariant;
      if (result.customAttributes !== undefined) headers['x-amzn-sagemaker-custom-attributes'] = result.customAttributes;
      return { status: result.status ?? (kind === 'async' ? 202 : 200), headers, body: result.body };
    } catch (error) {
      const wire = wireErrorOf(error, 'runtime');
      if (wire) {
        this.logger.info(`${operation} ${JSON.stringify(endpointName)} → ${wire.type}: ${wire.message}`, { requestId });
        return this.error(requestId, wire);
      }
      this.logger.error(`${operation} ${JSON.stringify(endpointName)} failed unexpectedly (request ${requestId})`, error);
      return this.error(requestId, {
        type: 'InternalFailure',
        status: 500,
        message: `${operation} failed unexpectedly; the details are in Lathe's log (request ${requestId}).`,
      });
    }
  }

  private route(url: string): { operation: string; endpointName: string; kind: 'sync' | 'async' | null } {
    const path = url.split(/[?#]/, 1)[0] ?? '';
    const match = PATH.exec(path);
    const suffix = (match?.[2] ?? 'invocations') as keyof typeof OPERATIONS;
    const kind = suffix === 'invocations' ? 'sync' : suffix === 'async-invocations' ? 'async' : null;
    const rawName = match?.[1] ?? '';
    return { operation: OPERATIONS[suffix], endpointName: safeDecodeURIComponent(rawName) ?? rawName, kind };
  }

  private invocationOf(request: WireRequest, endpointName: string, kind: 'sync' | 'async', requestId: string): InvocationRequest {
    const h = request.headers;
    const prefixed = (name: string) => headerValue(h, `x-amzn-sagemaker-${name}`);
    const invocation: InvocationRequest = {
      kind,
      endpointName,
      requestId,
      context: { transport: 'sagemaker', actor: 'sagemaker-runtime' },
      body: request.body,
      contentType: kind === 'sync' ? headerValue(h, 'content-type') : prefixed('content-type'),
      accept: kind === 'sync' ? headerValue(h, 'accept') : prefixed('accept'),
      customAttributes: prefixed('custom-attributes'),
      targetModel: prefixed('target-model'),
      targetVariant: prefixed('target-variant'),
      targetContainerHostname: prefixed('target-container-hostname'),
      inferenceId: prefixed('inference-id'),
      enableExplanations: prefixed('enable-explanations'),
      inferenceComponentName: prefixed('inference-component'),
      sessionId: prefixed('session-id'),
      inputLocation: prefixed('inputlocation'),
      requestTtlSeconds: intHeader(h, 'x-amzn-sagemaker-requestttlseconds'),
      invocationTimeoutSeconds: intHeader(h, 'x-amzn-sagemaker-invocationtimeoutseconds'),
      headers: h,
    };
    for (const key of Object.keys(invocation) as (keyof InvocationRequest)[]) {
      if (invocation[key] === undefined) delete invocation[key];
    }
    return invocation;
  }

  private error(requestId: string, error: WireError): WireResponse {
    return {
      status: error.status,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': error.type },
      body: JSON.stringify({ ...error.members, message: error.message }),
    };
  }
}
