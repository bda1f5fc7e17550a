import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Run } from '../../main/contract/experiments';
import { fail, ok } from '../../main/contract/result';
import { useCompareStore } from '../../renderer/state/compareStore';
import { useExperimentsStore } from '../../renderer/state/experimentsStore';
import { cells, experiment, experimentsBridge, headers, metric, openExperiments, rowNames, run, runId, RUNS } from './experimentsFixtures';
import { resetRenderer } from './harness';

afterEach(() => {
  resetRenderer();
  useExperimentsStore.setState(useExperimentsStore.getInitialState(), true);
  useCompareStore.setState(useCompareStore.getInitialState(), true);
  window.localStorage.clear();
});

function checkbox(name: string): HTMLInputElement {
  return screen.getByRole('checkbox', { name }) as HTMLInputElement;
}

describe('Runs table: columns chooser', () => {
  it('adds a tag column and a metric min column, removes a param column, sorts by them, and remembers the choice', async () => {
    await openExperiments(experimentsBridge());
    await screen.findByTestId('runs-table', {}, { timeout: 10_000 });
    const button = screen.getByRole('button', { name: 'Columns' });
    fireEvent.click(button);
    const chooser = screen.getByRole('dialog', { name: 'Choose columns' });
    expect(document.activeElement).toBe(within(chooser).getByLabelText('Find columns'));
    fireEvent.click(within(chooser).getByRole('checkbox', { name: 'tag lathe.job' }));
    fireEvent.click(within(chooser).getByRole('checkbox', { name: 'auc min' }));
    fireEvent.click(within(chooser).getByRole('checkbox', { name: 'param eta' }));
    expect(headers()).toEqual(['Run', 'Status', 'Started', 'Duration', 'auc', 'auc (min)', 'loss', 'max_depth', 'lathe.job']);
    expect(cells('xgb-a').map((td) => td.textContent).slice(4)).toEqual(['0.9', '0.5', 'NaN', '10', 'xgb-a']);
    expect(JSON.parse(window.localStorage.getItem('lathe.runs.columns.1')!)).toEqual({ shown: ['tag:lathe.job', 'metric.min:auc'], hidden: ['param:eta'] });

    // Escape closes it and gives focus back to the button.
    fireEvent.keyDown(within(chooser).getByRole('checkbox', { name: 'auc min' }), { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: 'Choose columns' })).toBeNull();
    expect(document.activeElement).toBe(button);

    const table = screen.getByTestId('runs-table');
    // Mins: xgb-a 0.5, xgb-b 0.6, xgb-c 0.85.
    fireEvent.click(within(table).getByRole('button', { name: 'auc (min)' }));
    expect(rowNames()).toEqual(['xgb-a', 'xgb-b', 'xgb-c']);
    fireEvent.click(within(table).getByRole('button', { name: /auc \(min\)/ }));
    expect(rowNames()).toEqual(['xgb-c', 'xgb-b', 'xgb-a']);
    fireEvent.click(within(table).getByRole('button', { name: 'lathe.job' }));
    expect(rowNames()).toEqual(['xgb-a', 'xgb-b', 'xgb-c']);

    // Back to this experiment later: the same columns.
    await act(() => useExperimentsStore.getState().select('1'));
    expect(headers()).toEqual(['Run', 'Status', 'Started', 'Duration', 'auc', 'auc (min)', 'loss', 'max_depth', 'lathe.job']);
  });
});

