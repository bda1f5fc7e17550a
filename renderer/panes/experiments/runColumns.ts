import type { Run } from '../../../main/contract/experiments';

/**
 * The runs table's columns and which of them a person chose to see. Pure: the store keeps the
 * choice (per experiment, in localStorage), the table reads it through `runColumns`.
 *
 * Column ids: the fixed `name`, `status`, `start`, `duration`; `metric:<key>` (last value),
 * `metric.min:<key>`, `metric.max:<key>`, `param:<key>`, `tag:<key>`. The prefixes differ before
 * their first `:`, so a key may itself contain `:` or `.`.
 */

export type FixedColumnId = 'name' | 'status' | 'start' | 'duration';
export type MetricStat = 'last' | 'min' | 'max';

export type RunColumn =
  | { id: FixedColumnId; label: string }
  | { id: string; label: string; kind: 'metric'; key: string; stat: MetricStat }
  | { id: string; label: string; kind: 'param' | 'tag'; key: string };

export type MetricColumn = Extract<RunColumn, { kind: 'metric' }>;

export const FIXED_COLUMNS: RunColumn[] = [
  { id: 'name', label: 'Run' },
  { id: 'status', label: 'Status' },
  { id: 'start', label: 'Started' },
  { id: 'duration', label: 'Duration' },
];

export const METRIC_STATS: readonly MetricStat[] = ['last', 'min', 'max'];

const METRIC_PREFIX: Record<MetricStat, string> = { last: 'metric:', min: 'metric.min:', max: 'metric.max:' };

export function metricColumnId(key: string, stat: MetricStat): string {
  return `${METRIC_PREFIX[stat]}${key}`;
}

export function paramColumnId(key: string): string {
  return `param:${key}`;
}

export function tagColumnId(key: string): string {
  return `tag:${key}`;
}

function metricColumn(key: string, stat: MetricStat): MetricColumn {
  return { id: metricColumnId(key, stat), label: stat === 'last' ? key : `${key} (${stat})`, kind: 'metric', key, stat };
}

/** The keys runs have, each list sorted by name: what the columns chooser offers. */
export interface ColumnOptions {
  metrics: string[];
  params: string[];
  tags: string[];
}

/** Pure: every metric, param and tag key among these runs. */
export function columnOptions(runs: readonly Run[]): ColumnOptions {
  const metrics = new Set<string>();
  const params = new Set<string>();
  const tags = new Set<string>();
  for (const run of runs) {
    for (const metric of run.metrics) metrics.add(metric.key);
    for (const key of Object.keys(run.params)) params.add(key);
    for (const key of Object.keys(run.tags)) tags.add(key);
  }
  return { metrics: [...metrics].sort(), params: [...params].sort(), tags: [...tags].sort() };
}

/**
 * A person's choice, as departures from the defaults (every metric's last value and every param
 * shown; min, max and tags hidden), so a metric or param that appears later still gets its default.
 */
export interface ColumnPrefs {
  shown: string[];
  hidden: string[];
}

export const DEFAULT_COLUMN_PREFS: ColumnPrefs = { shown: [], hidden: [] };

/** Where the choice for an experiment is kept. */
export function columnPrefsKey(experimentId: string): string {
  return `lathe.runs.columns.${experimentId}`;
}

/** Whether a column is shown when nobody chose otherwise. */
export function shownByDefault(columnId: string): boolean {
  return columnId.startsWith('metric:') || columnId.startsWith('param:');
}

export function isColumnShown(columnId: string, prefs: ColumnPrefs): boolean {
  if (prefs.shown.includes(columnId)) return true;
  return shownByDefault(columnId) && !prefs.hidden.includes(columnId);
}

/** Pure: `prefs` with the column shown or hidden (recorded only where that differs from the default). */
export function withColumn(prefs: ColumnPrefs, columnId: string, shown: boolean): ColumnPrefs {
  const next = {
    shown: prefs.shown.filter((id) => id !== columnId),
    hidden: prefs.hidden.filter((id) => id !== columnId),
  };
  if (shown !== shownByDefault(columnId)) (shown ? next.shown : next.hidden).push(columnId);
  return next;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Pure: the stored choice, or the defaults where there is none or it does not parse. */
export function parseColumnPrefs(text: string | null): ColumnPrefs {
  if (!text) return DEFAULT_COLUMN_PREFS;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return DEFAULT_COLUMN_PREFS;
    const record = value as Record<string, unknown>;
    return { shown: stringList(record.shown), hidden: stringList(record.hidden) };
  } catch {
    return DEFAULT_COLUMN_PREFS;
  }
}

/** Pure: the fixed columns, then the chosen ones: per metric key last/min/max, then params, then tags. */
export function runColumns(runs: readonly Run[], prefs: ColumnPrefs = DEFAULT_COLUMN_PREFS, options = columnOptions(runs)): RunColumn[] {
  const columns: RunColumn[] = [...FIXED_COLUMNS];
  for (const key of options.metrics) {
    for (const stat of METRIC_STATS) if (isColumnShown(metricColumnId(key, stat), prefs)) columns.push(metricColumn(key, stat));
  }
  for (const key of options.params) if (isColumnShown(paramColumnId(key), prefs)) columns.push({ id: paramColumnId(key), label: key, kind: 'param', key });
  for (const key of options.tags) if (isColumnShown(tagColumnId(key), prefs)) columns.push({ id: tagColumnId(key), label: key, kind: 'tag', key });
  return columns;
}

export function isMetricColumn(column: RunColumn): column is MetricColumn {
  return 'kind' in column && column.kind === 'metric';
}

/** What a column id stands for, read back from the id (sorting takes ids, not columns). */
export function parseColumnId(columnId: string): RunColumn | null {
  const fixed = FIXED_COLUMNS.find((column) => column.id === columnId);
  if (fixed) return fixed;
  for (const stat of METRIC_STATS) {
    if (columnId.startsWith(METRIC_PREFIX[stat])) return metricColumn(columnId.slice(METRIC_PREFIX[stat].length), stat);
  }
  if (columnId.startsWith('param:')) {
    const key = columnId.slice('param:'.length);
    return { id: columnId, label: key, kind: 'param', key };
  }
  if (columnId.startsWith('tag:')) {
    const key = columnId.slice('tag:'.length);
    return { id: columnId, label: key, kind: 'tag', key };
  }
  return null;
}
