import type { ErrorCode } from '../contract/result';

/** An expected failure a handler reports; the router turns it into a Result error. */
export class LatheFault extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'LatheFault';
  }
}

export const notFound = (message: string, details?: unknown) => new LatheFault('not-found', message, details);
export const conflict = (message: string, details?: unknown) => new LatheFault('conflict', message, details);
export const invalid = (message: string, details?: unknown) => new LatheFault('invalid-argument', message, details);
export const precondition = (message: string, details?: unknown) =>
  new LatheFault('failed-precondition', message, details);
export const unavailable = (message: string, details?: unknown) => new LatheFault('unavailable', message, details);
