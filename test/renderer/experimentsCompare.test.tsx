import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ArtifactPreview, Experiment, MetricHistory, MetricSummary, Run, RunDetail } from '../../main/contract/experiments';
import { fail, ok } from '../../main/contract/result';
import type { RequestOf } from '../../main/contract/schemas';
import { formatBytes } from '../../renderer/panes/experiments/ArtifactsSection';
import { useArtifactsStore } from '../../renderer/state/artifactsStore';
import { clampSmoothing, emaSmooth, formatX, hiddenNote, plotSeries, DEFAULT_CHART_OPTIONS, type ChartOptions } from '../../renderer/panes/experiments/chartMath';
import {
  axisFraction,
  formatDelta,
  metricColor,
  metricCompareRows,
  metricDelta,
  paramDiff,
  parallelAxes,
  parallelLayout,
  polylinePath,
} from '../../renderer/panes/experiments/compare';
import { useChartOptionsStore } from '../../renderer/state/chartOptionsStore';
import { useCompareStore } from '../../renderer/state/compareStore';
import { useExperimentsStore } from '../../renderer/state/experimentsStore';
import { FakeBridge } from './fakeBridge';
import { renderApp, resetRenderer } from './harness';

afterEach(() => {
  resetRenderer();
  useCompareStore.getState().close();
  useCompareStore.setState(useCompareStore.getInitialState(), true);
  useExperimentsStore.setState(useExperimentsStore.getInitialState(), true);
  useChartOptionsStore.setState(useChartOptionsStore.getInitialState(), true);
  useArtifactsStore.setState(useArtifactsStore.getInitialState(), true);
});

const T0 = Date.parse('2026-03-01T10:00:00Z');

function experiment(): Experiment {
  return { experimentId: '1', name: 'fraud', artifactLocation: '/tmp/mlruns/1', lifecycleStage: 'active', creationTime: T0, lastUpdateTime: T0, tags: {}, runCount: 2 };
}

function metric(key: string, last: MetricSummary['last'], min: number | null = null, max: number | null = null): MetricSummary {
  return { key, last, lastStep: 9, lastTimestamp: T0, min, max, count: 10 };
}

function runId(i: number): string {
  return i.toString(16).padStart(32, '0');
}

function detail(i: number, name: string, metrics: MetricSummary[], params: Record<string, string>): RunDetail {
  return {
    info: { runId: runId(i), experimentId: '1', runName: name, status: 'FINISHED', startTime: T0, endTime: T0 + 65_000, lifecycleStage: 'active', source: { kind: 'sdk' }, artifactUri: `/tmp/mlruns/1/${runId(i)}` },
    params,
    tags: {},
    metrics,
    lineage: [],
  };
}

const A = detail(1, 'xgb-a', [metric('auc', 0.9, 0.5, 0.93), metric('loss', 0.4)], { eta: '0.3', max_depth: '6', objective: 'binary:logistic' });
const B = detail(2, 'xgb-b', [metric('auc', 0.95, 0.6, 0.95), metric('loss', 0.2)], { eta: '0.1', max_depth: '6', objective: 'binary:logistic', subsample: '0.8' });
const DETAILS: Record<string, RunDetail> = { [runId(1)]: A, [runId(2)]: B };

const BUCKETS: MetricHistory = {
  key: 'auc',
  total: 5000,
  buckets: [
    { x: 4.5, minX: 0, maxX: 9, min: 0.5, max: 0.99, first: { step: 0, timestamp: T0, value: 0.5 }, last: { step: 9, timestamp: T0 + 9000, value: 0.6 }, count: 10, nonFinite: 0 },
    { x: 14.5, minX: 10, maxX: 19, min: 0.6, max: 0.7, first: { step: 10, timestamp: T0 + 10_000, value: 0.6 }, last: { step: 19, timestamp: T0 + 19_000, value: 0.7 }, count: 10, nonFinite: 0 },
  ],
};

function history(key: string): MetricHistory {
  if (key === 'auc') return BUCKETS;
  return { key, total: 3, points: [0, 1, 2].map((step) => ({ step, timestamp: T0 + step * 1000, value: 1 - step * 0.3 })) };
}

