/** Pure helpers for the Endpoints pane: status tones, the SOP-06 naming check, resource names, errors. */
import type { EndpointStatus } from '../../../main/contract/endpoints';
import type { LatheError } from '../../../main/contract/result';

export type EndpointTone = 'ok' | 'warn' | 'danger' | 'muted';

/** Statuses that change on their own: shown with a spinner, and watched. */
export const TRANSITIONAL: readonly EndpointStatus[] = ['Creating', 'Updating', 'RollingBack', 'Deleting'];

export function isTransitional(status: EndpointStatus | undefined): boolean {
  return status !== undefined && TRANSITIONAL.includes(status);
}

export function endpointTone(status: EndpointStatus): EndpointTone {
  switch (status) {
    case 'InService':
      return 'ok';
    case 'Creating':
    case 'Updating':
    case 'RollingBack':
      return 'warn';
    case 'Failed':
      return 'danger';
    default:
      return 'muted';
  }
}

export const STATUS_LABELS: Record<EndpointStatus, string> = {
  Creating: 'Creating',
  InService: 'In service',
  Updating: 'Updating',
  RollingBack: 'Rolling back',
  Failed: 'Failed',
  Deleting: 'Deleting',
  OutOfService: 'Out of service',
};

/** What the contract accepts as an endpoint, model or config name. */
export const NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** SOP-06: endpoints are named {usecase}-{env}-{version}, e.g. fraud-prod-v3. */
export const SOP_06 = /^[a-z0-9]+(-[a-z0-9]+)*-(dev|test|staging|prod)-v\d+$/;

export const SOP_06_RULE = 'SOP-06 names endpoints {usecase}-{env}-{version}: a lowercase use case, the environment (dev, test, staging or prod), then v and the model version — e.g. fraud-prod-v3.';

/** Why a name misses SOP-06, one short reason each; empty when it follows it (or is empty). */
export function sopIssues(name: string): string[] {
  if (name === '' || SOP_06.test(name)) return [];
  const issues: string[] = [];
  if (/[A-Z]/.test(name)) issues.push('use lowercase letters');
  const lower = name.toLowerCase();
  if (!/-v\d+$/.test(lower)) issues.push('end with the version (-v1, -v2, …)');
  if (!/(^|-)(dev|test|staging|prod)(-v\d+)?$/.test(lower)) issues.push('name the environment (dev, test, staging or prod) before the version');
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(lower)) issues.push('use letters, digits and single hyphens only');
  if (issues.length === 0) issues.push('start with the use case before the environment');
  return issues;
}

/**
 * A name that follows SOP-06 for `name` and a model version, when one can be told without guessing
 * the environment: "fraud-detection-prod" + 3 → "fraud-detection-prod-v3". Null otherwise.
 */
export function sopSuggestion(name: string, version: number | null): string | null {
  if (version === null || sopIssues(name).length === 0) return null;
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .replace(/-v\d+$/, '');
  const suggestion = `${base}-v${version}`;
  return SOP_06.test(suggestion) && suggestion.length <= 63 ? suggestion : null;
}

/** The blocking problem with an endpoint name, or null: what the contract would refuse. */
export function nameProblem(name: string): string | null {
  if (name.trim() === '') return 'Name the endpoint.';
  if (name.length > 63) return `At most 63 characters (this one has ${name.length}).`;
  if (!NAME_PATTERN.test(name)) return 'Use letters, digits and hyphens, starting and ending with a letter or digit.';
  return null;
}

/** The blocking problem with a worker count, or null. */
export function workersProblem(text: string): string | null {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value)) return 'Give a whole number of workers.';
  if (value < 1 || value > 64) return 'Between 1 and 64 workers.';
  return null;
}

/** 2026-03-01T10:15:30.123Z → "20260301101530" (UTC). */
export function stamp(at: Date): string {
  return at.toISOString().replace(/\D/g, '').slice(0, 14);
}

/** `<endpoint>-<kind>-<timestamp>`, the endpoint part shortened so the whole stays within 63 characters. */
export function resourceName(endpoint: string, kind: 'model' | 'config', at: Date): string {
  const suffix = `-${kind}-${stamp(at)}`;
  const head = endpoint.slice(0, 63 - suffix.length).replace(/-+$/, '');
  return `${head}${suffix}`;
}

/** What endpoints.invoke's error details carry (SageMaker's runtime error type and the model's answer). */
export interface InvokeErrorDetails {
  errorType: string | null;
  originalStatusCode: number | null;
  originalMessage: string | null;
}

export function invokeErrorDetails(error: LatheError): InvokeErrorDetails {
  const details = (typeof error.details === 'object' && error.details !== null ? error.details : {}) as Record<string, unknown>;
  return {
    errorType: typeof details.ErrorType === 'string' ? details.ErrorType : null,
    originalStatusCode: typeof details.OriginalStatusCode === 'number' ? details.OriginalStatusCode : null,
    originalMessage: typeof details.OriginalMessage === 'string' ? details.OriginalMessage : null,
  };
}

/** A failed answer in a few words: "ModelError 415", "ValidationError", "unavailable". */
export function errorLabel(error: LatheError): string {
  const { errorType, originalStatusCode } = invokeErrorDetails(error);
  if (!errorType) return error.code;
  return originalStatusCode !== null ? `${errorType} ${originalStatusCode}` : errorType;
}

/** The first characters of a payload on one line, for the history. */
export function preview(text: string, length = 40): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}

/** Whether `text` is base64 (whitespace allowed), as an application/x-npy payload must be typed. */
export function isBase64(text: string): boolean {
  const compact = text.replace(/\s+/g, '');
  return compact.length > 0 && compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact);
}
