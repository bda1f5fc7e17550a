import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Run, RunDetail } from '../../main/contract/experiments';
import { ok } from '../../main/contract/result';
import type { RequestOf } from '../../main/contract/schemas';
import { lineageChains, visibleRuns, windowRange } from '../../renderer/panes/experiments/runsTable';
import { useExperimentsStore } from '../../renderer/state/experimentsStore';
import { cells, experimentsBridge, headers, metric, openExperiments, rowNames, run, runId, RUNS, T0 } from './experimentsFixtures';
import { FakeBridge } from './fakeBridge';
import { resetRenderer } from './harness';

afterEach(() => {
  resetRenderer();
  useExperimentsStore.setState(useExperimentsStore.getInitialState(), true);
  window.localStorage.clear();
});

describe('Experiments pane: list', () => {
  it('lists experiments with their run counts and selects the most recently updated', async () => {
    const bridge = await openExperiments(experimentsBridge());
    const list = await screen.findByTestId('experiments-list', {}, { timeout: 10_000 });
    expect(within(list).getAllByTestId(/^experiment-/).map((b) => b.textContent)).toEqual(['fraud3 runs', 'Default0 runs']);
    await screen.findByTestId('run-row-xgb-a');
    expect(bridge.callsTo('runs.search')).toEqual([{ experimentIds: ['1'], maxResults: 500 }]);
    // The experiment shown already: its runs stay, nothing is fetched again.
    fireEvent.click(within(list).getByText('fraud'));
    expect(screen.getByTestId('run-row-xgb-a')).toBeTruthy();
    expect(bridge.callsTo('runs.search')).toHaveLength(1);
    fireEvent.click(within(list).getByText('Default'));
    expect(await screen.findByText('This experiment has no runs yet.')).toBeTruthy();
  });

  it('explains where experiments come from when there are none', async () => {
    await openExperiments(new FakeBridge());
    const empty = await screen.findByTestId('experiments-empty', {}, { timeout: 10_000 });
    expect(empty.textContent).toBe('No experiments yet — every training job is recorded as a run of its experiment; scripts log with import lathe.tracking');
    expect(screen.queryByTestId('runs-table')).toBeNull();
  });
});

describe('Experiments pane: runs table', () => {
  it('shows a column per metric (last value, min/max in the title) and per param, and NaN as NaN', async () => {
    await openExperiments(experimentsBridge());
    await screen.findByTestId('runs-table', {}, { timeout: 10_000 });
    expect(headers()).toEqual(['Run', 'Status', 'Started', 'Duration', 'auc', 'loss', 'eta', 'max_depth']);
    const a = cells('xgb-a').map((td) => td.textContent);
    expect(a[0]).toBe('xgb-a');
    expect(a[1]).toBe('Completed');
    expect(a[3]).toBe('1m 05s');
    expect(a.slice(4)).toEqual(['0.9', 'NaN', '0.3', '10']);
    expect(cells('xgb-a')[4]!.title).toContain('min 0.5 · max 0.93');
    expect(cells('xgb-c')[5]!.textContent).toBe('Infinity');
  });

  it('sorts by a metric, by a param numerically, and filters by run name', async () => {
    await openExperiments(experimentsBridge());
    const table = await screen.findByTestId('runs-table', {}, { timeout: 10_000 });
    // Newest start first by default.
    expect(rowNames()).toEqual(['xgb-c', 'xgb-b', 'xgb-a']);
    fireEvent.click(within(table).getByRole('button', { name: 'auc' }));
    expect(rowNames()).toEqual(['xgb-c', 'xgb-a', 'xgb-b']);
    fireEvent.click(within(table).getByRole('button', { name: /auc/ }));
    expect(rowNames()).toEqual(['xgb-b', 'xgb-a', 'xgb-c']);
    // 9 < 10 < 100, not "10" < "100" < "9".
    fireEvent.click(within(table).getByRole('button', { name: 'max_depth' }));
    expect(rowNames()).toEqual(['xgb-b', 'xgb-a', 'xgb-c']);
    // NaN sorts last either way.
    fireEvent.click(within(table).getByRole('button', { name: 'loss' }));
    expect(rowNames()).toEqual(['xgb-b', 'xgb-c', 'xgb-a']);
    fireEvent.change(screen.getByLabelText('Filter runs by name'), { target: { value: 'C' } });
    expect(rowNames()).toEqual(['xgb-c']);
    expect(screen.getByTestId('runs-count').textContent).toBe('1 of 3 runs');
  });

  it('renders only the rows in view when given 10,000 runs, and others on scroll', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => run(i + 1, `run-${String(i).padStart(5, '0')}`, [metric('auc', i / 10_000)], { seed: String(i) }));
    await openExperiments(experimentsBridge(many));
    const table = await screen.findByTestId('runs-table', {}, { timeout: 10_000 });
    fireEvent.click(within(table).getByRole('button', { name: 'Run' }));
    const rendered = rowNames();
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered.length).toBeLessThan(100);
    expect(rendered[0]).toBe('run-00000');
    expect(table.getAttribute('aria-rowcount')).toBe('10001');
    const scroller = screen.getByTestId('runs-scroller');
    expect(table.parentElement).toBe(scroller);
    scroller.scrollTop = 5000 * 30;
    fireEvent.scroll(scroller);
    await waitFor(() => expect(rowNames()).toContain('run-05000'));
    expect(rowNames().length).toBeLessThan(100);
    expect(screen.queryByTestId('run-row-run-00000')).toBeNull();
  });
});

