import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fail, ok } from '../../main/contract/result';
import { arnOf, description, GATES, GROUP, openRegistry, registryBridge, resetRegistry, summary } from './registryFixtures';
import { FakeBridge } from './fakeBridge';
import { resetRenderer } from './harness';

afterEach(() => {
  resetRenderer();
  resetRegistry();
});

describe('Registry pane: groups', () => {
  it('explains how to register a model when there are no groups', async () => {
    await openRegistry(new FakeBridge({ 'registry.listGroups': () => ok({ ModelPackageGroupSummaryList: [] }) }));
    const empty = await screen.findByTestId('registry-empty', {}, { timeout: 10_000 });
    expect(empty.textContent).toContain('No model package groups yet.');
    expect(empty.textContent).toContain(`lathe call registry.createVersion '{"ModelPackageGroupName":"FraudDetectionModels","SourceTrainingJobName":"<a Completed training job>"}'`);
    expect(empty.textContent).toContain('create_model_package');
    expect(screen.queryByTestId('registry-versions')).toBeNull();
  });

  it('says what went wrong when the groups cannot be listed, and tries again', async () => {
    let calls = 0;
    const bridge = new FakeBridge({
      'registry.listGroups': () => (++calls === 1 ? fail('unavailable', 'the registry store is locked by another Lathe; close it and try again') : ok({ ModelPackageGroupSummaryList: [] })),
    });
    await openRegistry(bridge);
    const alert = await screen.findByRole('alert', {}, { timeout: 10_000 });
    expect(alert.textContent).toContain('Could not list the model package groups');
    expect(alert.textContent).toContain('the registry store is locked by another Lathe; close it and try again');
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('registry-empty')).toBeTruthy();
  });

  it('lists groups with their description and version count, and selects the first', async () => {
    const { bridge } = registryBridge();
    await openRegistry(bridge);
    const item = await screen.findByTestId(`registry-group-${GROUP}`, {}, { timeout: 10_000 });
    await waitFor(() => expect(item.textContent).toBe(`${GROUP}3 versions · Card fraud models`));
    expect(item.getAttribute('aria-current')).toBe('true');
    expect(await screen.findByRole('heading', { level: 1, name: GROUP })).toBeTruthy();
  });
});