describe('Runs table: filter expression', () => {
  it('sends the filter to runs.search on Enter, shows an invalid one under the box keeping the rows, and reloads all when cleared', async () => {
    const bridge = await openExperiments(
      experimentsBridge(RUNS, {
        'runs.search': ({ filter }) => {
          if (filter === undefined) return ok({ runs: RUNS });
          if (filter === 'metrics.auc > 0.9') return ok({ runs: [RUNS[1]!] });
          return fail('invalid-argument', "Invalid filter 'metrics.auc >>': expected a value after '>' at character 13");
        },
      }),
    );
    await screen.findByTestId('run-row-xgb-a', {}, { timeout: 10_000 });
    const input = screen.getByRole('searchbox', { name: 'Filter' });
    expect(input.getAttribute('placeholder')).toBe("metrics.auc > 0.9 and params.max_depth = '5'");
    fireEvent.change(input, { target: { value: 'metrics.auc > 0.9' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(rowNames()).toEqual(['xgb-b']));
    expect(bridge.callsTo('runs.search').at(-1)).toEqual({ experimentIds: ['1'], maxResults: 50_000, filter: 'metrics.auc > 0.9' });

    fireEvent.change(input, { target: { value: 'metrics.auc >>' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    const alert = await screen.findByText("Invalid filter 'metrics.auc >>': expected a value after '>' at character 13");
    expect(alert.getAttribute('role')).toBe('alert');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(rowNames()).toEqual(['xgb-b']);

    fireEvent.change(input, { target: { value: '' } });
    await waitFor(() => expect(rowNames()).toEqual(['xgb-c', 'xgb-b', 'xgb-a']));
    expect(bridge.callsTo('runs.search').at(-1)).toEqual({ experimentIds: ['1'], maxResults: 50_000 });
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('Runs table: group by a param', () => {
  const GROUPED = [
    run(1, 'g1', [metric('auc', 0.8), metric('loss', 1)], { booster: 'gbtree' }),
    run(2, 'g2', [metric('auc', 0.9), metric('loss', 3)], { booster: 'gbtree' }),
    run(3, 'g3', [metric('auc', 'NaN'), metric('loss', 'Infinity')], { booster: 'gbtree' }),
    run(4, 'd1', [metric('auc', 0.5), metric('loss', 2)], { booster: 'dart' }),
    run(5, 'n1', [metric('auc', 0.7)], {}),
  ];

  it('shows a header per value with its run count and mean ± population std per metric, and folds a group', async () => {
    await openExperiments(experimentsBridge(GROUPED));
    await screen.findByTestId('runs-table', {}, { timeout: 10_000 });
    fireEvent.change(screen.getByRole('combobox', { name: 'Group by' }), { target: { value: 'booster' } });
    const groupCells = (value: string) => within(screen.getByTestId(`group-row-${value}`)).getAllByRole('cell').map((td) => td.textContent);
    // Columns: checkbox, Run, Status, Started, Duration, auc, loss, booster.
    expect(groupCells('gbtree').slice(5, 7)).toEqual(['0.85 ± 0.05', '2 ± 1']);
    expect(groupCells('dart').slice(5, 7)).toEqual(['0.5 ± 0', '2 ± 0']);
    expect(groupCells('(not set)').slice(5, 7)).toEqual(['0.7 ± 0', '']);
    const auc = within(screen.getByTestId('group-row-gbtree')).getAllByRole('cell')[5]!;
    expect(auc.title).toBe('mean ± population standard deviation (σ, divides by n) of 2 finite values');
    // Groups in value order, runs without the param last; each group keeps the sort (newest first).
    expect(rowNames()).toEqual(['d1', 'g3', 'g2', 'g1', 'n1']);
    expect(screen.getByTestId('runs-table').getAttribute('aria-rowcount')).toBe('9');

    const toggle = screen.getByRole('button', { name: 'booster = gbtree, 3 runs' });
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(toggle);
    expect(rowNames()).toEqual(['d1', 'n1']);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(rowNames()).toEqual(['d1', 'g3', 'g2', 'g1', 'n1']);
  });
});

describe('Runs table: selection and compare', () => {
  it('selects rows by checkbox and Space, selects all visible from the header, and opens the comparison in table order', async () => {
    await openExperiments(experimentsBridge());
    await screen.findByTestId('run-row-xgb-a', {}, { timeout: 10_000 });
    const compare = () => screen.getByRole('button', { name: /^Compare/ }) as HTMLButtonElement;
    expect(compare().textContent).toBe(' Compare (0)');
    fireEvent.click(checkbox('Select run xgb-a'));
    expect(compare().disabled).toBe(true);
    const row = screen.getByTestId('run-row-xgb-c');
    row.focus();
    fireEvent.keyDown(row, { key: ' ' });
    expect(checkbox('Select run xgb-c').checked).toBe(true);
    expect(compare().disabled).toBe(false);
    expect(compare().textContent).toBe(' Compare (2)');
    fireEvent.click(compare());
    // Newest first: xgb-c, then xgb-a.
    expect(useCompareStore.getState().runIds).toEqual([runId(3), runId(1)]);
  });

  it('refuses to compare more than 50 runs at once, saying so', async () => {
    const many = Array.from({ length: 60 }, (_, i) => run(i + 1, `r-${i}`, [metric('auc', i / 60)]));
    await openExperiments(experimentsBridge(many));
    await screen.findByTestId('run-row-r-59', {}, { timeout: 10_000 });
    fireEvent.click(checkbox('Select all visible runs'));
    const compare = screen.getByRole('button', { name: /^Compare/ }) as HTMLButtonElement;
    expect(compare.textContent).toBe(' Compare (60)');
    expect(compare.disabled).toBe(true);
    expect(compare.title).toBe('Compare takes at most 50 runs: 60 are selected');
  });

  it('selects every visible run with the header checkbox', async () => {
    await openExperiments(experimentsBridge());
    await screen.findByTestId('run-row-xgb-a', {}, { timeout: 10_000 });
    fireEvent.change(screen.getByLabelText('Filter runs by name'), { target: { value: 'xgb-a' } });
    fireEvent.click(checkbox('Select all visible runs'));
    fireEvent.change(screen.getByLabelText('Filter runs by name'), { target: { value: '' } });
    expect(rowNames().filter((name) => checkbox(`Select run ${name}`).checked)).toEqual(['xgb-a']);
    fireEvent.click(checkbox('Select all visible runs'));
    expect(screen.getByTestId('runs-selected').textContent).toBe('3 selected');
  });
});

describe('Runs table: delete, trash, restore, purge', () => {
  it('soft-deletes selected runs, shows the trash, restores and purges after an inline confirm', async () => {
    const deleted: Run = { ...RUNS[0]!, info: { ...RUNS[0]!.info, lifecycleStage: 'deleted' } };
    const bridge = await openExperiments(
      experimentsBridge(RUNS, {
        'runs.search': ({ lifecycle }) => ok({ runs: lifecycle === 'deleted' ? [deleted] : RUNS.slice(1) }),
        'runs.delete': ({ runIds }) => ok({ runs: runIds.length }),
        'runs.restore': ({ runIds }) => ok({ runs: runIds.length }),
        'runs.purge': ({ runIds }) => ok({ runs: runIds.length, bytesFreed: 1024 }),
      }),
    );
    await screen.findByTestId('run-row-xgb-b', {}, { timeout: 10_000 });
    fireEvent.click(checkbox('Select run xgb-b'));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(bridge.callsTo('runs.delete')).toEqual([{ runIds: [runId(2)] }]));
    await waitFor(() => expect(bridge.callsTo('runs.search')).toHaveLength(2));

    fireEvent.click(checkbox('Show deleted runs'));
    await screen.findByTestId('run-row-xgb-a');
    expect(bridge.callsTo('runs.search').at(-1)).toEqual({ experimentIds: ['1'], maxResults: 50_000, lifecycle: 'deleted' });
    expect(screen.getByTestId('runs-count').textContent).toBe('1 deleted runs');
    expect(screen.queryByRole('button', { name: /^Compare/ })).toBeNull();

    fireEvent.click(checkbox('Select run xgb-a'));
    fireEvent.click(screen.getByRole('button', { name: 'Restore' }));
    await waitFor(() => expect(bridge.callsTo('runs.restore')).toEqual([{ runIds: [runId(1)] }]));

    fireEvent.click(await screen.findByRole('checkbox', { name: 'Select run xgb-a' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete forever' }));
    const really = screen.getByRole('button', { name: 'Really delete 1 run forever?' });
    expect(document.activeElement).toBe(really);
    fireEvent.keyDown(really, { key: 'Escape' });
    expect(screen.queryByRole('button', { name: /^Really/ })).toBeNull();
    expect(bridge.callsTo('runs.purge')).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Delete forever' }));
    fireEvent.click(screen.getByRole('button', { name: 'Really delete 1 run forever?' }));
    await waitFor(() => expect(bridge.callsTo('runs.purge')).toEqual([{ runIds: [runId(1)] }]));
  });

  it('deletes an experiment (not Default), lists deleted ones, restores and purges them', async () => {
    const bridge = await openExperiments(
      experimentsBridge(RUNS, {
        'experiments.list': ({ includeDeleted }) =>
          ok({ experiments: [experiment('1', 'fraud', 3), experiment('0', 'Default', 0), ...(includeDeleted ? [experiment('2', 'old', 4, 'deleted'), experiment('3', 'older', 1, 'deleted')] : [])] }),
        'experiments.delete': ({ experimentId }) => ok({ ...experiment(experimentId, 'fraud', 3), lifecycleStage: 'deleted' }),
        'experiments.restore': ({ experimentId }) => ok(experiment(experimentId, 'old', 4)),
        'experiments.purge': () => ok({ runs: 1, bytesFreed: 0 }),
      }),
    );
    await screen.findByTestId('experiments-list', {}, { timeout: 10_000 });
    expect(screen.queryByRole('button', { name: 'Delete experiment Default' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Delete experiment fraud' }));
    await waitFor(() => expect(bridge.callsTo('experiments.delete')).toEqual([{ experimentId: '1' }]));

    fireEvent.click(checkbox('Show deleted experiments'));
    const deleted = await screen.findByTestId('deleted-experiments');
    expect(bridge.callsTo('experiments.list').at(-1)).toEqual({ includeDeleted: true });
    expect(within(deleted).getByTestId('deleted-experiment-old').textContent).toContain('4 runs');
    fireEvent.click(within(deleted).getByRole('button', { name: 'Restore experiment old' }));
    await waitFor(() => expect(bridge.callsTo('experiments.restore')).toEqual([{ experimentId: '2' }]));

    fireEvent.click(within(deleted).getByRole('button', { name: 'Delete experiment older forever' }));
    fireEvent.click(within(deleted).getByRole('button', { name: 'Really delete older forever?' }));
    await waitFor(() => expect(bridge.callsTo('experiments.purge')).toEqual([{ experimentId: '3' }]));
  });
});

describe('Runs table: live updates', () => {
  it('reloads the runs and the counts on experiments.changed, keeping the rows mounted and the selection', async () => {
    let runs = RUNS;
    const bridge = await openExperiments(experimentsBridge(RUNS, { 'runs.search': () => ok({ runs }) }));
    await screen.findByTestId('run-row-xgb-a', {}, { timeout: 10_000 });
    fireEvent.click(checkbox('Select run xgb-a'));
    const scroller = screen.getByTestId('runs-scroller');
    const listCalls = bridge.callsTo('experiments.list').length;
    runs = [...RUNS, run(4, 'xgb-d', [metric('auc', 0.99)], { max_depth: '3', eta: '0.5' })];
    act(() => bridge.emit('experiments.changed', { experimentId: '1' }));
    await waitFor(() => expect(rowNames()).toEqual(['xgb-d', 'xgb-c', 'xgb-b', 'xgb-a']), { timeout: 3000 });
    expect(bridge.callsTo('runs.search')).toHaveLength(2);
    expect(bridge.callsTo('experiments.list').length).toBe(listCalls + 1);
    expect(screen.getByTestId('runs-scroller')).toBe(scroller);
    expect(checkbox('Select run xgb-a').checked).toBe(true);
  });
});
