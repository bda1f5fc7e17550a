import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fail, ok } from '../../main/contract/result';
import { useEndpointsDeployStore } from '../../renderer/state/endpointsDeployStore';
import { APPROVED_ARN, changeEndpoint, endpoint, endpointsBridge, openEndpoint, openEndpoints, resetEndpoints, variant } from './endpointsFixtures';
import { resetRenderer } from './harness';
import { arnOf, GROUP, summary } from './registryFixtures';

afterEach(() => {
  resetRenderer();
  resetEndpoints();
});

describe('Endpoints pane: list', () => {
  it('explains the ways to deploy when there are no endpoints', async () => {
    const { bridge } = endpointsBridge();
    await openEndpoints(bridge);
    const empty = await screen.findByTestId('endpoints-empty', {}, { timeout: 10_000 });
    expect(empty.textContent).toContain('No endpoints yet.');
    expect(empty.textContent).toContain('Approve a model version in the Registry, then deploy it with Deploy model…');
    expect(empty.textContent).toContain('create_endpoint');
    expect(empty.textContent).toContain('sm.create_endpoint(EndpointName="fraud-prod-v1", EndpointConfigName="fraud-config")');
    expect(within(empty).getByRole('button', { name: 'Open the Registry' })).toBeTruthy();
    expect(screen.queryByTestId('endpoints-list')).toBeNull();
  });

  it('says what went wrong when the endpoints cannot be listed, and tries again', async () => {
    let calls = 0;
    const { bridge } = endpointsBridge({}, { 'endpoints.list': () => (++calls === 1 ? fail('unavailable', 'the endpoint store is locked by another Lathe') : ok({ Endpoints: [] })) });
    await openEndpoints(bridge);
    const alert = await screen.findByRole('alert', {}, { timeout: 10_000 });
    expect(alert.textContent).toContain('Could not list the endpoints');
    expect(alert.textContent).toContain('the endpoint store is locked by another Lathe');
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('endpoints-empty')).toBeTruthy();
  });

  it('shows each endpoint with a status badge in its own colour, a spinner while it changes, and its variants', async () => {
    const { bridge } = endpointsBridge({
      endpoints: [
        endpoint('fraud-prod-v1', 'InService', { ProductionVariants: [variant('AllTraffic', 2, 1)] }, 3),
        endpoint('fraud-staging-v2', 'Creating', {}, 2),
        endpoint('churn-dev-v1', 'Failed', { FailureReason: 'worker 0 exited with code 2' }, 1),
        endpoint('ab-prod-v4', 'Updating', { ProductionVariants: [variant('Champion', 2, 3), variant('Challenger', 1, 1)] }, 0),
      ],
    });
    await openEndpoints(bridge);
    const table = await screen.findByTestId('endpoints-list', {}, { timeout: 10_000 });
    expect(within(table).getAllByRole('columnheader').map((th) => th.textContent)).toEqual(['Name', 'Status', 'Variants', 'Config', 'Created', 'Modified']);
    const names = ['fraud-prod-v1', 'fraud-staging-v2', 'churn-dev-v1', 'ab-prod-v4'];
    const badges = names.map((name) => screen.getByTestId(`endpoint-status-${name}`));
    expect(badges.map((b) => b.textContent)).toEqual(['In service', 'Creating', 'Failed', 'Updating']);
    expect(badges.map((b) => b.className)).toEqual([
      'badge status-badge endpoint-badge badge-ok',
      'badge status-badge endpoint-badge badge-warn',
      'badge status-badge endpoint-badge badge-danger',
      'badge status-badge endpoint-badge badge-warn',
    ]);
    expect(badges.map((b) => b.querySelector('svg')?.classList.contains('spin'))).toEqual([false, true, false, true]);
    await waitFor(() => expect(within(screen.getByTestId('endpoint-row-ab-prod-v4')).getAllByRole('cell')[2]!.textContent).toBe('Champion 2/2 workers · weight 3Challenger 1/1 workers · weight 1'));
    expect(within(screen.getByTestId('endpoint-row-fraud-prod-v1')).getAllByRole('cell')[2]!.textContent).toBe('AllTraffic 2/2 workers · weight 1');
    expect(within(screen.getByTestId('endpoint-row-fraud-staging-v2')).getAllByRole('cell')[2]!.textContent).toBe('—');
    expect(bridge.callsTo('endpoints.list')).toEqual([{ SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 100 }]);
  });

  it('follows endpoints.changed: Creating becomes In service with its workers', async () => {
    const { bridge, state } = endpointsBridge({ endpoints: [endpoint('fraud-prod-v1', 'Creating')] });
    await openEndpoints(bridge);
    const badge = await screen.findByTestId('endpoint-status-fraud-prod-v1', {}, { timeout: 10_000 });
    expect(badge.textContent).toBe('Creating');
    act(() => changeEndpoint(bridge, state, endpoint('fraud-prod-v1', 'InService', { ProductionVariants: [variant('AllTraffic', 4)] })));
    await waitFor(() => expect(screen.getByTestId('endpoint-status-fraud-prod-v1').textContent).toBe('In service'));
    await waitFor(() => expect(within(screen.getByTestId('endpoint-row-fraud-prod-v1')).getAllByRole('cell')[2]!.textContent).toBe('AllTraffic 4/4 workers · weight 1'));
  });
});