describe('Registry pane: versions', () => {
  it('shows each version with a status badge in its own colour and words, and its key metrics', async () => {
    const { bridge } = registryBridge({ descriptions: { [arnOf(2)]: description(2, 'Approved', 0.95) } });
    await openRegistry(bridge);
    const table = await screen.findByTestId('registry-versions', {}, { timeout: 10_000 });
    await waitFor(() => expect(within(table).getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['Version', 'Status', 'Description', 'Created', 'validation:auc', 'validation:logloss', 'train:auc']));
    const badges = [3, 2, 1].map((n) => screen.getByTestId(`registry-version-status-${n}`));
    expect(badges.map((b) => b.textContent)).toEqual(['Rejected', 'Approved', 'Pending approval']);
    expect(badges.map((b) => b.className)).toEqual(['badge approval-badge badge-danger', 'badge approval-badge badge-ok', 'badge approval-badge badge-warn']);
    const row2 = within(screen.getByTestId('registry-version-row-2')).getAllByRole('cell').map((td) => td.textContent);
    expect(row2[0]).toBe('Version 2');
    expect(row2[2]).toBe('XGBoost Fraud v2');
    expect(row2.slice(4)).toEqual(['0.95', '0.11', '0.99']);
    expect(bridge.callsTo('registry.listVersions')).toContainEqual({ ModelPackageGroupName: GROUP, SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 100 });
  });

  it('updates a badge when registry.changed says the version was approved', async () => {
    const { bridge, state } = registryBridge();
    await openRegistry(bridge);
    const badge = await screen.findByTestId('registry-version-status-1', {}, { timeout: 10_000 });
    expect(badge.textContent).toBe('Pending approval');
    state.versions = [summary(3, 'Rejected'), summary(2, 'Approved'), summary(1, 'Approved')];
    act(() => bridge.emit('registry.changed', { kind: 'version-updated', ModelPackageGroupName: GROUP, ModelPackageArn: arnOf(1), ModelApprovalStatus: 'Approved' }));
    await waitFor(() => expect(screen.getByTestId('registry-version-status-1').textContent).toBe('Approved'));
  });

  it('keeps the older versions it showed when a version is created or updated', async () => {
    const versions = Array.from({ length: 150 }, (_, i) => summary(150 - i));
    const { bridge } = registryBridge({}, {
      'registry.listVersions': ({ NextToken, MaxResults }) => {
        const start = NextToken ? Number(NextToken) : 0;
        const end = start + (MaxResults ?? 10);
        return ok({ ModelPackageSummaryList: versions.slice(start, end), ...(end < versions.length ? { NextToken: String(end) } : {}) });
      },
    });
    const rows = () => screen.getAllByTestId(/^registry-version-row-\d+$/).length;
    await openRegistry(bridge);
    await screen.findByTestId('registry-version-row-51', {}, { timeout: 10_000 });
    expect(rows()).toBe(100);
    fireEvent.click(screen.getByRole('button', { name: 'Show older versions' }));
    await waitFor(() => expect(rows()).toBe(150));

    versions.unshift(summary(151));
    act(() => bridge.emit('registry.changed', { kind: 'version-created', ModelPackageGroupName: GROUP, ModelPackageArn: arnOf(151) }));
    await screen.findByTestId('registry-version-row-151');
    expect(rows()).toBe(151);
    expect(screen.getByTestId('registry-version-row-1')).toBeTruthy();

    const described = bridge.callsTo('registry.describeVersion').length;
    versions[150] = summary(1, 'Approved');
    act(() => bridge.emit('registry.changed', { kind: 'version-updated', ModelPackageGroupName: GROUP, ModelPackageArn: arnOf(1), ModelApprovalStatus: 'Approved' }));
    await waitFor(() => expect(screen.getByTestId('registry-version-status-1').textContent).toBe('Approved'));
    expect(rows()).toBe(151);
    // Only the version that changed is described again, not all 151.
    expect(bridge.callsTo('registry.describeVersion').slice(described)).toEqual([{ ModelPackageName: arnOf(1) }]);
    expect(bridge.callsTo('registry.listVersions').every((request) => ((request as { MaxResults?: number }).MaxResults ?? 0) <= 100)).toBe(true);
  });

  it('opens a version with Enter on its row, and goes back with Esc', async () => {
    const { bridge } = registryBridge();
    await openRegistry(bridge);
    const row = await screen.findByTestId('registry-version-row-1', {}, { timeout: 10_000 });
    row.focus();
    fireEvent.keyDown(row, { key: 'Enter' });
    const detail = await screen.findByTestId('registry-version');
    await waitFor(() => expect(within(detail).getByTestId('registry-overview').textContent).toContain('fraud-xgb-1'));
    expect(within(detail).getByTestId('registry-lineage').textContent).toBe(
      'training job fraud-xgb-1 → model artifact s3://lathe-demo/fraud/output/fraud-xgb-1/output/model.tar.gz → model version FraudDetectionModels/1',
    );
    expect(within(detail).getByTestId('registry-overview').textContent).toContain('text/csv');
    fireEvent.keyDown(detail, { key: 'Escape' });
    expect(screen.queryByTestId('registry-version')).toBeNull();
    expect(screen.getByTestId('registry-versions')).toBeTruthy();
  });
});

