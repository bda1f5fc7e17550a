import { randomUUID } from 'node:crypto';
import { LatheFault } from '../api/errors';
import type { ErrorCode } from '../contract/result';

/**
 * A SageMaker error as the wire names it (`ValidationException`, `ResourceInUse`,
 * `ModelError`, …). Handlers of SageMaker operations and the endpoint invoker throw it when the
 * SageMaker error type matters; a LatheFault is mapped by its code instead.
 */
export class SageMakerError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number = 400,
    /** Extra members of the error shape (ModelError: OriginalStatusCode, OriginalMessage, LogStreamArn). */
    readonly members: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'SageMakerError';
  }
}

export interface WireError {
  type: string;
  status: number;
  message: string;
  members?: Record<string, unknown>;
}

const CONTROL_PLANE_TYPES: Record<ErrorCode, { type: string; status: number }> = {
  'not-found': { type: 'ValidationException', status: 400 },
  conflict: { type: 'ResourceInUse', status: 400 },
  'invalid-argument': { type: 'ValidationException', status: 400 },
  'failed-precondition': { type: 'ValidationException', status: 400 },
  unavailable: { type: 'ServiceUnavailable', status: 503 },
  'permission-denied': { type: 'AccessDeniedException', status: 403 },
  internal: { type: 'InternalFailure', status: 500 },
};

const RUNTIME_TYPES: Record<ErrorCode, { type: string; status: number }> = {
  'not-found': { type: 'ValidationError', status: 400 },
  conflict: { type: 'ValidationError', status: 400 },
  'invalid-argument': { type: 'ValidationError', status: 400 },
  'failed-precondition': { type: 'ValidationError', status: 400 },
  unavailable: { type: 'ServiceUnavailable', status: 503 },
  'permission-denied': { type: 'AccessDeniedException', status: 403 },
  internal: { type: 'InternalFailure', status: 500 },
};

/**
 * The wire error for something a handler threw, or null when it is neither a SageMakerError nor
 * a LatheFault (an unexpected failure, which the caller logs and answers as InternalFailure).
 */
export function wireErrorOf(error: unknown, flavour: 'control-plane' | 'runtime'): WireError | null {
  if (error instanceof SageMakerError) {
    return { type: error.type, status: error.status, message: error.message, members: error.members };
  }
  if (error instanceof LatheFault) {
    const mapped = (flavour === 'runtime' ? RUNTIME_TYPES : CONTROL_PLANE_TYPES)[error.code];
    // A fault may name the wire type it stands for (ObjectNotFoundException, ModelError, …).
    const named = (error.details as { ErrorType?: unknown } | undefined)?.ErrorType;
    return { ...mapped, ...(typeof named === 'string' && /^[A-Za-z]+$/.test(named) ? { type: named } : {}), message: error.message };
  }
  return null;
}

export function newRequestId(): string {
  return randomUUID();
}

/**
 * SageMaker timestamps on the wire are epoch seconds (fractional for milliseconds). Accepts a
 * Date or an ISO-8601 string; null and undefined pass through as undefined so optional members
 * stay absent.
 */
export function toEpochSeconds(value: Date | string): number;
export function toEpochSeconds(value: Date | string | null | undefined): number | undefined;
export function toEpochSeconds(value: Date | string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new TypeError(`not a timestamp: ${JSON.stringify(String(value))}`);
  return ms / 1000;
}
