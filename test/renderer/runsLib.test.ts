import { afterEach, describe, expect, it, vi } from 'vitest';
import { columnOptions, isColumnShown, parseColumnPrefs, runColumns, withColumn, type ColumnPrefs } from '../../renderer/panes/experiments/runColumns';
import { groupRuns, meanStd, tableItems, NO_VALUE_KEY } from '../../renderer/panes/experiments/runGroups';
import { columnValue, visibleRuns } from '../../renderer/panes/experiments/runsTable';
import { createThrottle, throttleDelay } from '../../renderer/panes/experiments/throttle';
import { runsSearchRequest } from '../../renderer/state/runsQueries';
import { metric, run } from './experimentsFixtures';

const RUNS = [
  run(1, 'a', [metric('auc', 0.9, { min: 0.5, max: 0.93 }), metric('loss', 'NaN', { min: null, max: null })], { eta: '0.3', depth: '10' }, { owner: 'ann' }),
  run(2, 'b', [metric('auc', 0.95, { min: 0.6, max: 0.95 })], { eta: '0.1', depth: '9' }, { owner: 'bob', stage: 'dev' }),
];

describe('column choice', () => {
  it.each<[string, ColumnPrefs, string, boolean, ColumnPrefs]>([
    ['shows a tag (off by default)', { shown: [], hidden: [] }, 'tag:owner', true, { shown: ['tag:owner'], hidden: [] }],
    ['hides a param (on by default)', { shown: [], hidden: [] }, 'param:eta', false, { shown: [], hidden: ['param:eta'] }],
    ['back to the default records nothing', { shown: ['metric.min:auc'], hidden: [] }, 'metric.min:auc', false, { shown: [], hidden: [] }],
    ['showing a hidden default clears it', { shown: [], hidden: ['metric:auc'] }, 'metric:auc', true, { shown: [], hidden: [] }],
  ])('%s', (_, prefs, id, shown, expected) => {
    expect(withColumn(prefs, id, shown)).toEqual(expected);
    expect(isColumnShown(id, expected)).toBe(shown);
  });

  it.each<[string | null, ColumnPrefs]>([
    [null, { shown: [], hidden: [] }],
    ['not json', { shown: [], hidden: [] }],
    ['42', { shown: [], hidden: [] }],
    ['{"shown":["tag:x",3],"hidden":"no"}', { shown: ['tag:x'], hidden: [] }],
  ])('reads stored choice %j', (text, expected) => {
    expect(parseColumnPrefs(text)).toEqual(expected);
  });

  it('lays out metrics (last, min, max per key), then params, then tags; new keys get their default', () => {
    expect(columnOptions(RUNS)).toEqual({ metrics: ['auc', 'loss'], params: ['depth', 'eta'], tags: ['owner', 'stage'] });
    const prefs = { shown: ['metric.max:auc', 'metric.min:auc', 'tag:stage'], hidden: ['metric:loss', 'param:depth'] };
    expect(runColumns(RUNS, prefs).map((c) => c.label)).toEqual(['Run', 'Status', 'Started', 'Duration', 'auc', 'auc (min)', 'auc (max)', 'eta', 'stage']);
  });
});

describe('column values and sorting', () => {
  it('reads min/max from the summary, params and tags as numbers where they are', () => {
    const [a] = RUNS;
    const cols = runColumns(RUNS, { shown: ['metric.min:auc', 'metric.max:loss', 'tag:owner'], hidden: [] });
    const byLabel = (label: string) => cols.find((c) => c.label === label)!;
    expect(columnValue(a!, byLabel('auc (min)'), 0)).toBe(0.5);
    expect(columnValue(a!, byLabel('loss (max)'), 0)).toBeUndefined();
    expect(columnValue(a!, byLabel('loss'), 0)).toBeNaN();
    expect(columnValue(a!, byLabel('depth'), 0)).toBe(10);
    expect(columnValue(a!, byLabel('owner'), 0)).toBe('ann');
  });

  it('sorts by metric min, max and by a tag', () => {
    const names = (column: string, descending = false) => visibleRuns(RUNS, '', { column, descending }, 0).map((r) => r.info.runName);
    expect(names('metric.min:auc', true)).toEqual(['b', 'a']);
    expect(names('metric.max:auc')).toEqual(['a', 'b']);
    expect(names('tag:owner', true)).toEqual(['b', 'a']);
    expect(names('tag:stage')).toEqual(['b', 'a']);
  });
});

describe('groups', () => {
  it.each<[number[], { mean: number; std: number; n: number } | null]>([
    [[], null],
    [[Number.NaN, Number.POSITIVE_INFINITY], null],
    [[2], { mean: 2, std: 0, n: 1 }],
    [Array.from({ length: 1250 }, () => 0.4), { mean: 0.4, std: 0, n: 1250 }],
    [[1, 2, 3, 4], { mean: 2.5, std: Math.sqrt(1.25), n: 4 }],
    [[2, 4, 4, 4, 5, 5, 7, 9, Number.NaN], { mean: 5, std: 2, n: 8 }],
  ])('mean ± population std of %j', (values, expected) => {
    const result = meanStd(values);
    if (expected === null) expect(result).toBeNull();
    else {
      expect(result!.n).toBe(expected.n);
      expect(result!.mean).toBeCloseTo(expected.mean, 12);
      expect(result!.std).toBeCloseTo(expected.std, 12);
      if (expected.std === 0) expect(result!.std).toBe(0);
    }
  });

  it('groups by value in natural order, runs without the param last, and folds collapsed groups', () => {
    const runs = [run(1, 'x', [], { depth: '10' }), run(2, 'y', [], { depth: '9' }), run(3, 'z', [], {}), run(4, 'w', [], { depth: '10' })];
    const groups = groupRuns(runs, 'depth', []);
    expect(groups.map((g) => [g.value, g.runs.map((r) => r.info.runName)])).toEqual([
      ['9', ['y']],
      ['10', ['x', 'w']],
      [undefined, ['z']],
    ]);
    const items = tableItems(groups, ['10', NO_VALUE_KEY]);
    expect(items.map((item) => (item.kind === 'group' ? `[${item.group.value ?? '-'}${item.collapsed ? '+' : ''}]` : item.run.info.runName))).toEqual(['[9]', 'y', '[10+]', '[-+]']);
  });
});

describe('live reload throttle', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each<[number | null, number, number]>([
    [null, 5000, 0],
    [1000, 1500, 1500],
    [1000, 3000, 0],
    [1000, 9000, 0],
  ])('after a run at %s, at %s: waits %s ms', (last, now, expected) => {
    expect(throttleDelay(last, now, 2000)).toBe(expected);
  });

  it('runs at once, then folds triggers within the interval into one trailing run', () => {
    vi.useFakeTimers();
    const run = vi.fn();
    const throttle = createThrottle(run, 2000, () => Date.now());
    throttle.trigger();
    expect(run).toHaveBeenCalledTimes(1);
    throttle.trigger();
    throttle.trigger();
    vi.advanceTimersByTime(1999);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(2);
    throttle.cancel();
  });
});

describe('runs.search request', () => {
  it.each([
    ['', false, { experimentIds: ['7'], maxResults: 50_000 }],
    ["params.eta = '0.1'", false, { experimentIds: ['7'], maxResults: 50_000, filter: "params.eta = '0.1'" }],
    ['', true, { experimentIds: ['7'], maxResults: 50_000, lifecycle: 'deleted' }],
  ])('filter %j, trash %s', (filter, showDeleted, expected) => {
    expect(runsSearchRequest('7', filter, showDeleted)).toEqual(expected);
  });
});
