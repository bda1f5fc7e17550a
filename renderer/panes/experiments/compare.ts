import type { MetricSummary, MetricValue, Run } from '../../../main/contract/experiments';
import { formatMetric, metricNumber } from './runsTable';

/**
 * Pure helpers of the compare view: the param diff, metric deltas against a baseline run, and the
 * axes and layout of the parallel-coordinates plot. The first run (in the order the comparison was
 * opened with) is the baseline.
 */

/** One colour per compared run, in order (cycled past ten runs); distinct in light and dark themes. */
export const RUN_COLORS = ['#2f7fe0', '#e8590c', '#2b8a3e', '#ae3ec9', '#c92a2a', '#0c8599', '#e67700', '#5f3dc4', '#868e96', '#d6336c'] as const;

export function runColor(index: number): string {
  return RUN_COLORS[index % RUN_COLORS.length]!;
}

export interface ParamDiffRow {
  key: string;
  /** One per run, in run order; undefined where the run has no such param. */
  values: Array<string | undefined>;
  /** True when not every run has the same value (a missing param differs from any value). */
  differs: boolean;
}

function allEqual<T>(values: readonly T[]): boolean {
  return values.every((value) => value === values[0]);
}

/** Pure: the union of the runs' param keys (sorted), each with its value per run. */
export function paramDiff(runs: readonly Pick<Run, 'params'>[]): ParamDiffRow[] {
  const keys = [...new Set(runs.flatMap((run) => Object.keys(run.params)))].sort((a, b) => a.localeCompare(b));
  return keys.map((key) => {
    const values = runs.map((run) => (Object.hasOwn(run.params, key) ? run.params[key] : undefined));
    return { key, values, differs: !allEqual(values) };
  });
}

export interface MetricDelta {
  /** value − baseline. */
  absolute: number;
  /** The change in percent of |baseline|; null when the baseline is 0. */
  percent: number | null;
  direction: 'up' | 'down' | 'same';
}

/** Pure: the change from the baseline's value to this one; null when either is missing or not finite. */
export function metricDelta(baseline: MetricValue | null | undefined, value: MetricValue | null | undefined): MetricDelta | null {
  if (baseline === undefined || baseline === null || value === undefined || value === null) return null;
  const b = metricNumber(baseline);
  const v = metricNumber(value);
  if (!Number.isFinite(b) || !Number.isFinite(v)) return null;
  const absolute = v - b;
  return {
    absolute,
    percent: b === 0 ? null : (absolute / Math.abs(b)) * 100,
    direction: absolute > 0 ? 'up' : absolute < 0 ? 'down' : 'same',
  };
}

function signed(text: string, value: number): string {
  return value > 0 ? `+${text}` : text;
}

/** "+0.05 (+5.56%)", "-2 (-50%)", "+3 (— %)" against a baseline of 0. */
export function formatDelta(delta: MetricDelta): string {
  const absolute = signed(formatMetric(delta.absolute), delta.absolute);
  const percent = delta.percent === null ? '— %' : `${signed(String(Number(delta.percent.toPrecision(3))), delta.percent)}%`;
  return `${absolute} (${percent})`;
}

export interface MetricCell {
  summary: MetricSummary | undefined;
  /** Against the baseline (the first run); null for the baseline itself and where there is no delta. */
  delta: MetricDelta | null;
}

export interface MetricCompareRow {
  key: string;
  cells: MetricCell[];
}

/** Pure: the union of the runs' metric keys, sorted. */
export function metricKeys(runs: readonly Pick<Run, 'metrics'>[]): string[] {
  return [...new Set(runs.flatMap((run) => run.metrics.map((m) => m.key)))].sort((a, b) => a.localeCompare(b));
}

/** Pure: one row per metric key, each run's summary, and every later run's delta to the first. */
export function metricCompareRows(runs: readonly Pick<Run, 'metrics'>[]): MetricCompareRow[] {
  return metricKeys(runs).map((key) => {
    const summaries = runs.map((run) => run.metrics.find((m) => m.key === key));
    const baseline = summaries[0]?.last;
    return { key, cells: summaries.map((summary, i) => ({ summary, delta: i === 0 ? null : metricDelta(baseline, summary?.last) })) };
  });
}

/** Categorical params with more distinct values than this, or longer values, are left off the plot. */
export const MAX_CATEGORIES = 20;
export const MAX_CATEGORY_LENGTH = 40;

export type ParallelAxis =
  | { kind: 'numeric'; key: string; source: 'param' | 'metric'; values: Array<number | null>; min: number; max: number }
  | { kind: 'categorical'; key: string; source: 'param'; values: Array<string | null>; categories: string[] };

