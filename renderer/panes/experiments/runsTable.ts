import type { LineageEdge, LineageNode, MetricBucket, MetricPointOut, MetricValue, Run } from '../../../main/contract/experiments';
import { parseColumnId, type RunColumn } from './runColumns';

export interface RunSort {
  column: string;
  descending: boolean;
}

/** A metric value as a number ('NaN' → NaN, 'Infinity' → Infinity). */
export function metricNumber(value: MetricValue): number {
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return value;
}

/** 0.123456789 → "0.123457", 12 → "12", 'NaN' → "NaN". */
export function formatMetric(value: MetricValue | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** 4 → "4s", 65 → "1m 05s", 7322 → "2h 02m". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Milliseconds the run took, or has taken so far. */
export function runMillis(run: Run, now: number): number {
  return (run.info.endTime ?? now) - run.info.startTime;
}

/** A cell's value for sorting and grouping: numbers (metrics, numeric params and tags) or text. */
export type CellValue = number | string | undefined;

/** "10" → 10, "abc" → "abc", "" → "". */
function numberOrText(raw: string | undefined): CellValue {
  if (raw === undefined) return undefined;
  const number = Number(raw);
  return raw.trim() !== '' && Number.isFinite(number) ? number : raw;
}

/** Pure: the run's value in the column (metric min/max read MetricSummary.min/max). */
export function columnValue(run: Run, column: RunColumn, now: number): CellValue {
  if (!('kind' in column)) {
    if (column.id === 'name') return run.info.runName;
    if (column.id === 'status') return run.info.status;
    if (column.id === 'start') return run.info.startTime;
    return runMillis(run, now);
  }
  if (column.kind === 'metric') {
    const metric = run.metrics.find((m) => m.key === column.key);
    if (!metric) return undefined;
    if (column.stat === 'last') return metricNumber(metric.last);
    return metric[column.stat] ?? undefined;
  }
  return numberOrText(column.kind === 'param' ? run.params[column.key] : run.tags[column.key]);
}

/** Missing and NaN values sort last in either direction; numbers before text, text in natural order. */
export function compareValues(a: CellValue, b: CellValue, descending: boolean): number {
  const missingA = a === undefined || (typeof a === 'number' && Number.isNaN(a));
  const missingB = b === undefined || (typeof b === 'number' && Number.isNaN(b));
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  let order: number;
  if (typeof a === 'number' && typeof b === 'number') order = a === b ? 0 : a < b ? -1 : 1;
  else if (typeof a === 'number') order = -1;
  else if (typeof b === 'number') order = 1;
  else order = (a as string).localeCompare(b as string, undefined, { numeric: true });
  return descending ? -order : order;
}

/** Pure: the runs whose name contains `filter` (any case), in `sort` order (numbers numerically). */
export function visibleRuns(runs: readonly Run[], filter: string, sort: RunSort, now: number): Run[] {
  const needle = filter.trim().toLowerCase();
  const kept = needle ? runs.filter((run) => run.info.runName.toLowerCase().includes(needle)) : [...runs];
  const column = parseColumnId(sort.column);
  const keyed = kept.map((run) => ({ run, value: column ? columnValue(run, column, now) : undefined }));
  keyed.sort((x, y) => compareValues(x.value, y.value, sort.descending));
  return keyed.map((entry) => entry.run);
}

/** Which rows a fixed-row-height list shows: [start, end) with `overscan` rows either side. */
export function windowRange(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 8): { start: number; end: number } {
  const inView = Math.ceil(viewport / rowHeight);
  // Clamped so that a list that just shrank (a filter) still shows its last rows before the scroll catches up.
  const first = Math.min(Math.floor(Math.max(0, scrollTop) / rowHeight), Math.max(0, count - inView));
  const start = Math.max(0, first - overscan);
  return { start, end: Math.min(count, first + inView + overscan) };
}

export interface ChartRow {
  x: number;
  value?: number | null;
  min?: number | null;
  max?: number | null;
}

function finite(value: MetricValue): number | null {
  const number = metricNumber(value);
  return Number.isFinite(number) ? number : null;
}

/** Pure: points as chart rows; non-finite values become gaps. */
export function pointRows(points: readonly MetricPointOut[]): ChartRow[] {
  return points.map((point) => ({ x: point.step, value: finite(point.value) }));
}

/** Pure: buckets as chart rows: the envelope (min, max) and the line through each bucket's last value. */
export function bucketRows(buckets: readonly MetricBucket[]): ChartRow[] {
  return buckets.map((bucket) => ({ x: bucket.x, min: bucket.min, max: bucket.max, value: finite(bucket.last.value) }));
}

function nodeKey(node: LineageNode): string {
  return `${node.kind}\u0000${node.id}`;
}

/** "dataset s3://b/train.csv". */
export function nodeLabel(node: LineageNode): string {
  return `${node.kind} ${node.id}`;
}

/** Pure: edges joined into chains (dataset → job → model) where one edge's end is the next one's start. */
export function lineageChains(edges: readonly LineageEdge[]): LineageNode[][] {
  const targets = new Set(edges.map((edge) => nodeKey(edge.to)));
  const used = new Set<number>();
  const chains: LineageNode[][] = [];
  const follow = (startIndex: number) => {
    used.add(startIndex);
    const chain = [edges[startIndex]!.from, edges[startIndex]!.to];
    for (;;) {
      const tail = nodeKey(chain[chain.length - 1]!);
      const next = edges.findIndex((edge, i) => !used.has(i) && nodeKey(edge.from) === tail);
      if (next < 0) break;
      used.add(next);
      chain.push(edges[next]!.to);
    }
    chains.push(chain);
  };
  edges.forEach((edge, i) => {
    if (!used.has(i) && !targets.has(nodeKey(edge.from))) follow(i);
  });
  edges.forEach((_, i) => {
    if (!used.has(i)) follow(i);
  });
  return chains;
}
