/** Pure formatting for the Registry pane: metric values, deltas, statuses, times. */
import type { ModelApprovalStatus } from '../../../main/contract/registry';
import type { LatheError } from '../../../main/contract/result';

/** What a missing or unreadable value shows as. */
export const MISSING = '—';

/**
 * A number from a report body: numbers as they are, the strings "Infinity", "-Infinity" and
 * "NaN" as what they say; anything else (null, absent, text) is null.
 */
export function numberOf(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (value === 'NaN') return NaN;
  return null;
}

/** 0.973123456 → "0.973123", 12 → "12", Infinity → "∞", null → "—". */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return MISSING;
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** Metrics where a smaller value is the better one (losses and errors). */
export function lowerIsBetter(metric: string): boolean {
  return /(loss|error|rmse|mae|mse|mape)/i.test(metric.split(':').pop() ?? metric);
}

export type DeltaTone = 'better' | 'worse' | 'same';

/** A delta as text with its sign ("+0.012", "−0.0031", "0") and whether it is an improvement. */
export function formatDelta(metric: string, delta: number | undefined): { text: string; tone: DeltaTone } | null {
  if (delta === undefined || Number.isNaN(delta)) return null;
  if (delta === 0) return { text: '0', tone: 'same' };
  const improved = lowerIsBetter(metric) ? delta < 0 : delta > 0;
  const size = formatValue(Math.abs(delta));
  return { text: `${delta > 0 ? '+' : '−'}${size}`, tone: improved ? 'better' : 'worse' };
}

export const STATUS_LABELS: Record<ModelApprovalStatus, string> = {
  PendingManualApproval: 'Pending approval',
  Approved: 'Approved',
  Rejected: 'Rejected',
};

/** An ISO time as the person's locale writes it; "—" when absent or unreadable. */
export function formatTime(iso: string | undefined | null): string {
  if (!iso) return MISSING;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toLocaleString();
}

/** The `Unmet` list main sends with a refused approval (failed-precondition), or null. */
export function unmetOf(error: LatheError | null | undefined): string[] | null {
  const unmet = (error?.details as { Unmet?: unknown } | undefined)?.Unmet;
  return Array.isArray(unmet) && unmet.every((line) => typeof line === 'string') ? unmet : null;
}

export interface Issue {
  path: string[];
  message: string;
}

/** The schema issues main sends with an invalid-argument error (path and message each). */
export function issuesOf(error: LatheError | null | undefined): Issue[] {
  const issues = (error?.details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter((issue): issue is Issue => typeof issue === 'object' && issue !== null && Array.isArray((issue as Issue).path) && typeof (issue as Issue).message === 'string');
}

/** "1 version", "3 versions", "100+ versions". */
export function versionCount(count: number, more: boolean): string {
  return `${count}${more ? '+' : ''} version${count === 1 && !more ? '' : 's'}`;
}

/** Same ARN or group name, whatever the case (main lowercases the group in ARNs). */
export function sameName(a: string | null | undefined, b: string | null | undefined): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}
