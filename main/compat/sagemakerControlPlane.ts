import type { IncomingHttpHeaders } from 'node:http';
import type { CallContext } from '../api/router';
import type { Logger } from '../log/logger';
import type { Disposable } from '../util/disposable';
import type { WireAdapter, WireRequest, WireResponse } from '../server/wire';
import { newRequestId, SageMakerError, toEpochSeconds, wireErrorOf, type WireError } from './errors';
import { headerValue, SAGEMAKER_SIGNING_SERVICE, verifySigV4 } from './sigv4';

export { SageMakerError, toEpochSeconds };

/** What an operation handler knows about its call; pass it on to `router.call` as the context. */
export interface SageMakerCallContext extends CallContext {
  transport: 'sagemaker';
  /** e.g. `CreateTrainingJob`. */
  operation: string;
  /** Echoed as `x-amzn-requestid` (boto3's `ResponseMetadata.RequestId`). */
  requestId: string;
  /** The region the client signed for; Lathe has one region, so this is informational. */
  region: string;
}

export type SageMakerOperation = (input: Record<string, unknown>, context: SageMakerCallContext) => Promise<unknown>;

export interface SageMakerAdapterOptions {
  /** The Lathe server token: the SigV4 secret access key for access key id `lathe`. */
  secret: string;
  logger: Logger;
  clock?: () => Date;
}

/** Another AWS JSON 1.1 service on the same door (Application Auto Scaling): its target prefix and signing name. */
export interface AwsJsonService {
  name: string;
  targetPrefix: string;
  signingService: string;
}

const SAGEMAKER: AwsJsonService = { name: 'sagemaker', targetPrefix: 'SageMaker.', signingService: SAGEMAKER_SIGNING_SERVICE };

export const JSON_11 = 'application/x-amz-json-1.1';
/** The control plane carries JSON documents only; big payloads go through files, not this door. */
export const CONTROL_PLANE_MAX_BODY = 16 * 1024 * 1024;

/** JSON with Date values written as epoch seconds, SageMaker's timestamp format. */
export function toAwsJson(value: unknown): string {
  return JSON.stringify(value ?? {}, function (this: Record<string, unknown>, key: string, current: unknown) {
    const raw = this[key];
    return raw instanceof Date ? toEpochSeconds(raw) : current;
  });
}

/**
 * The SageMaker control plane's own wire (JSON 1.1: `POST /` with `X-Amz-Target:
 * SageMaker.<Operation>`), SigV4-authenticated, so `boto3.client('sagemaker', endpoint_url=…)`
 * talks to Lathe. Capabilities register the operations they implement; any other operation is
 * answered with UnknownOperationException naming it.
 */
export class SageMakerControlPlane implements WireAdapter {
  readonly name: string;
  readonly auth = 'self' as const;
  readonly maxBodyBytes = CONTROL_PLANE_MAX_BODY;
  private readonly operations = new Map<string, SageMakerOperation>();
  private readonly logger: Logger;
  private readonly clock: () => Date;

  private readonly service: AwsJsonService;

  constructor(
    private readonly options: SageMakerAdapterOptions,
    service: AwsJsonService = SAGEMAKER,
  ) {
    this.service = service;
    this.name = service.name;
    this.logger = options.logger;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Serves `SageMaker.<name>` with `handler` until the returned disposable is disposed. */
  registerOperation(name: string, handler: SageMakerOperation): Disposable {
    if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new Error(`not a SageMaker operation name: ${name}`);
    if (this.operations.has(name)) throw new Error(`SageMaker operation ${name} is already registered`);
    this.operations.set(name, handler);
    return {
      dispose: () => {
        if (this.operations.get(name) === handler) this.operations.delete(name);
      },
    };
  }

  /** The operations Lathe implements, sorted. */
  get operationNames(): string[] {
    return [...this.operations.keys()].sort();
  }

  matches(method: string, path: string, headers: IncomingHttpHeaders): boolean {
    return method === 'POST' && path === '/' && (headerValue(headers, 'x-amz-target')?.startsWith(this.service.targetPrefix) ?? false);
  }

  tooLarge(request: Omit<WireRequest, 'body'>): WireResponse {
    const operation = this.operationOf(request.headers);
    this.logger.warn(`${this.service.targetPrefix}${operation} refused: body over ${CONTROL_PLANE_MAX_BODY} bytes`);
    return this.error(newRequestId(), {
      type: 'ValidationException',
      status: 413,
      message: `Request body is over Lathe's limit of ${CONTROL_PLANE_MAX_BODY} bytes for ${this.service.targetPrefix}${operation}.`,
    });
  }

  async handle(request: WireRequest): Promise<WireResponse> {
    const requestId = newRequestId();
    const operation = this.operationOf(request.headers);
    const verdict = verifySigV4(request, { secret: this.options.secret, now: this.clock(), service: this.service.signingService });
    if (!verdict.ok) {
      this.logger.warn(`${this.service.targetPrefix}${operation} refused: ${verdict.type}: ${verdict.message}`);
      return this.error(requestId, { type: verdict.type, status: 403, message: verdict.message });
    }

    let input: unknown;
    try {
      input = request.body.length === 0 ? {} : (JSON.parse(request.body.toString('utf8')) as unknown);
    } catch {
      return this.error(requestId, { type: 'SerializationException', status: 400, message: 'The request body is not valid JSON.' });
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return this.error(requestId, { type: 'SerializationException', status: 400, message: 'The request body must be a JSON object.' });
    }

    const handler = this.operations.get(operation);
    if (!handler) {
      this.logger.info(`${this.service.targetPrefix}${operation} is not implemented`);
      return this.error(requestId, {
        type: 'UnknownOperationException',
        status: 400,
        message: `Lathe does not implement the ${this.service.targetPrefix.slice(0, -1)} operation ${operation} yet`,
      });
    }

    const context: SageMakerCallContext = { transport: 'sagemaker', actor: 'sagemaker', operation, requestId, region: verdict.region };
    try {
      const output = await handler(input as Record<string, unknown>, context);
      this.logger.debug(`${this.service.targetPrefix}${operation} ok`, { requestId });
      return { status: 200, headers: this.headers(requestId), body: toAwsJson(output) };
    } catch (error) {
      const wire = wireErrorOf(error, 'control-plane');
      if (wire) {
        this.logger.info(`${this.service.targetPrefix}${operation} → ${wire.type}: ${wire.message}`, { requestId });
        return this.error(requestId, wire);
      }
      this.logger.error(`${this.service.targetPrefix}${operation} failed unexpectedly (request ${requestId})`, error);
      return this.error(requestId, {
        type: 'InternalFailure',
        status: 500,
        message: `${this.service.targetPrefix}${operation} failed unexpectedly; the details are in Lathe's log (request ${requestId}).`,
      });
    }
  }

  private operationOf(headers: IncomingHttpHeaders): string {
    const target = (headerValue(headers, 'x-amz-target') ?? '').slice(this.service.targetPrefix.length).trim();
    return target.slice(0, 128).replace(/[^A-Za-z0-9_.-]/g, '?');
  }

  private headers(requestId: string): Record<string, string> {
    return { 'content-type': JSON_11, 'x-amzn-requestid': requestId };
  }

  private error(requestId: string, error: WireError): WireResponse {
    return {
      status: error.status,
      headers: this.headers(requestId),
      body: JSON.stringify({ ...error.members, __type: error.type, message: error.message }),
    };
  }
}
