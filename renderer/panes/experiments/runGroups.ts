import type { Run } from '../../../main/contract/experiments';
import type { MetricColumn } from './runColumns';
import { columnValue, compareValues } from './runsTable';

/**
 * Grouping runs by a param's value, with each group's mean ± standard deviation per metric column,
 * and the flat list of 30px items (group headers and runs) the windowed table renders. Pure.
 */

/** Mean and population standard deviation (divide by n, not n − 1) of a group's finite values. */
export interface MeanStd {
  mean: number;
  std: number;
  /** Finite values counted. */
  n: number;
}

/** What the group headers' titles say the ± is. */
export const STD_KIND = 'population standard deviation (σ, divides by n)';

/** The group of runs without the param. */
export const NO_VALUE_KEY = '\u0000';

export interface RunGroup {
  /** The param's value, or NO_VALUE_KEY; what collapsing keys on. */
  key: string;
  /** The param's value, undefined for runs that do not have it. */
  value: string | undefined;
  runs: Run[];
  /** By metric column id; null where the group has no finite value. */
  stats: Record<string, MeanStd | null>;
}

export type TableItem = { kind: 'group'; group: RunGroup; collapsed: boolean } | { kind: 'run'; run: Run };

/** Pure: mean ± population std of the finite values (NaN, ±Infinity skipped); null when none. */
export function meanStd(values: readonly number[]): MeanStd | null {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return null;
  const mean = finite.reduce((sum, value) => sum + value, 0) / finite.length;
  const variance = finite.reduce((sum, value) => sum + (value - mean) ** 2, 0) / finite.length;
  const std = Math.sqrt(variance);
  // Round-off in the mean gives equal values a spread of ~1e-15 × the mean; that is none.
  return { mean, std: std <= Math.abs(mean) * 1e-12 ? 0 : std, n: finite.length };
}

/**
 * Pure: `runs` (already in table order, which each group keeps) grouped by `params[paramKey]`;
 * groups in natural order of their value (9 before 10), runs without the param last.
 */
export function groupRuns(runs: readonly Run[], paramKey: string, metricColumns: readonly MetricColumn[]): RunGroup[] {
  const byKey = new Map<string, Run[]>();
  for (const run of runs) {
    const key = run.params[paramKey] ?? NO_VALUE_KEY;
    const members = byKey.get(key);
    if (members) members.push(run);
    else byKey.set(key, [run]);
  }
  const groups = [...byKey].map(([key, members]): RunGroup => {
    const stats: Record<string, MeanStd | null> = {};
    for (const column of metricColumns) {
      const values = members.map((run) => columnValue(run, column, 0)).filter((value): value is number => typeof value === 'number');
      stats[column.id] = meanStd(values);
    }
    return { key, value: key === NO_VALUE_KEY ? undefined : key, runs: members, stats };
  });
  return groups.sort((a, b) => compareValues(groupSortValue(a.value), groupSortValue(b.value), false));
}

function groupSortValue(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  return value.trim() !== '' && Number.isFinite(number) ? number : value;
}

/** Pure: one item per group header, then its runs unless the group is collapsed. */
export function tableItems(groups: readonly RunGroup[], collapsed: readonly string[]): TableItem[] {
  const items: TableItem[] = [];
  for (const group of groups) {
    const isCollapsed = collapsed.includes(group.key);
    items.push({ kind: 'group', group, collapsed: isCollapsed });
    if (!isCollapsed) for (const run of group.runs) items.push({ kind: 'run', run });
  }
  return items;
}