describe('Registry pane: gates', () => {
  it('shows the rules and required reports, and saves an edited set', async () => {
    const { bridge } = registryBridge({}, { 'registry.setGates': (request) => ok({ ModelPackageGroupName: GROUP, MetricRules: request.MetricRules, RequiredReports: request.RequiredReports, AutoApprove: request.AutoApprove ?? false }) });
    await openRegistry(bridge);
    const gates = await screen.findByTestId('registry-gates', {}, { timeout: 10_000 });
    expect(gates.textContent).toBe('Metric rulesvalidation:auc ≥ 0.5Required reportsEvaluation reportApprovalBy a person');
    fireEvent.click(screen.getByRole('button', { name: 'Edit gates' }));
    fireEvent.change(screen.getByLabelText('Threshold of rule 1'), { target: { value: '0.9' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    fireEvent.change(screen.getByLabelText('Metric of rule 2'), { target: { value: 'validation:logloss' } });
    fireEvent.change(screen.getByLabelText('Comparison of rule 2'), { target: { value: '<' } });
    fireEvent.change(screen.getByLabelText('Threshold of rule 2'), { target: { value: '0.2' } });
    fireEvent.click(screen.getByLabelText('Bias report'));
    fireEvent.click(screen.getByLabelText('Approve a pending version automatically once it meets every gate'));
    fireEvent.click(screen.getByRole('button', { name: 'Save gates' }));
    await waitFor(() =>
      expect(screen.getByTestId('registry-gates').textContent).toBe(
        'Metric rulesvalidation:auc ≥ 0.9validation:logloss < 0.2Required reportsEvaluation report, Bias reportApprovalAutomatic once every gate is met (recorded as lathe-gates)',
      ),
    );
    expect(bridge.callsTo('registry.setGates')).toEqual([
      {
        ModelPackageGroupName: GROUP,
        MetricRules: [
          { Metric: 'validation:auc', Op: '>=', Threshold: 0.9 },
          { Metric: 'validation:logloss', Op: '<', Threshold: 0.2 },
        ],
        RequiredReports: ['evaluation', 'bias'],
        AutoApprove: true,
      },
    ]);
  });

  it('asks for a gate before approving automatically', async () => {
    const { bridge } = registryBridge({}, {});
    await openRegistry(bridge);
    await screen.findByTestId('registry-gates', {}, { timeout: 10_000 });
    fireEvent.click(screen.getByRole('button', { name: 'Edit gates' }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove rule 1' }));
    fireEvent.click(screen.getByLabelText('Evaluation report'));
    fireEvent.click(screen.getByLabelText('Approve a pending version automatically once it meets every gate'));
    fireEvent.click(screen.getByRole('button', { name: 'Save gates' }));
    expect((await screen.findByText('Add a metric rule or a required report for the gates to decide on')).id).toBe('gates-auto-approve-error');
    expect(bridge.callsTo('registry.setGates')).toHaveLength(0);
  });

  it('offers no editor until the gates are read, so a failed read cannot be saved over the real gates', async () => {
    let reads = 0;
    const { bridge } = registryBridge({}, { 'registry.getGates': () => (++reads === 1 ? fail('unavailable', 'the registry store is locked by another Lathe; close it and try again') : ok(GATES)) });
    await openRegistry(bridge);
    const section = await screen.findByRole('region', { name: 'Approval gates' }, { timeout: 10_000 });
    const alert = await within(section).findByRole('alert');
    expect(alert.textContent).toContain('Could not read the gates');
    expect(alert.textContent).toContain('the registry store is locked by another Lathe; close it and try again');
    const edit = within(section).getByRole('button', { name: 'Edit gates' });
    expect(edit.hasAttribute('disabled')).toBe(true);
    fireEvent.click(edit);
    expect(screen.queryByRole('form', { name: 'Edit gates' })).toBeNull();

    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(screen.getByTestId('registry-gates').textContent).toBe('Metric rulesvalidation:auc ≥ 0.5Required reportsEvaluation reportApprovalBy a person'));
    expect(within(section).queryByRole('alert')).toBeNull();
    fireEvent.click(within(section).getByRole('button', { name: 'Edit gates' }));
    expect((screen.getByLabelText('Metric of rule 1') as HTMLInputElement).value).toBe('validation:auc');
    expect(screen.getByLabelText('Evaluation report')).toHaveProperty('checked', true);
    expect(bridge.callsTo('registry.setGates')).toHaveLength(0);
  });

  it('puts an unknown metric refused by main on the rule it came from, and a blank threshold before sending', async () => {
    const message = 'group FraudDetectionModels has no metric validation:acu (in validation:acu >= 0.9); its versions carry train:auc, validation:auc';
    const { bridge } = registryBridge({}, { 'registry.setGates': () => fail('invalid-argument', message, { UnknownMetrics: ['validation:acu'] }) });
    await openRegistry(bridge);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit gates' }, { timeout: 10_000 }));
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    fireEvent.change(screen.getByLabelText('Metric of rule 2'), { target: { value: 'validation:acu' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save gates' }));
    expect(await screen.findByText('Give a number, e.g. 0.9')).toBeTruthy();
    expect(bridge.callsTo('registry.setGates')).toHaveLength(0);
    fireEvent.change(screen.getByLabelText('Threshold of rule 2'), { target: { value: '0.9' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save gates' }));
    expect(await screen.findByText('No version of this group carries validation:acu')).toBeTruthy();
    expect(screen.getByLabelText('Metric of rule 2').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Metric of rule 1').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByText(message)).toBeTruthy();
    // The editor keeps what was typed.
    expect((screen.getByLabelText('Metric of rule 2') as HTMLInputElement).value).toBe('validation:acu');
  });
});