const PREVIEWS: Record<string, ArtifactPreview> = {
  'notes.txt': { path: 'notes.txt', size: 5000, kind: 'text', text: '<b>not html</b>\nline 2', truncated: true },
  'eval/predictions.csv': { path: 'eval/predictions.csv', size: 300, kind: 'table', delimiter: ',', columns: ['id', 'score'], rows: [['1', '0.9'], ['2', '0.1']], truncated: false },
  'roc.png': { path: 'roc.png', size: 2048, kind: 'image', mediaType: 'image/png', base64: 'iVBORw0KGgo=' },
  'model.tar.gz': { path: 'model.tar.gz', size: 1_572_864, kind: 'archive', members: [{ name: 'xgboost-model', size: 1_500_000 }], truncated: false },
  'weights.bin': { path: 'weights.bin', size: 10, kind: 'binary', reason: 'Binary file (no preview).' },
};

function bridge(overrides: ConstructorParameters<typeof FakeBridge>[0] = {}) {
  return new FakeBridge({
    'experiments.list': () => ok({ experiments: [experiment()] }),
    'runs.search': () => ok({ runs: [A, B] as Run[] }),
    'runs.get': ({ runId: id }) => (DETAILS[id] ? ok(DETAILS[id]) : fail('not-found', `Run ${id} does not exist.`)),
    'runs.metricHistory': ({ key }: RequestOf<'runs.metricHistory'>) => ok(history(key)),
    'runs.artifacts': ({ runId: id }) =>
      ok({
        runId: id,
        root: `/tmp/mlruns/1/${id}/artifacts`,
        truncated: false,
        entries: [
          { path: 'eval', kind: 'folder', size: 0, modifiedTime: T0, origin: 'run' },
          { path: 'eval/predictions.csv', kind: 'file', size: 300, modifiedTime: T0, origin: 'run' },
          { path: 'model.tar.gz', kind: 'file', size: 1_572_864, modifiedTime: T0, origin: 'job' },
          { path: 'notes.txt', kind: 'file', size: 5000, modifiedTime: T0, origin: 'run' },
          { path: 'roc.png', kind: 'file', size: 2048, modifiedTime: T0, origin: 'run' },
          { path: 'weights.bin', kind: 'file', size: 10, modifiedTime: T0, origin: 'run' },
        ],
      }),
    'runs.artifactPreview': ({ path }) => (PREVIEWS[path] ? ok(PREVIEWS[path]) : fail('not-found', `${path} is not an artifact`)),
    ...overrides,
  });
}

async function openPane(fake: FakeBridge) {
  renderApp(fake);
  fireEvent.click(await screen.findByRole('button', { name: 'Experiments' }));
  await waitFor(() => expect(useExperimentsStore.getState().selectedId).toBe('1'), { timeout: 10_000 });
  return fake;
}

async function openCompare(fake = bridge()) {
  await openPane(fake);
  act(() => useCompareStore.getState().open([runId(1), runId(2)]));
  const view = await screen.findByTestId('compare-view');
  await within(view).findByTestId('compare-param-diff');
  return { fake, view };
}

