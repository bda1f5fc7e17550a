/** Pure helpers for the endpoint's Metrics, Captured data and Logs panels. */
import type { VariantMetricsReport } from '../../../main/contract/endpoints';

export interface SeriesRow {
  /** "10:15:30", local time. */
  time: string;
  Invocations: number;
  Errors: number;
  Workers: number;
}

/** An ISO time as hh:mm:ss in the person's time zone; the text itself when it is not a time. */
export function clockTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
}

/** A variant's series as chart rows (at most WindowSeconds / StepSeconds points: 60). */
export function seriesRows(series: VariantMetricsReport['Series']): SeriesRow[] {
  return series.map((point) => ({ time: clockTime(point.Time), Invocations: point.Invocations, Errors: point.Errors, Workers: point.Workers }));
}

/** Whether any variant was invoked in the window (the charts say nothing before that). */
export function hasInvocations(variants: ReadonlyArray<Pick<VariantMetricsReport, 'Invocations'>>): boolean {
  return variants.some((v) => v.Invocations > 0);
}

/** When a panel's data was read, for "updated 10:15:30". */
export const readAt = (at: number | null) => (at === null ? '' : new Date(at).toLocaleTimeString('en-GB', { hour12: false }));

/** A count as the person reads it: 12,345. */
export const count = (n: number) => n.toLocaleString('en-US');

/** The last part of a path, for a column; the whole path stays in the title. */
export function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}
