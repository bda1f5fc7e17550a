import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fail, ok } from '../../main/contract/result';
import { arnOf, auditEntry, BIAS_BODY, EVALUATION_BODY, evaluationJob, evidence, EXPLAINABILITY_BODY, GATES, GROUP, openVersion, registryBridge, report, resetRegistry } from './registryFixtures';
import { resetRenderer } from './harness';

afterEach(() => {
  resetRenderer();
  resetRegistry();
});

const REPORTS = [report('evaluation', EVALUATION_BODY, 1), report('explainability', EXPLAINABILITY_BODY, 2), report('bias', BIAS_BODY, 3)];

describe('Registry version: evidence', () => {
  it('lists each unmet gate condition as failed, and offers the evaluation when no report is filed', async () => {
    const { bridge } = registryBridge();
    await openVersion(bridge, 1, 'Evidence');
    const check = await screen.findByTestId('registry-gate-check');
    expect(check.dataset.passed).toBe('false');
    expect(check.textContent).toBe('1 gate condition not met:Failed: required evaluation report: none filed for the version');
    expect(screen.getByTestId('registry-champion').textContent).toContain('No champion to compare with');
    fireEvent.click(within(screen.getByTestId('registry-no-reports')).getByRole('button', { name: 'Go to Evaluations' }));
    expect(screen.getByRole('tab', { name: 'Evaluations' }).getAttribute('aria-selected')).toBe('true');
  });

  it('draws the metrics against the champion, the ROC curve, the confusion matrix, the importances and the bias table', async () => {
    const { bridge } = registryBridge({
      evidence: evidence(1, {
        Champion: { ModelPackageArn: arnOf(2), ModelPackageVersion: 2 },
        Metrics: [
          { Name: 'validation:auc', Value: 0.97, Source: 'training', ChampionValue: 0.95, Delta: 0.02 },
          { Name: 'validation:logloss', Value: 0.11, Source: 'training', ChampionValue: 0.1, Delta: 0.01 },
          { Name: 'evaluation:recall', Value: 0.7, Source: 'evaluation', ChampionValue: null },
        ],
        Reports: REPORTS,
        GateCheck: { Passed: true, Unmet: [] },
      }),
    });
    await openVersion(bridge, 1, 'Evidence');
    expect((await screen.findByTestId('registry-gate-check')).textContent).toBe(' All gates pass');

    const metrics = within(screen.getByTestId('registry-evidence-metrics'));
    expect(metrics.getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['Metric', 'From', 'This version', 'Champion (v2)', 'Δ']);
    const auc = metrics.getByText('validation:auc').closest('tr')!;
    expect([...auc.cells].map((td) => td.textContent)).toEqual(['validation:auc', 'training job', '0.97', '0.95', '+0.02']);
    expect(auc.cells[4]!.className).toContain('delta-better');
    // A higher log loss is worse.
    const logloss = metrics.getByText('validation:logloss').closest('tr')!;
    expect(logloss.cells[4]!.textContent).toBe('+0.01');
    expect(logloss.cells[4]!.className).toContain('delta-worse');
    expect([...metrics.getByText('evaluation:recall').closest('tr')!.cells].map((td) => td.textContent)).toEqual(['evaluation:recall', 'evaluation', '0.7', '—', '—']);

    const evaluation = screen.getByTestId('report-evaluation');
    expect(evaluation.textContent).toContain('binary problem · xgboost binary:logistic · 2000 rows · 4 features');
    expect(within(screen.getByTestId('report-evaluation-metrics')).getByText('auc').closest('tr')!.textContent).toBe('auc0.9712');
    const matrix = within(screen.getByTestId('confusion-matrix'));
    expect(matrix.getAllByRole('row').map((row) => [...row.children].map((cell) => cell.textContent))).toEqual([
      ['Actual \\ Predicted', '0', '1'],
      ['0', '1540', '60'],
      ['1', '40', '360'],
    ]);
    expect(matrix.getByText('360').className).toContain('cm-hit');
    expect(matrix.getByText('60').className).toContain('cm-miss');

    // The charts' module loads on first use (recharts is code-split).
    const roc = await screen.findByTestId('roc-chart', {}, { timeout: 10_000 });
    expect(roc.dataset.points).toBe('4');
    expect(roc.textContent).toContain('ROC curve · AUC 0.9712');
    const importance = await screen.findByTestId('importance-chart', {}, { timeout: 10_000 });
    expect(importance.dataset.features).toBe('4');
    const table = within(screen.getByTestId('report-importance-table'));
    expect(table.getAllByRole<HTMLTableRowElement>('row').slice(1).map((row) => row.cells[0]!.textContent)).toEqual(['velocity_24h', 'merchant_risk', 'amount', 'hour']);

    const bias = screen.getByTestId('report-bias');
    expect(bias.textContent).toContain('facet hour ((20, 23]) · 300 rows in the facet (d), 1700 others (a)');
    const rows = within(screen.getByTestId('report-bias-metrics')).getAllByRole<HTMLTableRowElement>('row').slice(1).map((row) => [row.cells[0]!.textContent, row.cells[2]!.querySelector('code')!.textContent, row.cells[3]!.textContent, row.cells[4]!.textContent]);
    expect(rows).toEqual([
      ['Pre-training', 'CI', '0.7', '—'],
      ['Pre-training', 'DPL', '-0.02', '—'],
      ['Post-training', 'DPPL', '—', 'facet d is empty'],
      ['Post-training', 'DI', '∞', '—'],
    ]);
  });

  it('shows what it can of malformed report bodies, "—" for the rest, without breaking the tab', async () => {
    const { bridge } = registryBridge({
      evidence: evidence(1, {
        Reports: [
          report('evaluation', { format: 'lathe.evaluation/1', metrics: { auc: 'high', f1: null, rmse: '-Infinity' }, confusion_matrix: { labels: 'x', matrix: [1, 2] }, roc: { fpr: [0, 'a'], tpr: null }, dataset: 'big', warnings: ['roc is null: a ROC curve needs rows of both classes', 7] }, 1),
          report('explainability', { format: 'lathe.explainability/1', features: [null, { name: 5, importance: 'Infinity' }, { importance: 0.2 }, 'x'], expected_value: [0.1, 'n'] }, 2),
          report('bias', { format: 'lathe.bias/1', facet: 3, counts: { n_a: 'many' }, pre_training_bias_metrics: { facets: { hour: 'nope', day: [{ metrics: [{ value: 'NaN' }, 4] }] } }, post_training_bias_metrics: [] }, 3),
          report('evaluation', null as unknown as Record<string, unknown>, 4),
        ],
      }),
    });
    await openVersion(bridge, 1, 'Evidence');
    const evaluations = await screen.findAllByTestId('report-evaluation');
    expect(evaluations).toHaveLength(2);
    const first = within(evaluations[0]!);
    expect(first.getByText('auc').closest('tr')!.textContent).toBe('auc—');
    expect(first.getByText('f1').closest('tr')!.textContent).toBe('f1—');
    expect(first.getByText('rmse').closest('tr')!.textContent).toBe('rmse−∞');
    expect(first.getByText('roc is null: a ROC curve needs rows of both classes')).toBeTruthy();
    expect(first.getByText('No confusion matrix in this report.')).toBeTruthy();
    expect(first.queryByTestId('roc-chart')).toBeNull();
    expect(within(evaluations[1]!).getByText('The report lists no metrics.')).toBeTruthy();

    const explain = screen.getByTestId('report-explainability');
    expect(explain.textContent).not.toContain('expected value');
    expect(within(screen.getByTestId('report-importance-table')).getAllByRole<HTMLTableRowElement>('row').slice(1).map((row) => row.textContent)).toEqual(['5∞', 'feature 20.2']);

    const bias = within(screen.getByTestId('report-bias-metrics'));
    expect(bias.getAllByRole<HTMLTableRowElement>('row').slice(1).map((row) => [...row.cells].map((td) => td.textContent))).toEqual([['Pre-training', 'day', '?', 'NaN', '—']]);
    expect(screen.getByTestId('registry-gate-check')).toBeTruthy();
  });

  it('reads the champion deltas again when another version of the group is reported on, evaluated or updated', async () => {
    const against = (champion: number, value: number) =>
      evidence(1, { Champion: { ModelPackageArn: arnOf(champion), ModelPackageVersion: champion }, Metrics: [{ Name: 'validation:auc', Value: 0.97, Source: 'training', ChampionValue: value, Delta: 0.97 - value }] });
    const { bridge, state } = registryBridge({ evidence: against(2, 0.95) });
    await openVersion(bridge, 1, 'Evidence');
    const metrics = await screen.findByTestId('registry-evidence-metrics');
    const aucRow = () => [...within(screen.getByTestId('registry-evidence-metrics')).getByText('validation:auc').closest('tr')!.cells].map((td) => td.textContent);
    expect(within(metrics).getAllByRole('columnheader')[3]!.textContent).toBe('Champion (v2)');
    expect(aucRow()).toEqual(['validation:auc', 'training job', '0.97', '0.95', '+0.02']);

    // The champion's own evaluation filed a report with a better AUC.
    state.evidence = against(2, 0.96);
    act(() => bridge.emit('registry.changed', { kind: 'report-added', ModelPackageGroupName: GROUP, ModelPackageArn: arnOf(2) }));
    await waitFor(() => expect(aucRow()).toEqual(['validation:auc', 'training job', '0.97', '0.96', '+0.01']));

    state.evidence = against(2, 0.9);
    act(() => bridge.emit('registry.changed', { kind: 'evaluation-changed', ModelPackageGroupName: GROUP, ModelPackageArn: arnOf(2) }));
    await waitFor(() => expect(aucRow()).toEqual(['validation:auc', 'training job', '0.97', '0.9', '+0.07']));

    // Version 3 approved: it is the champion now.
    state.evidence = against(3, 0.99);
    act(() => bridge.emit('registry.changed', { kind: 'version-updated', ModelPackageGroupName: GROUP, ModelPackageArn: arnOf(3), ModelApprovalStatus: 'Approved' }));
    await waitFor(() => expect(within(screen.getByTestId('registry-evidence-metrics')).getAllByRole('columnheader')[3]!.textContent).toBe('Champion (v3)'));
    expect(aucRow()).toEqual(['validation:auc', 'training job', '0.97', '0.99', '−0.02']);

    // Another group's news leaves the evidence alone (a read would be asked for at once).
    const reads = bridge.callsTo('registry.evidence').length;
    act(() => bridge.emit('registry.changed', { kind: 'report-added', ModelPackageGroupName: 'ChurnModels', ModelPackageArn: 'arn:aws:sagemaker:local:000000000000:model-package/churnmodels/1' }));
    expect(bridge.callsTo('registry.evidence')).toHaveLength(reads);
  });
});