function asNumber(raw: string): number | null {
  if (raw.trim() === '') return null;
  const number = Number(raw);
  return Number.isFinite(number) ? number : null;
}

function numericAxis(key: string, source: 'param' | 'metric', values: Array<number | null>): ParallelAxis {
  const present = values.filter((v): v is number => v !== null);
  return { kind: 'numeric', key, source, values, min: present.length ? Math.min(...present) : 0, max: present.length ? Math.max(...present) : 0 };
}

/**
 * Pure: the axes of the parallel-coordinates plot: every param whose value varies among the runs
 * and is numeric (all present values are numbers) or categorical (few, short values), in key
 * order, then the chosen metric's last value. Missing or non-finite values are null (a gap).
 */
export function parallelAxes(runs: readonly Pick<Run, 'params' | 'metrics'>[], metricKey: string | null): ParallelAxis[] {
  const axes: ParallelAxis[] = [];
  for (const row of paramDiff(runs)) {
    if (!row.differs) continue;
    const present = row.values.filter((v): v is string => v !== undefined);
    if (present.length === 0) continue;
    if (present.every((v) => asNumber(v) !== null)) {
      axes.push(numericAxis(row.key, 'param', row.values.map((v) => (v === undefined ? null : asNumber(v)))));
      continue;
    }
    const categories = [...new Set(present)].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    if (categories.length > MAX_CATEGORIES || categories.some((c) => c.length > MAX_CATEGORY_LENGTH)) continue;
    axes.push({ kind: 'categorical', key: row.key, source: 'param', values: row.values.map((v) => v ?? null), categories });
  }
  if (metricKey !== null) {
    const values = runs.map((run) => {
      const last = run.metrics.find((m) => m.key === metricKey)?.last;
      const number = last === undefined ? Number.NaN : metricNumber(last);
      return Number.isFinite(number) ? number : null;
    });
    axes.push(numericAxis(metricKey, 'metric', values));
  }
  return axes;
}

/** Pure: where run `index` sits on the axis, 0 (bottom) to 1 (top); null for a gap. Equal ends → 0.5. */
export function axisFraction(axis: ParallelAxis, index: number): number | null {
  if (axis.kind === 'numeric') {
    const value = axis.values[index];
    if (value === null || value === undefined) return null;
    return axis.max === axis.min ? 0.5 : (value - axis.min) / (axis.max - axis.min);
  }
  const value = axis.values[index];
  if (value === null || value === undefined) return null;
  const at = axis.categories.indexOf(value);
  return axis.categories.length === 1 ? 0.5 : at / (axis.categories.length - 1);
}

export interface PlotBox {
  width: number;
  height: number;
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface ParallelLayout {
  /** The x of each axis. */
  axisX: number[];
  /** y of the top and bottom of every axis. */
  top: number;
  bottom: number;
  /** Per run, per axis: the point, or null for a gap. */
  lines: Array<Array<{ x: number; y: number } | null>>;
}

/** Pure: axes spread evenly across the box (one axis sits in the middle), runs as points on them. */
export function parallelLayout(axes: readonly ParallelAxis[], runCount: number, box: PlotBox): ParallelLayout {
  const inner = box.width - box.left - box.right;
  const axisX = axes.map((_, i) => (axes.length === 1 ? box.left + inner / 2 : box.left + (i * inner) / (axes.length - 1)));
  const top = box.top;
  const bottom = box.height - box.bottom;
  const lines = Array.from({ length: runCount }, (_, run) =>
    axes.map((axis, i) => {
      const fraction = axisFraction(axis, run);
      return fraction === null ? null : { x: axisX[i]!, y: bottom - fraction * (bottom - top) };
    }),
  );
  return { axisX, top, bottom, lines };
}

/** Pure: an SVG path through the points, lifting the pen over gaps ("M1 2L3 4M7 8"). */
export function polylinePath(points: ReadonlyArray<{ x: number; y: number } | null>): string {
  let path = '';
  let pen = false;
  for (const point of points) {
    if (point === null) {
      pen = false;
      continue;
    }
    path += `${pen ? 'L' : 'M'}${Number(point.x.toFixed(1))} ${Number(point.y.toFixed(1))}`;
    pen = true;
  }
  return path;
}

/** Pure: a colour from blue (0, the lowest metric value) to orange-red (1, the highest); grey for none. */
export function metricColor(fraction: number | null): string {
  if (fraction === null) return 'var(--fg-muted)';
  const t = Math.min(1, Math.max(0, fraction));
  return `hsl(${Math.round(220 - 200 * t)} 75% 45%)`;
}