describe('Experiments pane: a large experiment', () => {
  it('shows the newest 500 runs at once, then all of them when the rest arrives', async () => {
    const many = Array.from({ length: 1200 }, (_, i) => run(i + 1, `run-${String(i).padStart(5, '0')}`, [metric('auc', i / 1200)]));
    const newestFirst = [...many].reverse();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const bridge = experimentsBridge(many, {
      'runs.search': async ({ maxResults, pageToken }) => {
        const from = pageToken ? Number(pageToken) : 0;
        if (from > 0) await gate;
        const size = maxResults ?? 1000;
        const page = newestFirst.slice(from, from + size);
        return ok(from + size < newestFirst.length ? { runs: page, nextPageToken: String(from + size) } : { runs: page });
      },
    });
    await openExperiments(bridge);
    await screen.findByTestId('run-row-run-01199', {}, { timeout: 10_000 });
    expect(screen.getByTestId('runs-count').textContent).toBe('500 runs so far, loading the rest…');
    release();
    await waitFor(() => expect(screen.getByTestId('runs-count').textContent).toBe('1200 runs'));
    expect(bridge.callsTo('runs.search')).toEqual([
      { experimentIds: ['1'], maxResults: 500 },
      { experimentIds: ['1'], maxResults: 49_500, pageToken: '500' },
    ]);
  });

  it('says only the newest runs are shown when a bad filter cuts the rest short', async () => {
    const many = Array.from({ length: 1200 }, (_, i) => run(i + 1, `run-${String(i).padStart(5, '0')}`, [metric('auc', i / 1200)]));
    const newestFirst = [...many].reverse();
    const bridge = experimentsBridge(many, {
      'runs.search': async ({ maxResults, pageToken, filter }) => {
        if (filter) return { ok: false, error: { code: 'invalid-argument', message: 'Invalid filter "metrics.auc >> 1" near ">> 1"' } };
        const from = pageToken ? Number(pageToken) : 0;
        if (from > 0) await new Promise(() => undefined); // the rest never comes before the filter
        return ok({ runs: newestFirst.slice(0, maxResults ?? 1000), nextPageToken: '500' });
      },
    });
    await openExperiments(bridge);
    await screen.findByTestId('run-row-run-01199', {}, { timeout: 10_000 });
    const box = screen.getByRole('searchbox', { name: 'Filter' });
    fireEvent.change(box, { target: { value: 'metrics.auc >> 1' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(await screen.findByText('Only the newest 500 runs are shown: the rest could not be loaded')).toBeTruthy();
    expect(screen.getByTestId('runs-count').textContent).toBe('500 runs');
  });
});

function detailOf(base: Run): RunDetail {
  return {
    ...base,
    lineage: [
      { from: { kind: 'training-job', id: 'xgb-a' }, to: { kind: 'model-artifact', id: 's3://lathe/models/xgb-a/model.tar.gz' }, relation: 'produced' },
      { from: { kind: 'dataset', id: 's3://lathe/data/train.csv' }, to: { kind: 'training-job', id: 'xgb-a' }, relation: 'input' },
    ],
  };
}

describe('Experiments pane: run detail', () => {
  it('opens on click with params, tags, metrics (NaN kept), charts from width-800 histories, and lineage; Esc closes', async () => {
    const bridge = await openExperiments(
      experimentsBridge(RUNS, {
        'runs.get': () => ok(detailOf(RUNS[0]!)),
        'runs.metricHistory': ({ key }: RequestOf<'runs.metricHistory'>) =>
          key === 'auc'
            ? ok({
                key,
                total: 5000,
                buckets: [
                  { x: 0, minX: 0, maxX: 9, min: 0.5, max: 0.99, first: { step: 0, timestamp: T0, value: 0.5 }, last: { step: 9, timestamp: T0, value: 0.6 }, count: 10, nonFinite: 0 },
                  { x: 10, minX: 10, maxX: 19, min: 0.6, max: 0.7, first: { step: 10, timestamp: T0, value: 0.6 }, last: { step: 19, timestamp: T0, value: 'NaN' }, count: 10, nonFinite: 1 },
                ],
              })
            : ok({ key, total: 2, points: [{ step: 0, timestamp: T0, value: 1 }, { step: 1, timestamp: T0, value: 'NaN' }] }),
      }),
    );
    fireEvent.click(await screen.findByTestId('run-row-xgb-a', {}, { timeout: 10_000 }));
    const detail = await screen.findByTestId('run-detail');
    await waitFor(() => expect(within(detail).getByTestId('run-params').textContent).toContain('max_depth10'));
    expect(within(detail).getByTestId('run-params').textContent).toContain('eta0.3');
    expect(within(detail).getByTestId('run-tags').textContent).toContain('lathe.jobxgb-a');
    const loss = within(within(detail).getByTestId('run-metrics')).getByText('loss').closest('tr')!;
    expect(loss.textContent).toContain('NaN');
    expect(bridge.callsTo('runs.get')).toEqual([{ runId: runId(1) }]);
    expect(bridge.callsTo('runs.metricHistory')).toEqual([
      { runId: runId(1), key: 'auc', width: 800 },
      { runId: runId(1), key: 'loss', width: 800 },
    ]);
    const auc = await screen.findByTestId('run-metric-chart-auc', {}, { timeout: 10_000 });
    expect(auc.dataset.mode).toBe('buckets');
    expect(auc.dataset.rows).toBe('2');
    expect(auc.textContent).toContain('1 not finite');
    const lossChart = await screen.findByTestId('run-metric-chart-loss');
    expect(lossChart.dataset.mode).toBe('points');
    expect(within(detail).getByTestId('run-lineage').textContent).toBe('dataset s3://lathe/data/train.csv → training-job xgb-a → model-artifact s3://lathe/models/xgb-a/model.tar.gz');
    fireEvent.keyDown(detail, { key: 'Escape' });
    expect(screen.queryByTestId('run-detail')).toBeNull();
    expect(screen.getByTestId('runs-table')).toBeTruthy();
  });

  it('opens a focused row with Enter', async () => {
    const bridge = await openExperiments(experimentsBridge(RUNS, { 'runs.get': () => ok(detailOf(RUNS[1]!)) }));
    const row = await screen.findByTestId('run-row-xgb-b', {}, { timeout: 10_000 });
    expect(row.tabIndex).toBe(0);
    row.focus();
    fireEvent.keyDown(row, { key: 'Enter' });
    expect(await screen.findByTestId('run-detail')).toBeTruthy();
    await waitFor(() => expect(bridge.callsTo('runs.get')).toEqual([{ runId: runId(2) }]));
    await act(async () => {});
  });
});

describe('Experiments helpers', () => {
  it('windows a fixed-height list with overscan', () => {
    expect(windowRange(0, 600, 30, 10_000, 8)).toEqual({ start: 0, end: 28 });
    expect(windowRange(3000, 600, 30, 10_000, 8)).toEqual({ start: 92, end: 128 });
    // Scrolled past the end of a list that shrank: still its last rows.
    expect(windowRange(1e9, 600, 30, 10, 8)).toEqual({ start: 0, end: 10 });
    expect(windowRange(1e9, 600, 30, 100, 8)).toEqual({ start: 72, end: 100 });
  });

  it('keeps -Infinity below numbers and NaN last', () => {
    const runs = [run(1, 'a', [metric('m', 'NaN')]), run(2, 'b', [metric('m', '-Infinity')]), run(3, 'c', [metric('m', 3)]), run(4, 'd', [])];
    expect(visibleRuns(runs, '', { column: 'metric:m', descending: false }, 0).map((r) => r.info.runName)).toEqual(['b', 'c', 'a', 'd']);
    expect(visibleRuns(runs, '', { column: 'metric:m', descending: true }, 0).map((r) => r.info.runName)).toEqual(['c', 'b', 'a', 'd']);
  });

  it('lists edges that do not chain on their own', () => {
    const chains = lineageChains([
      { from: { kind: 'dataset', id: 'x' }, to: { kind: 'run', id: 'r' }, relation: 'input' },
      { from: { kind: 'dataset', id: 'y' }, to: { kind: 'run', id: 'r' }, relation: 'input' },
    ]);
    expect(chains.map((c) => c.map((n) => n.id).join('>'))).toEqual(['x>r', 'y>r']);
  });
});