describe('Registry version: evaluations', () => {
  it('checks the form, starts the evaluation with the parsed request, and follows the job to Completed', async () => {
    const { bridge, state } = registryBridge({}, { 'registry.evaluate': () => ok({ ProcessingJobName: 'eval-frauddetectionmodels-v1-abc', ProcessingJobArn: 'arn:job' }) });
    state.evaluations = [];
    await openVersion(bridge, 1, 'Evaluations');
    expect((await screen.findByTestId('evaluations-empty')).textContent).toBe('No evaluation has run on this version yet.');
    fireEvent.click(screen.getByRole('button', { name: 'Run evaluation' }));
    expect(await screen.findByText('Name the test set: a CSV file or a folder of them (label first, no header)')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Test data'), { target: { value: 's3://lathe-demo/fraud/test' } });
    fireEvent.change(screen.getByLabelText('Feature names (optional)'), { target: { value: 'amount, hour ,merchant_risk,velocity_24h' } });
    fireEvent.change(screen.getByLabelText('Bias facet (optional)'), { target: { value: 'hour' } });
    fireEvent.change(screen.getByLabelText('Facet threshold'), { target: { value: '20' } });
    state.evaluations = [evaluationJob('InProgress', { Reports: ['evaluation', 'explainability', 'bias'] })];
    fireEvent.click(screen.getByRole('button', { name: 'Run evaluation' }));
    expect(await screen.findByRole('status')).toBeTruthy();
    expect(bridge.callsTo('registry.evaluate')).toEqual([
      { ModelPackageArn: arnOf(1), TestDataUrl: 's3://lathe-demo/fraud/test', FeatureNames: ['amount', 'hour', 'merchant_risk', 'velocity_24h'], Facet: { NameOrIndex: 'hour', Threshold: 20 } },
    ]);
    const row = await screen.findByTestId('evaluation-row-eval-frauddetectionmodels-v1-abc');
    expect(within(row).getByTestId('evaluation-status').textContent).toBe('In progress');
    expect(row.textContent).toContain('evaluation, explainability, bias');

    state.evaluations = [evaluationJob('Completed', { EndTime: '2026-03-01T10:00:42.000Z' })];
    act(() => bridge.emit('registry.changed', { kind: 'evaluation-changed', ModelPackageGroupName: GROUP, ModelPackageArn: arnOf(1) }));
    await waitFor(() => expect(within(screen.getByTestId('evaluation-row-eval-frauddetectionmodels-v1-abc')).getByTestId('evaluation-status').textContent).toBe('Completed'));
    expect(screen.getByTestId('evaluation-row-eval-frauddetectionmodels-v1-abc').textContent).toContain('42s');
  });

  it('keeps the values and shows main\'s words on the field when the test data does not exist, and a job\'s FailureReason', async () => {
    const message = 'TestDataUrl "s3://lathe-demo/fraud/tset" names /home/me/.lathe/s3/lathe-demo/fraud/tset, which does not exist; give a CSV file or a folder of them (label first, no header)';
    const { bridge } = registryBridge(
      { evaluations: [evaluationJob('Failed', { FailureReason: 'the model expects 4 features but the test data has 5 columns after the label' })] },
      { 'registry.evaluate': () => fail('invalid-argument', message, { field: 'TestDataUrl' }) },
    );
    await openVersion(bridge, 1, 'Evaluations');
    expect((await screen.findByTestId('evaluation-failure')).textContent).toContain('the model expects 4 features but the test data has 5 columns after the label');
    fireEvent.change(screen.getByLabelText('Test data'), { target: { value: 's3://lathe-demo/fraud/tset' } });
    fireEvent.change(screen.getByLabelText('Feature names (optional)'), { target: { value: 'amount,hour' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run evaluation' }));
    await waitFor(() => expect(screen.getByLabelText('Test data').getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getAllByText(message).length).toBeGreaterThan(0);
    expect((screen.getByLabelText('Test data') as HTMLInputElement).value).toBe('s3://lathe-demo/fraud/tset');
    expect((screen.getByLabelText('Feature names (optional)') as HTMLInputElement).value).toBe('amount,hour');
    // Away and back: the form still has them.
    fireEvent.click(screen.getByRole('tab', { name: 'Overview' }));
    fireEvent.click(screen.getByRole('tab', { name: 'Evaluations' }));
    expect((screen.getByLabelText('Test data') as HTMLInputElement).value).toBe('s3://lathe-demo/fraud/tset');
  });

  it('sends a picked or typed absolute path as a file:// URI, and URIs as given', async () => {
    const listing = (path: string, parent: string, entries: Array<{ name: string; path: string; kind: 'file' | 'directory' }>) => ok({ path, parent, entries: entries.map((e) => ({ ...e, size: 10, modified: '' })), truncated: false });
    const { bridge } = registryBridge({}, {
      'registry.evaluate': () => ok({ ProcessingJobName: 'eval-frauddetectionmodels-v1-abc', ProcessingJobArn: 'arn:job' }),
      'files.list': ({ path }) =>
        path === '/home/ana/fraud' ? listing('/home/ana/fraud', '/home/ana', [{ name: 'test.csv', path: '/home/ana/fraud/test.csv', kind: 'file' }]) : listing('/home/ana', '/home', [{ name: 'fraud', path: '/home/ana/fraud', kind: 'directory' }]),
    });
    await openVersion(bridge, 1, 'Evaluations');
    fireEvent.click(await screen.findByRole('button', { name: 'Browse for the test data' }));
    const picker = await screen.findByRole('dialog');
    fireEvent.click(await within(picker).findByText('fraud'));
    fireEvent.click(await within(picker).findByText('test.csv'));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect((screen.getByLabelText('Test data') as HTMLInputElement).value).toBe('/home/ana/fraud/test.csv');
    fireEvent.click(screen.getByRole('button', { name: 'Run evaluation' }));
    await waitFor(() => expect(bridge.callsTo('registry.evaluate')).toHaveLength(1));

    for (const typed of ['/home/ana/my data/test.csv', 'file:///home/ana/fraud/', 's3://lathe-demo/fraud/test']) {
      fireEvent.change(screen.getByLabelText('Test data'), { target: { value: typed } });
      fireEvent.click(screen.getByRole('button', { name: 'Run evaluation' }));
      await waitFor(() => expect(screen.getByRole('button', { name: 'Run evaluation' }).hasAttribute('disabled')).toBe(false));
    }
    await waitFor(() => expect(bridge.callsTo('registry.evaluate')).toHaveLength(4));
    expect(bridge.callsTo('registry.evaluate').map((request) => (request as { TestDataUrl: string }).TestDataUrl)).toEqual([
      'file:///home/ana/fraud/test.csv',
      'file:///home/ana/my%20data/test.csv',
      'file:///home/ana/fraud/',
      's3://lathe-demo/fraud/test',
    ]);
    expect(screen.getByRole('status').textContent).toContain('Evaluation started on s3://lathe-demo/fraud/test');
  });
});

describe('Registry version: audit trail', () => {
  it('lists every attempt newest first, refused ones and overrides marked', async () => {
    const { bridge } = registryBridge({
      audit: [
        auditEntry(1, 'refused', { Comment: 'looks good' }),
        auditEntry(2, 'applied', { Comment: 'approved after review', OverrideReason: 'evaluation runs nightly; approved for the canary only' }),
      ],
    });
    await openVersion(bridge, 1, 'Audit trail');
    const table = await screen.findByTestId('registry-audit');
    const rows = within(table).getAllByRole<HTMLTableRowElement>('row').slice(1);
    expect(rows.map((row) => row.dataset.outcome)).toEqual(['applied', 'refused']);
    expect(rows[0]!.cells[2]!.textContent).toBe('Pending approval → Approved');
    expect(rows[0]!.cells[3]!.textContent).toBe('applied gates overridden');
    expect(rows[0]!.cells[4]!.textContent).toBe('approved after reviewOverride reason: evaluation runs nightly; approved for the canary only');
    expect(rows[1]!.cells[3]!.textContent).toBe('refused');
    expect(rows[1]!.cells[1]!.textContent).toBe('me');
  });

  it('shows an approval refused elsewhere (the CLI, the SDK) as soon as main announces it', async () => {
    const { bridge, state } = registryBridge();
    await openVersion(bridge, 1, 'Audit trail');
    expect((await screen.findByTestId('audit-empty')).textContent).toContain('No approval attempts yet.');
    state.audit = [auditEntry(1, 'refused', { Comment: 'approved from the notebook' })];
    state.evidence = evidence(1, { GateCheck: { Passed: false, Unmet: ['validation:auc >= 0.99: 0.97'] } });
    act(() => bridge.emit('registry.changed', { kind: 'approval-refused', ModelPackageGroupName: GROUP, ModelPackageArn: arnOf(1) }));
    const row = await screen.findByTestId('audit-row-1');
    expect(row.dataset.outcome).toBe('refused');
    expect(row.textContent).toContain('approved from the notebook');
    // The refusal re-checked the gates: the Evidence tab has them as they are now.
    fireEvent.click(screen.getByRole('tab', { name: 'Evidence' }));
    expect((await screen.findByTestId('registry-gate-check')).textContent).toContain('validation:auc >= 0.99: 0.97');
  });
});

// Keeps the fixture import honest: the gates the fake answers are the ones the evidence uses.
it('uses one set of gates in the fixtures', () => expect(evidence(1).Gates).toBe(GATES));