describe('Experiments: compare view', () => {
  it('shows the param diff with differing rows marked and identical ones hidden until asked', async () => {
    const { fake, view } = await openCompare();
    expect(within(view).getByRole('heading', { level: 1 }).textContent).toBe('Comparing 2 runs');
    expect(fake.callsTo('runs.get')).toEqual([{ runId: runId(1) }, { runId: runId(2) }]);
    const table = screen.getByTestId('compare-param-diff');
    const rows = () => [...table.querySelectorAll<HTMLTableRowElement>('tbody tr')];
    expect(rows().map((row) => [row.dataset.param, row.dataset.differs])).toEqual([
      ['eta', 'true'],
      ['subsample', 'true'],
    ]);
    const eta = rows()[0]!;
    expect(eta.className).toContain('param-differs');
    expect([...eta.cells].map((cell) => cell.textContent)).toEqual(['eta', '0.3', '0.1']);
    expect([...rows()[1]!.cells].map((cell) => cell.textContent)).toEqual(['subsample', '—', '0.8']);
    const hide = within(view).getByRole('checkbox', { name: 'Hide identical' }) as HTMLInputElement;
    expect(hide.checked).toBe(true);
    fireEvent.click(hide);
    expect(rows().map((row) => `${row.dataset.param}:${row.dataset.differs}`)).toEqual(['eta:true', 'max_depth:false', 'objective:false', 'subsample:true']);
  });

  it('shows each metric’s last value and every later run’s delta to the baseline', async () => {
    const { view } = await openCompare();
    const metrics = within(view).getByTestId('compare-metrics');
    const auc = metrics.querySelector<HTMLTableRowElement>('tr[data-metric="auc"]')!;
    const cells = [...auc.cells];
    expect(cells[1]!.textContent).toBe('0.9');
    expect(cells[1]!.title).toContain('min 0.5 · max 0.93');
    expect(cells[2]!.textContent).toBe('0.95+0.05 (+5.56%)');
    expect(within(cells[2]!).getByTestId('metric-delta').dataset.direction).toBe('up');
    const loss = metrics.querySelector<HTMLTableRowElement>('tr[data-metric="loss"]')!;
    expect(within(loss).getByTestId('metric-delta').textContent).toBe('-0.2 (-50%)');
    expect(within(loss).getByTestId('metric-delta').className).toContain('delta-down');
  });

  it('overlays one curve per run per metric, loaded at width 800, following the chart options', async () => {
    const { fake, view } = await openCompare();
    const auc = await within(view).findByTestId('compare-chart-auc', {}, { timeout: 10_000 });
    const loss = await within(view).findByTestId('compare-chart-loss');
    expect(auc.dataset.series).toBe('2');
    expect(loss.dataset.series).toBe('2');
    expect(within(auc).getByRole('list').textContent).toContain('xgb-a');
    expect(fake.callsTo('runs.metricHistory')).toHaveLength(4);
    expect(fake.callsTo('runs.metricHistory')).toContainEqual({ runId: runId(2), key: 'loss', width: 800 });
    expect(auc.dataset.xAxis).toBe('step');
    fireEvent.click(within(view).getByRole('radio', { name: 'Time' }));
    fireEvent.click(within(view).getByRole('checkbox', { name: 'Log scale' }));
    fireEvent.change(within(view).getByRole('slider', { name: 'Smoothing' }), { target: { value: '0.6' } });
    for (const chart of [screen.getByTestId('compare-chart-auc'), screen.getByTestId('compare-chart-loss')]) {
      expect(chart.dataset.xAxis).toBe('time');
      expect(chart.dataset.log).toBe('true');
      expect(chart.dataset.smoothing).toBe('0.6');
    }
    expect(within(view).getByRole('radio', { name: 'Time' })).toHaveProperty('checked', true);
  });

  it('draws parallel coordinates over the varying params and the chosen metric', async () => {
    const { view } = await openCompare();
    const plot = within(view).getByTestId('parallel-coordinates');
    const axes = () => [...plot.querySelectorAll<SVGGElement>('.pc-axis')].map((g) => `${g.dataset.axis}:${g.dataset.kind}`);
    expect(axes()).toEqual(['eta:numeric', 'subsample:numeric', 'auc:numeric']);
    expect(plot.dataset.lines).toBe('2');
    expect([...plot.querySelectorAll<SVGGElement>('.pc-run')].map((g) => g.dataset.run)).toEqual(['xgb-a', 'xgb-b']);
    fireEvent.change(within(plot).getByLabelText('Colour by metric'), { target: { value: 'loss' } });
    expect(axes()).toEqual(['eta:numeric', 'subsample:numeric', 'loss:numeric']);
  });

  it('goes back to the runs with the back button and with Esc', async () => {
    const { view } = await openCompare();
    fireEvent.click(within(view).getByRole('button', { name: /Runs/ }));
    expect(screen.queryByTestId('compare-view')).toBeNull();
    expect(useCompareStore.getState().runIds).toBeNull();
    act(() => useCompareStore.getState().open([runId(1), runId(2)]));
    fireEvent.keyDown(await screen.findByTestId('compare-view'), { key: 'Escape' });
    expect(screen.queryByTestId('compare-view')).toBeNull();
  });

  it('shows a run that cannot be read as an error and compares the rest', async () => {
    await openPane(bridge());
    act(() => useCompareStore.getState().open([runId(1), runId(9)]));
    const view = await screen.findByTestId('compare-view');
    expect((await within(view).findByRole('alert')).textContent).toContain(`Run ${runId(9)} does not exist.`);
    expect(await within(view).findByTestId('compare-metrics')).toBeTruthy();
  });
});