describe('Endpoints pane: the Deploy wizard', () => {
  async function openWizard(bridge: Parameters<typeof openEndpoints>[0]) {
    await openEndpoints(bridge);
    fireEvent.click(await screen.findByRole('button', { name: 'Deploy model…' }, { timeout: 10_000 }));
    const dialog = await screen.findByRole('dialog', { name: 'Deploy a model' });
    await waitFor(() => expect((within(dialog).getByLabelText('Approved version') as HTMLSelectElement).value).toBe(APPROVED_ARN));
    return dialog;
  }

  it('warns, without blocking, while the name does not follow SOP-06, and offers one that does', async () => {
    const { bridge } = endpointsBridge();
    const dialog = await openWizard(bridge);
    expect(within(dialog).queryByTestId('sop-warning')).toBeNull();
    const name = within(dialog).getByLabelText('Endpoint name');
    expect(document.activeElement).toBe(name);
    fireEvent.change(name, { target: { value: 'fraud-detection-prod' } });
    const warning = within(dialog).getByTestId('sop-warning');
    expect(warning.textContent).toContain('Not an SOP-06 name: end with the version (-v1, -v2, …).');
    expect(warning.textContent).toContain('{usecase}-{env}-{version}');
    expect(warning.textContent).toContain('You can deploy with this name anyway.');
    fireEvent.change(name, { target: { value: 'Fraud_Model' } });
    expect(within(dialog).getByTestId('sop-warning').textContent).toContain('use lowercase letters; end with the version (-v1, -v2, …); name the environment (dev, test, staging or prod) before the version; use letters, digits and single hyphens only');
    fireEvent.change(name, { target: { value: 'fraud-prod-v3' } });
    expect(within(dialog).queryByTestId('sop-warning')).toBeNull();
    expect(dialog.textContent).toContain('Follows SOP-06');
    fireEvent.change(name, { target: { value: 'fraud-detection-prod' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Use fraud-detection-prod-v2' }));
    expect((name as HTMLInputElement).value).toBe('fraud-detection-prod-v2');
    expect(within(dialog).queryByTestId('sop-warning')).toBeNull();
  });

  it('creates the model from the Approved version, a one-variant config and the endpoint, then shows Creating → In service', async () => {
    const { bridge, state } = endpointsBridge();
    const dialog = await openWizard(bridge);
    expect((within(dialog).getByLabelText('Model package group') as HTMLSelectElement).value).toBe('FraudDetectionModels');
    expect(bridge.callsTo('registry.listVersions')).toContainEqual({ ModelPackageGroupName: 'FraudDetectionModels', ModelApprovalStatus: 'Approved', SortBy: 'CreationTime', SortOrder: 'Descending', MaxResults: 100 });
    fireEvent.change(within(dialog).getByLabelText('Endpoint name'), { target: { value: 'fraud-detection-prod' } });
    fireEvent.change(within(dialog).getByLabelText('Workers'), { target: { value: '3' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Deploy' }));

    await waitFor(() => expect(within(dialog).getByTestId('deploy-step-endpoint').dataset.state).toBe('done'));
    const [model] = bridge.callsTo('endpoints.createModel') as Array<{ ModelName: string }>;
    expect(model!.ModelName).toMatch(/^fraud-detection-prod-model-\d{14}$/);
    expect(model).toEqual({ ModelName: model!.ModelName, PrimaryContainer: { ModelPackageName: APPROVED_ARN } });
    const [config] = bridge.callsTo('endpoints.createConfig') as Array<{ EndpointConfigName: string }>;
    expect(config!.EndpointConfigName).toMatch(/^fraud-detection-prod-config-\d{14}$/);
    expect(config).toEqual({ EndpointConfigName: config!.EndpointConfigName, ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: model!.ModelName, InitialInstanceCount: 3, InitialVariantWeight: 1 }] });
    expect(bridge.callsTo('endpoints.create')).toEqual([{ EndpointName: 'fraud-detection-prod', EndpointConfigName: config!.EndpointConfigName }]);
    await waitFor(() => expect(within(dialog).getByTestId('deploy-endpoint-status').textContent).toBe('Creating'));

    act(() => changeEndpoint(bridge, state, endpoint('fraud-detection-prod', 'InService', { ProductionVariants: [variant('AllTraffic', 3)] })));
    await waitFor(() => expect(within(dialog).getByTestId('deploy-endpoint-status').textContent).toBe('In service'));
    expect(within(dialog).getByTestId('deploy-progress').textContent).toContain('fraud-detection-prod is in service with 3 workers.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Open endpoint' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'fraud-detection-prod' })).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows the FailureReason when the new endpoint fails', async () => {
    const { bridge, state } = endpointsBridge();
    const dialog = await openWizard(bridge);
    fireEvent.change(within(dialog).getByLabelText('Endpoint name'), { target: { value: 'fraud-prod-v2' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Deploy' }));
    await waitFor(() => expect(within(dialog).getByTestId('deploy-endpoint-status').textContent).toBe('Creating'));
    act(() => changeEndpoint(bridge, state, endpoint('fraud-prod-v2', 'Failed', { FailureReason: 'worker 0 of AllTraffic did not answer /ping within 240 s' })));
    await waitFor(() => expect(within(dialog).getByTestId('deploy-failure-reason').textContent).toContain('worker 0 of AllTraffic did not answer /ping within 240 s'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete it and edit' }));
    await waitFor(() => expect((within(dialog).getByLabelText('Endpoint name') as HTMLInputElement).value).toBe('fraud-prod-v2'));
    expect(bridge.callsTo('endpoints.delete')).toEqual([{ EndpointName: 'fraud-prod-v2' }]);
    expect(bridge.callsTo('endpoints.deleteConfig')).toHaveLength(1);
    expect(bridge.callsTo('endpoints.deleteModel')).toHaveLength(1);
  });

  it("puts main's error on the field it is about and keeps the form's values", async () => {
    const { bridge } = endpointsBridge({}, {
      'endpoints.create': ({ EndpointName }) => fail('conflict', `Cannot create already existing endpoint "arn:aws:sagemaker:local:000000000000:endpoint/${EndpointName}".`),
    });
    const dialog = await openWizard(bridge);
    fireEvent.change(within(dialog).getByLabelText('Endpoint name'), { target: { value: 'fraud-prod-v2' } });
    fireEvent.change(within(dialog).getByLabelText('Workers'), { target: { value: '4' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Deploy' }));
    const name = await within(dialog).findByLabelText('Endpoint name');
    await waitFor(() => expect(name.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(name.getAttribute('aria-describedby')!.split(' ')[0]!)!.textContent).toBe('Cannot create already existing endpoint "arn:aws:sagemaker:local:000000000000:endpoint/fraud-prod-v2".');
    expect((name as HTMLInputElement).value).toBe('fraud-prod-v2');
    expect((within(dialog).getByLabelText('Workers') as HTMLInputElement).value).toBe('4');
    expect((within(dialog).getByLabelText('Approved version') as HTMLSelectElement).value).toBe(APPROVED_ARN);
    // What was created for it goes again.
    await waitFor(() => expect(bridge.callsTo('endpoints.deleteModel')).toHaveLength(1));
    expect(bridge.callsTo('endpoints.deleteConfig')).toHaveLength(1);
  });

  it('opens on a version picked elsewhere (a Deploy button in another pane)', async () => {
    const { bridge } = endpointsBridge({}, { 'registry.listVersions': () => ok({ ModelPackageSummaryList: [summary(3, 'Approved'), summary(2, 'Approved')] }) });
    await openEndpoints(bridge);
    act(() => useEndpointsDeployStore.getState().openWizard({ group: GROUP, versionArn: arnOf(2) }));
    const dialog = await screen.findByRole('dialog', { name: 'Deploy a model' }, { timeout: 10_000 });
    await waitFor(() => expect([...(within(dialog).getByLabelText('Approved version') as HTMLSelectElement).options].map((o) => o.value)).toEqual([arnOf(3), arnOf(2)]));
    expect((within(dialog).getByLabelText('Approved version') as HTMLSelectElement).value).toBe(arnOf(2));
  });

  it('puts a refused worker count on the Workers field', async () => {
    const { bridge } = endpointsBridge({}, {
      'endpoints.createConfig': () => fail('invalid-argument', 'ProductionVariants.0.InitialInstanceCount: Lathe runs at most 64 workers per variant', { issues: [{ path: ['ProductionVariants', 0, 'InitialInstanceCount'], message: 'Lathe runs at most 64 workers per variant' }] }),
    });
    const dialog = await openWizard(bridge);
    fireEvent.change(within(dialog).getByLabelText('Endpoint name'), { target: { value: 'fraud-prod-v2' } });
    fireEvent.change(within(dialog).getByLabelText('Workers'), { target: { value: '65' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Deploy' }));
    // Checked here first: nothing is sent for 65 workers.
    expect(await within(dialog).findByText('Between 1 and 64 workers.')).toBeTruthy();
    expect(bridge.callsTo('endpoints.createModel')).toEqual([]);
    fireEvent.change(within(dialog).getByLabelText('Workers'), { target: { value: '8' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Deploy' }));
    expect(await within(dialog).findByText('Lathe runs at most 64 workers per variant')).toBeTruthy();
    expect(within(dialog).getByLabelText('Workers').getAttribute('aria-invalid')).toBe('true');
  });
});

describe('Endpoints pane: one endpoint', () => {
  it('updates to another config after a confirmation, and shows why a rolled-back update failed', async () => {
    const { bridge, state } = endpointsBridge({ endpoints: [endpoint('fraud-prod-v1')], configs: ['fraud-prod-v1-config', 'fraud-prod-v2-config'] });
    await openEndpoint(bridge, 'fraud-prod-v1');
    expect(within(await screen.findByTestId('endpoint-variants')).getAllByRole('cell').map((td) => td.textContent)).toEqual(['AllTraffic', '2/2', '1 (100% of traffic)', 'Serving', 'xgboost']);
    fireEvent.click(screen.getByRole('button', { name: 'Update…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Update fraud-prod-v1' });
    const select = await within(dialog).findByLabelText('Endpoint config');
    await waitFor(() => expect([...(select as HTMLSelectElement).options].map((o) => o.value)).toEqual(['fraud-prod-v2-config']));
    expect((await within(dialog).findByTestId('update-preview')).textContent).toBe('AllTraffic: model fraud-prod-v2-config-model · 3 workers · weight 1');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Update endpoint' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.callsTo('endpoints.update')).toEqual([{ EndpointName: 'fraud-prod-v1', EndpointConfigName: 'fraud-prod-v2-config' }]);

    act(() => changeEndpoint(bridge, state, endpoint('fraud-prod-v1', 'InService', { FailureReason: 'Update to endpoint config fraud-prod-v2-config failed and was rolled back; the endpoint still serves fraud-prod-v1-config. model.tar.gz is not a gzip archive' })));
    const reason = await screen.findByTestId('endpoint-failure-reason');
    expect(reason.textContent).toContain('The last update did not go through');
    expect(reason.textContent).toContain('was rolled back; the endpoint still serves fraud-prod-v1-config. model.tar.gz is not a gzip archive');
  });

  it('deletes after a confirmation and goes back to the list', async () => {
    const { bridge } = endpointsBridge({ endpoints: [endpoint('fraud-prod-v1'), endpoint('churn-dev-v1')] });
    await openEndpoint(bridge, 'fraud-prod-v1');
    fireEvent.click(screen.getByRole('button', { name: 'Delete…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete fraud-prod-v1?' });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete endpoint' }));
    await screen.findByTestId('endpoints-list');
    expect(bridge.callsTo('endpoints.delete')).toEqual([{ EndpointName: 'fraud-prod-v1' }]);
    expect(screen.queryByTestId('endpoint-row-fraud-prod-v1')).toBeNull();
    expect(screen.getByTestId('endpoint-row-churn-dev-v1')).toBeTruthy();
  });

  it('goes back to the list with Esc', async () => {
    const { bridge } = endpointsBridge({ endpoints: [endpoint('fraud-prod-v1')] });
    await openEndpoint(bridge, 'fraud-prod-v1');
    fireEvent.keyDown(screen.getByTestId('endpoint-detail'), { key: 'Escape' });
    expect(await screen.findByTestId('endpoints-list')).toBeTruthy();
  });
});
