import { fireEvent, screen, within } from '@testing-library/react';
import type { Experiment, MetricSummary, Run } from '../../main/contract/experiments';
import { ok } from '../../main/contract/result';
import { FakeBridge } from './fakeBridge';
import { renderApp } from './harness';

/** Experiments, runs and a bridge answering for them, shared by the Experiments pane tests. */

export const T0 = Date.parse('2026-03-01T10:00:00Z');

export function experiment(id: string, name: string, runCount: number, lifecycleStage: Experiment['lifecycleStage'] = 'active'): Experiment {
  return { experimentId: id, name, artifactLocation: `/tmp/mlruns/${id}`, lifecycleStage, creationTime: T0, lastUpdateTime: T0 + Number(id), tags: {}, runCount };
}

export function metric(key: string, last: MetricSummary['last'], extra: Partial<MetricSummary> = {}): MetricSummary {
  const finite = typeof last === 'number' ? last : null;
  return { key, last, lastStep: 9, lastTimestamp: T0, min: finite, max: finite, count: 10, ...extra };
}

export function runId(i: number): string {
  return i.toString(16).padStart(32, '0');
}

export function run(i: number, name: string, metrics: MetricSummary[], params: Record<string, string> = {}, tags: Record<string, string> = { 'lathe.job': name }): Run {
  return {
    info: { runId: runId(i), experimentId: '1', runName: name, status: 'FINISHED', startTime: T0 + i * 1000, endTime: T0 + i * 1000 + 65_000, lifecycleStage: 'active', source: { kind: 'training-job', name }, artifactUri: `/tmp/mlruns/1/${runId(i)}` },
    params,
    tags,
    metrics,
  };
}

export const RUNS = [
  run(1, 'xgb-a', [metric('auc', 0.9, { min: 0.5, max: 0.93 }), metric('loss', 'NaN')], { max_depth: '10', eta: '0.3' }),
  run(2, 'xgb-b', [metric('auc', 0.95, { min: 0.6, max: 0.95 }), metric('loss', 0.2)], { max_depth: '9', eta: '0.1' }),
  run(3, 'xgb-c', [metric('auc', 0.85), metric('loss', 'Infinity')], { max_depth: '100', eta: '0.2' }),
];

export function experimentsBridge(runs: Run[] = RUNS, overrides: ConstructorParameters<typeof FakeBridge>[0] = {}) {
  return new FakeBridge({
    'experiments.list': () => ok({ experiments: [experiment('1', 'fraud', runs.length), experiment('0', 'Default', 0)] }),
    'runs.search': ({ experimentIds }) => ok({ runs: experimentIds[0] === '1' ? runs : [] }),
    ...overrides,
  });
}

export async function openExperiments(bridge: FakeBridge) {
  renderApp(bridge);
  fireEvent.click(await screen.findByRole('button', { name: 'Experiments' }));
  return bridge;
}

/** The run names the table renders, top to bottom. */
export function rowNames(): string[] {
  return within(screen.getByTestId('runs-table'))
    .getAllByRole('row')
    .filter((row) => row.dataset.testid?.startsWith('run-row-'))
    .map((row) => row.dataset.testid!.slice('run-row-'.length));
}

/** The table's column headers, less the select-all checkbox column. */
export function headers(): string[] {
  return within(screen.getByTestId('runs-table'))
    .getAllByRole('columnheader')
    .slice(1)
    .map((th) => th.textContent ?? '');
}

/** A run row's cells, less the checkbox cell. */
export function cells(runName: string): HTMLElement[] {
  return within(screen.getByTestId(`run-row-${runName}`)).getAllByRole('cell').slice(1);
}