describe('Experiments: run detail artifacts and chart options', () => {
  async function openRun(fake = bridge()) {
    await openPane(fake);
    act(() => void useExperimentsStore.getState().openRun(runId(1)));
    const section = await screen.findByTestId('run-artifacts', {}, { timeout: 10_000 });
    await within(section).findByTestId('artifact-notes.txt');
    return { fake, section };
  }

  it('lists artifacts with sizes and origin, and previews text, tables, images, archives and binaries', async () => {
    const { fake, section } = await openRun();
    expect(fake.callsTo('runs.artifacts')).toEqual([{ runId: runId(1) }]);
    const model = within(section).getByTestId('artifact-model.tar.gz');
    expect(model.textContent).toBe('model.tar.gz1.5 MiBjob output');
    expect(within(section).getByTestId('artifact-notes.txt').textContent).toBe('notes.txt4.9 KiB');

    fireEvent.click(within(section).getByTestId('artifact-notes.txt'));
    let preview = await within(section).findByTestId('artifact-preview');
    await waitFor(() => expect(preview.dataset.kind).toBe('text'));
    expect(preview.querySelector('pre')!.textContent).toBe('<b>not html</b>\nline 2');
    expect(preview.querySelector('b')).toBeNull();
    expect(preview.textContent).toContain('Truncated');
    expect(fake.callsTo('runs.artifactPreview')).toEqual([{ runId: runId(1), path: 'notes.txt' }]);

    fireEvent.click(within(section).getByTestId('artifact-eval/predictions.csv'));
    await waitFor(() => expect(within(section).getByTestId('artifact-preview').dataset.kind).toBe('table'));
    preview = within(section).getByTestId('artifact-preview');
    expect(within(preview).getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['id', 'score']);
    expect(within(preview).getAllByRole('row')).toHaveLength(3);

    fireEvent.click(within(section).getByTestId('artifact-roc.png'));
    const image = (await within(section).findByRole('img', { name: 'roc.png' })) as HTMLImageElement;
    expect(image.getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=');

    fireEvent.click(within(section).getByTestId('artifact-model.tar.gz'));
    await waitFor(() => expect(within(section).getByTestId('artifact-preview').dataset.kind).toBe('archive'));
    expect(within(section).getByTestId('artifact-preview').textContent).toContain('xgboost-model 1.4 MiB');

    fireEvent.click(within(section).getByTestId('artifact-weights.bin'));
    await waitFor(() => expect(within(section).getByTestId('artifact-preview').textContent).toContain('Binary file (no preview).'));
    expect(within(section).getByTestId('artifact-weights.bin').getAttribute('aria-pressed')).toBe('true');
  });

  it('explains how to log artifacts when there are none, and shows a listing error', async () => {
    const empty = bridge({ 'runs.artifacts': ({ runId: id }) => ok({ runId: id, root: '/tmp/a', entries: [], truncated: false }) });
    await openPane(empty);
    act(() => void useExperimentsStore.getState().openRun(runId(1)));
    expect((await screen.findByTestId('artifacts-empty', {}, { timeout: 10_000 })).textContent).toBe(
      'No artifacts — log them with lathe.tracking.log_artifact(path) or mlflow.log_artifact',
    );
    resetRenderer();
    useExperimentsStore.setState(useExperimentsStore.getInitialState(), true);
    await openPane(bridge({ 'runs.artifacts': () => fail('unavailable', 'The artifact folder /tmp/a cannot be read.') }));
    act(() => void useExperimentsStore.getState().openRun(runId(1)));
    const section = await screen.findByTestId('run-artifacts', {}, { timeout: 10_000 });
    expect((await within(section).findByRole('alert')).textContent).toContain('The artifact folder /tmp/a cannot be read.');
  });

  it('applies the chart options to every chart of the run', async () => {
    await openRun();
    const auc = await screen.findByTestId('run-metric-chart-auc', {}, { timeout: 10_000 });
    expect(auc.dataset.mode).toBe('buckets');
    expect(auc.dataset.log).toBe('false');
    const toolbar = screen.getByTestId('chart-options');
    fireEvent.click(within(toolbar).getByRole('radio', { name: 'Time' }));
    fireEvent.click(within(toolbar).getByRole('checkbox', { name: 'Log scale' }));
    fireEvent.change(within(toolbar).getByRole('slider', { name: 'Smoothing' }), { target: { value: '0.9' } });
    for (const key of ['auc', 'loss']) {
      const chart = screen.getByTestId(`run-metric-chart-${key}`);
      expect([chart.dataset.xAxis, chart.dataset.log, chart.dataset.smoothing]).toEqual(['time', 'true', '0.9']);
    }
    // The envelope stays in every mode.
    expect(screen.getByTestId('run-metric-chart-auc').dataset.mode).toBe('buckets');
    expect(useChartOptionsStore.getState()).toMatchObject({ xAxis: 'time', logScale: true, smoothing: 0.9 });
  });
});

const OPTIONS: ChartOptions = DEFAULT_CHART_OPTIONS;

describe('chartMath', () => {
  it.each([
    { name: 'off returns the values', values: [1, 2, 3], weight: 0, expected: [1, 2, 3] },
    { name: 'first value is not pulled to 0 (debiased)', values: [10], weight: 0.9, expected: [10] },
    { name: 'debiased EMA', values: [0, 1], weight: 0.5, expected: [0, 2 / 3] },
    { name: 'gaps stay gaps and do not advance', values: [2, null, 4], weight: 0.5, expected: [2, null, (0.5 * 2 * 0.5 + 0.5 * 4) / (1 - 0.25)] },
    { name: 'constant series unchanged', values: [0.3, 0.3, 0.3], weight: 0.99, expected: [0.3, 0.3, 0.3] },
    { name: 'all gaps', values: [null, null], weight: 0.5, expected: [null, null] },
  ])('emaSmooth: $name', ({ values, weight, expected }) => {
    const smoothed = emaSmooth(values, weight);
    expect(smoothed).toHaveLength(expected.length);
    smoothed.forEach((value, i) => (expected[i] === null ? expect(value).toBeNull() : expect(value).toBeCloseTo(expected[i]!, 10)));
  });

  it.each([
    [-1, 0],
    [Number.NaN, 0],
    [0.5, 0.5],
    [1, 0.99],
  ])('clampSmoothing(%s) = %s', (input, expected) => expect(clampSmoothing(input)).toBe(expected));

  it('places buckets at their step, or at seconds since the first point, keeping the envelope', () => {
    expect(plotSeries(BUCKETS, OPTIONS).rows.map((r) => [r.x, r.value, r.min, r.max])).toEqual([
      [4.5, 0.6, 0.5, 0.99],
      [14.5, 0.7, 0.6, 0.7],
    ]);
    const timed = plotSeries(BUCKETS, { ...OPTIONS, xAxis: 'time', smoothing: 0.5 });
    expect(timed.rows.map((r) => [r.x, r.band])).toEqual([
      [4.5, [0.5, 0.99]],
      [14.5, [0.6, 0.7]],
    ]);
    expect(timed.rows[1]!.smooth).toBeCloseTo((0.25 * 0.6 + 0.5 * 0.7) / 0.75);
  });

  it('sorts points by time and hides values ≤ 0 on a log scale, with a note', () => {
    const series = plotSeries(
      {
        key: 'm',
        total: 4,
        points: [
          { step: 0, timestamp: T0 + 3000, value: 2 },
          { step: 1, timestamp: T0, value: 0 },
          { step: 2, timestamp: T0 + 1500, value: 'NaN' },
          { step: 3, timestamp: T0 + 2000, value: -1 },
        ],
      },
      { xAxis: 'time', logScale: true, smoothing: 0 },
    );
    expect(series.rows.map((r) => [r.x, r.value])).toEqual([
      [0, null],
      [1.5, null],
      [2, null],
      [3, 2],
    ]);
    expect(series.hiddenByLog).toBe(2);
    expect(hiddenNote(series)).toBe('1 not finite (NaN or ±Infinity), not drawn · 2 ≤ 0, not drawn on the log scale');
  });

  it.each([
    [12, 'step', '12'],
    [2.5, 'time', '2.5s'],
    [42, 'time', '42s'],
    [65, 'time', '1m 05s'],
    [7322, 'time', '2h 02m'],
  ] as const)('formatX(%s, %s) = %s', (x, mode, expected) => expect(formatX(x, mode)).toBe(expected));
});

describe('compare helpers', () => {
  it('diffs params, a missing one differing from any value', () => {
    expect(paramDiff([{ params: { a: '1', b: 'x' } }, { params: { a: '1', c: '' } }])).toEqual([
      { key: 'a', values: ['1', '1'], differs: false },
      { key: 'b', values: ['x', undefined], differs: true },
      { key: 'c', values: [undefined, ''], differs: true },
    ]);
  });

  it.each([
    { name: 'up', baseline: 0.9, value: 0.95, expected: '+0.05 (+5.56%)', direction: 'up' },
    { name: 'down', baseline: 0.4, value: 0.2, expected: '-0.2 (-50%)', direction: 'down' },
    { name: 'same', baseline: 3, value: 3, expected: '0 (0%)', direction: 'same' },
    { name: 'negative baseline', baseline: -2, value: -1, expected: '+1 (+50%)', direction: 'up' },
    { name: 'baseline 0', baseline: 0, value: 3, expected: '+3 (— %)', direction: 'up' },
  ] as const)('metricDelta: $name', ({ baseline, value, expected, direction }) => {
    const delta = metricDelta(baseline, value)!;
    expect(formatDelta(delta)).toBe(expected);
    expect(delta.direction).toBe(direction);
  });

  it.each([
    ['NaN baseline', 'NaN', 1],
    ['NaN value', 1, 'NaN'],
    ['infinite value', 1, 'Infinity'],
    ['missing value', 1, undefined],
    ['missing baseline', null, 1],
  ] as const)('metricDelta is null for a %s', (_, baseline, value) => expect(metricDelta(baseline, value)).toBeNull());

  it('gives every later run a delta to the first', () => {
    const rows = metricCompareRows([{ metrics: [metric('auc', 0.5)] }, { metrics: [metric('auc', 0.75), metric('f1', 1)] }, { metrics: [] }]);
    expect(rows.map((r) => r.key)).toEqual(['auc', 'f1']);
    expect(rows[0]!.cells.map((c) => c.delta && formatDelta(c.delta))).toEqual([null, '+0.25 (+50%)', null]);
    expect(rows[1]!.cells.map((c) => c.summary?.last ?? null)).toEqual([null, 1, null]);
  });

  it('builds parallel axes from varying numeric and categorical params plus the metric', () => {
    const runs: Array<Pick<Run, 'params' | 'metrics'>> = [
      { params: { eta: '0.1', booster: 'gbtree', seed: '1', path: 'x'.repeat(50) }, metrics: [metric('auc', 0.8)] },
      { params: { eta: '0.3', booster: 'dart', seed: '1', path: 'y'.repeat(50) }, metrics: [metric('auc', 'NaN')] },
      { params: { booster: 'gbtree', seed: '1', path: 'z' }, metrics: [metric('auc', 0.9)] },
    ];
    const axes = parallelAxes(runs, 'auc');
    expect(axes.map((a) => `${a.key}:${a.kind}`)).toEqual(['booster:categorical', 'eta:numeric', 'auc:numeric']);
    expect(axes.map((a) => [0, 1, 2].map((i) => axisFraction(a, i)))).toEqual([
      [1, 0, 1],
      [0, 1, null],
      [0, null, 1],
    ]);
    const layout = parallelLayout(axes, 3, { width: 300, height: 120, top: 10, right: 50, bottom: 10, left: 50 });
    expect(layout.axisX).toEqual([50, 150, 250]);
    expect(polylinePath(layout.lines[1]!)).toBe('M50 110L150 10');
    expect(polylinePath(layout.lines[2]!)).toBe('M50 10M250 10');
    expect(parallelAxes([{ params: { a: '1' }, metrics: [] }], null)).toEqual([]);
  });

  it('colours from blue (low) to red (high), grey when missing', () => {
    expect(metricColor(0)).toBe('hsl(220 75% 45%)');
    expect(metricColor(1)).toBe('hsl(20 75% 45%)');
    expect(metricColor(null)).toBe('var(--fg-muted)');
  });

  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [10 * 1024 * 1024, '10 MiB'],
    [3 * 1024 ** 3, '3 GiB'],
  ])('formatBytes(%s) = %s', (bytes, expected) => expect(formatBytes(bytes)).toBe(expected));
});
