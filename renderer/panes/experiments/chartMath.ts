import type { MetricHistory, MetricValue } from '../../../main/contract/experiments';
import { metricNumber } from './runsTable';

/**
 * Pure chart maths for metric histories: the x axis (step or wall time), the log-scale filter and
 * TensorBoard-style smoothing. A history arrives either as raw points or as downsampled buckets
 * (min/max of the points each stands for); the rows here keep the buckets' extremes in every mode,
 * so a one-point spike never disappears behind a smoothed line.
 */

export type XAxisMode = 'step' | 'time';

export interface ChartOptions {
  xAxis: XAxisMode;
  logScale: boolean;
  /** EMA weight, 0 (off) to MAX_SMOOTHING. */
  smoothing: number;
}

export const DEFAULT_CHART_OPTIONS: ChartOptions = { xAxis: 'step', logScale: false, smoothing: 0 };
export const MAX_SMOOTHING = 0.99;

/** One drawn x position. Nulls are gaps (a non-finite value, or one a log axis cannot show). */
export interface PlotRow {
  x: number;
  /** The raw value: a point's own, or the last value of a bucket. */
  value: number | null;
  /** The smoothed value (equal to `value` when smoothing is off). */
  smooth: number | null;
  /** A bucket's extremes; null for raw points. */
  min: number | null;
  max: number | null;
  /** [min, max] for a range area; null when either end is missing. */
  band: [number, number] | null;
}

export interface PlotSeries {
  rows: PlotRow[];
  bucketed: boolean;
  /** Points that were NaN or ±Infinity (never drawn). */
  nonFinite: number;
  /** Rows with a value or extreme ≤ 0 that the log axis left out. */
  hiddenByLog: number;
}

/** A smoothing weight within 0..MAX_SMOOTHING (NaN → 0). */
export function clampSmoothing(weight: number): number {
  if (!Number.isFinite(weight) || weight <= 0) return 0;
  return Math.min(MAX_SMOOTHING, weight);
}

/**
 * Exponential moving average with TensorBoard's debiasing: the running average starts at 0 and is
 * divided by 1 − w^n, so the first values are not pulled toward 0. Nulls (gaps) stay nulls and do
 * not advance the average. A constant series comes back unchanged (no floating-point drift).
 */
export function emaSmooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  const w = clampSmoothing(weight);
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (w === 0 || finite.length === 0 || finite.every((v) => v === finite[0])) return [...values];
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    last = last * w + (1 - w) * v;
    n += 1;
    return last / (1 - w ** n);
  });
}

function finite(value: MetricValue): number | null {
  const number = metricNumber(value);
  return Number.isFinite(number) ? number : null;
}

interface BaseRow {
  step: number;
  timestamp: number;
  value: number | null;
  min: number | null;
  max: number | null;
}

function baseRows(history: MetricHistory): BaseRow[] {
  if (history.buckets) {
    return history.buckets.map((bucket) => ({
      step: bucket.x,
      // Drawn where the bucket is in time: halfway between its first and last point.
      timestamp: (bucket.first.timestamp + bucket.last.timestamp) / 2,
      value: finite(bucket.last.value),
      min: bucket.min,
      max: bucket.max,
    }));
  }
  return (history.points ?? []).map((point) => ({ step: point.step, timestamp: point.timestamp, value: finite(point.value), min: null, max: null }));
}

/** The run's first timestamp in this history (the origin of the time axis), or 0 when empty. */
export function firstTimestamp(history: MetricHistory): number {
  const stamps = history.buckets ? history.buckets.map((b) => Math.min(b.first.timestamp, b.last.timestamp)) : (history.points ?? []).map((p) => p.timestamp);
  return stamps.length === 0 ? 0 : Math.min(...stamps);
}

function positiveOrNull(value: number | null): number | null {
  return value !== null && value > 0 ? value : null;
}

/**
 * Pure: a history as rows to draw under these options. x is the step, or seconds since the
 * history's first timestamp (rows then sorted by time). Smoothing runs over the raw values in x
 * order; the log axis then hides what is ≤ 0 (values, smoothed values and extremes alike).
 */
export function plotSeries(history: MetricHistory, options: ChartOptions): PlotSeries {
  const t0 = firstTimestamp(history);
  const base = baseRows(history);
  const placed = base.map((row) => ({ ...row, x: options.xAxis === 'time' ? (row.timestamp - t0) / 1000 : row.step }));
  if (options.xAxis === 'time') placed.sort((a, b) => a.x - b.x);
  const smoothed = emaSmooth(
    placed.map((row) => row.value),
    options.smoothing,
  );
  let hiddenByLog = 0;
  const rows = placed.map((row, i): PlotRow => {
    let { value, min, max } = row;
    let smooth = smoothed[i] ?? null;
    if (options.logScale) {
      const hides = [value, min, max].some((v) => v !== null && v <= 0);
      if (hides) hiddenByLog += 1;
      value = positiveOrNull(value);
      min = positiveOrNull(min);
      max = positiveOrNull(max);
      smooth = positiveOrNull(smooth);
    }
    return { x: row.x, value, smooth, min, max, band: min !== null && max !== null ? [min, max] : null };
  });
  const nonFinite = history.buckets
    ? history.buckets.reduce((sum, bucket) => sum + bucket.nonFinite, 0)
    : (history.points ?? []).filter((point) => typeof point.value === 'string').length;
  return { rows, bucketed: history.buckets !== undefined, nonFinite, hiddenByLog };
}

/** What a chart's caption says about values it does not draw; '' when there are none. */
export function hiddenNote(series: Pick<PlotSeries, 'nonFinite' | 'hiddenByLog'>): string {
  const notes: string[] = [];
  if (series.nonFinite > 0) notes.push(`${series.nonFinite} not finite (NaN or ±Infinity), not drawn`);
  if (series.hiddenByLog > 0) notes.push(`${series.hiddenByLog} ≤ 0, not drawn on the log scale`);
  return notes.join(' · ');
}

/** An x-axis tick: a step as is, a time as "1m 05s" (whole seconds under a minute keep decimals off). */
export function formatX(x: number, mode: XAxisMode): string {
  if (mode === 'step') return String(x);
  const s = Math.max(0, x);
  if (s < 60) return `${Number(s.toFixed(s < 10 && !Number.isInteger(s) ? 1 : 0))}s`;
  const whole = Math.floor(s);
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}
