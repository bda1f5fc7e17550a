/** The one error vocabulary every transport speaks. Closed: add a code here or nowhere. */
export const ERROR_CODES = [
  'invalid-argument',
  'not-found',
  'conflict',
  'failed-precondition',
  'unavailable',
  'permission-denied',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface LatheError {
  code: ErrorCode;
  /** A sentence the person can act on. Never switch on it; switch on `code`. */
  message: string;
  details?: unknown;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: LatheError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: ErrorCode, message: string, details?: unknown): Result<T> {
  return details === undefined
    ? { ok: false, error: { code, message } }
    : { ok: false, error: { code, message, details } };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
