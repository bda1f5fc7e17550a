import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { fail, ok } from '../../main/contract/result';
import type { RequestOf } from '../../main/contract/schemas';
import { FakeBridge } from './fakeBridge';
import { renderApp, resetRenderer } from './harness';
import { processingSummary, trainingDescription, trainingSummary } from './jobFixtures';

afterEach(resetRenderer);

async function openJobs(bridge: FakeBridge) {
  renderApp(bridge);
  fireEvent.click(await screen.findByRole('button', { name: 'Jobs' }));
  // The pane is a lazy chunk: wait for it to replace its loading state (slow on a busy machine).
  await waitFor(() => expect(screen.queryByText('Loading Jobs…')).toBeNull(), { timeout: 10_000 });
  return bridge;
}

const row = (name: string) => screen.getByTestId(`job-row-${name}`);

function jobsBridge(overrides: ConstructorParameters<typeof FakeBridge>[0] = {}) {
  return new FakeBridge({
    'training.list': () =>
      ok({
        TrainingJobSummaries: [
          trainingSummary('fraud-xgb-1'),
          trainingSummary('fraud-xgb-2', { TrainingJobStatus: 'InProgress', SecondaryStatus: 'Training', TrainingEndTime: undefined, CreationTime: new Date().toISOString(), Gpus: 1 }),
        ],
      }),
    'processing.list': () => ok({ ProcessingJobSummaries: [processingSummary('fraud-prep-1')] }),
    ...overrides,
  });
}

describe('Jobs pane: list', () => {
  it('lists training and processing jobs with status, algorithm, backend and resources', async () => {
    await openJobs(jobsBridge());
    const list = await screen.findByTestId('jobs-list');
    expect(within(list).getAllByRole('row')).toHaveLength(4);
    // Newest first.
    const names = within(list).getAllByRole('button').map((b) => b.textContent);
    expect(names).toEqual(['fraud-xgb-2', 'fraud-xgb-1', 'fraud-prep-1']);
    expect(within(row('fraud-xgb-1')).getByText('Completed').className).toContain('badge-ok');
    expect(within(row('fraud-xgb-2')).getByText('In progress').className).toContain('badge-accent');
    expect(row('fraud-xgb-2').textContent).toContain('1 CPU · 1 GPU');
    expect(row('fraud-xgb-1').textContent).toContain('2m 00s');
    const prep = row('fraud-prep-1');
    expect(prep.textContent).toContain('Processing');
    expect(prep.textContent).toContain('Docker');
    expect(prep.textContent).toContain('lathe-python:local');
  });

  it('updates a row live from jobs.changed, and adds jobs it has not seen', async () => {
    const bridge = await openJobs(jobsBridge());
    await screen.findByTestId('job-row-fraud-xgb-2');
    act(() => bridge.emit('jobs.changed', trainingSummary('fraud-xgb-2', { TrainingJobStatus: 'Failed', SecondaryStatus: 'Failed', FailureReason: 'boom' })));
    expect(within(row('fraud-xgb-2')).getByText('Failed').className).toContain('badge-danger');
    act(() => bridge.emit('jobs.changed', trainingSummary('brand-new', { TrainingJobStatus: 'InProgress', CreationTime: new Date().toISOString() })));
    expect(within(row('brand-new')).getByText('In progress')).toBeTruthy();
  });

  it('filters by status, kind and name', async () => {
    await openJobs(jobsBridge());
    await screen.findByTestId('jobs-list');
    fireEvent.change(screen.getByLabelText('Filter by status'), { target: { value: 'InProgress' } });
    expect(screen.queryByTestId('job-row-fraud-xgb-1')).toBeNull();
    expect(screen.getByTestId('job-row-fraud-xgb-2')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Filter by status'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Filter by kind'), { target: { value: 'processing' } });
    expect(screen.getAllByRole('row')).toHaveLength(2);
    fireEvent.change(screen.getByLabelText('Filter by kind'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Filter by name'), { target: { value: 'PREP' } });
    expect(screen.getByTestId('job-row-fraud-prep-1')).toBeTruthy();
    expect(screen.queryByTestId('job-row-fraud-xgb-1')).toBeNull();
  });

  it('says there are no jobs yet and offers to create one', async () => {
    await openJobs(new FakeBridge());
    const empty = await screen.findByTestId('jobs-empty');
    expect(empty.textContent).toContain('No jobs yet');
    fireEvent.click(within(empty).getByRole('button', { name: 'Create training job' }));
    expect(await screen.findByTestId('create-job-form')).toBeTruthy();
  });

  it("shows the list call's error message", async () => {
    await openJobs(new FakeBridge({ 'training.list': () => fail('internal', 'the metadata store is locked; try again') }));
    expect((await screen.findByRole('alert')).textContent).toContain('the metadata store is locked; try again');
  });
});

type CreateRequest = RequestOf<'training.create'>;

async function openForm(bridge: FakeBridge) {
  await openJobs(bridge);
  fireEvent.click(await screen.findByRole('button', { name: /New training job/ }));
  return screen.findByTestId('create-job-form');
}

describe('Jobs pane: create form', () => {
  it('focuses a pre-filled, valid, unique name and prefills the algorithm defaults', async () => {
    await openForm(new FakeBridge());
    const name = (await screen.findByLabelText('Name')) as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(name));
    expect(name.value).toMatch(/^xgboost-\d{8}-\d{6}$/);
    expect((screen.getByLabelText('Algorithm') as HTMLSelectElement).value).toBe('xgboost');
    expect((screen.getByTestId('hp-eta') as HTMLInputElement).value).toBe('0.3');
    expect((screen.getByTestId('hp-max_depth') as HTMLInputElement).value).toBe('6');
    expect(screen.getByText('step size shrinkage')).toBeTruthy();
  });

  it('sends training.create with the channels as file:// URIs and the hyperparameters with their defaults, then opens the job', async () => {
    const bridge = new FakeBridge({
      'training.create': () => ok({ TrainingJobArn: 'arn:aws:sagemaker:local:000000000000:training-job/fraud-xgb-9' }),
      'training.describe': ({ TrainingJobName }) => ok(trainingDescription(TrainingJobName, { TrainingJobStatus: 'InProgress', SecondaryStatus: 'Starting' })),
    });
    const form = await openForm(bridge);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'fraud-xgb-9' } });
    fireEvent.change(screen.getByTestId('channel-path-train'), { target: { value: '/data/fraud data/train.csv' } });
    fireEvent.change(screen.getByTestId('channel-path-validation'), { target: { value: 's3://lathe/fraud/validation' } });
    fireEvent.change(screen.getByTestId('hp-num_round'), { target: { value: '100' } });
    fireEvent.change(screen.getByTestId('hp-objective'), { target: { value: 'binary:logistic' } });
    fireEvent.change(screen.getByTestId('hp-eta'), { target: { value: '0.2' } });
    fireEvent.submit(form);

    await waitFor(() => expect(bridge.callsTo('training.create')).toHaveLength(1));
    const request = bridge.callsTo('training.create')[0] as CreateRequest;
    expect(request.TrainingJobName).toBe('fraud-xgb-9');
    expect(request.AlgorithmSpecification).toEqual({ AlgorithmName: 'xgboost', TrainingInputMode: 'File' });
    expect(request.HyperParameters).toEqual({ num_round: '100', objective: 'binary:logistic', eta: '0.2', max_depth: '6', subsample: '1' });
    expect(request.InputDataConfig?.map((c) => [c.ChannelName, c.DataSource.S3DataSource.S3Uri])).toEqual([
      ['train', 'file:///data/fraud%20data/train.csv'],
      ['validation', 's3://lathe/fraud/validation'],
    ]);
    expect(request.OutputDataConfig).toEqual({ S3OutputPath: 's3://lathe/output' });
    expect(request.ResourceConfig).toEqual({ InstanceType: 'local', InstanceCount: 1 });
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 86400 });
    expect(request.CheckpointConfig).toBeUndefined();

    expect((await screen.findByTestId('job-status')).textContent).toBe('In progress');
    expect(screen.getByRole('heading', { level: 1, name: 'fraud-xgb-9' })).toBeTruthy();
  });

  it("shows main's invalid-argument message and keeps the form", async () => {
    const message = 'training.create: HyperParameters.max_depth: max_depth must be a whole number; got "deep"';
    const bridge = new FakeBridge({
      'training.create': () => fail('invalid-argument', message, { issues: [{ path: ['HyperParameters', 'max_depth'], message: 'max_depth must be a whole number; got "deep"' }] }),
    });
    const form = await openForm(bridge);
    fireEvent.change(screen.getByTestId('channel-path-train'), { target: { value: '/data/train.csv' } });
    fireEvent.change(screen.getByTestId('hp-num_round'), { target: { value: '10' } });
    fireEvent.submit(form);
    expect((await screen.findByTestId('create-job-error')).textContent).toBe(message);
    expect(screen.getByTestId('hp-max_depth').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('max_depth must be a whole number; got "deep"')).toBeTruthy();
    expect(screen.getByTestId('create-job-form')).toBeTruthy();
  });

  it('checks the name, required channels and hyperparameter ranges before asking main', async () => {
    const bridge = new FakeBridge();
    const form = await openForm(bridge);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'bad_name!' } });
    fireEvent.change(screen.getByTestId('hp-eta'), { target: { value: '1.5' } });
    fireEvent.change(screen.getByTestId('hp-subsample'), { target: { value: '0' } });
    fireEvent.submit(form);
    expect(await screen.findByText(/Use letters, digits and hyphens only/)).toBeTruthy();
    expect(screen.getByText('The train channel needs a file or folder.')).toBeTruthy();
    expect(screen.getByText('num_round is required.')).toBeTruthy();
    expect(screen.getByText('eta must be at most 1.')).toBeTruthy();
    expect(screen.getByText('subsample must be greater than 0.')).toBeTruthy();
    expect(bridge.callsTo('training.create')).toEqual([]);
  });

  it('sends a script-mode job with sagemaker_program and sagemaker_submit_directory', async () => {
    const bridge = new FakeBridge({ 'training.create': () => ok({ TrainingJobArn: 'arn' }) });
    const form = await openForm(bridge);
    fireEvent.change(screen.getByLabelText('Algorithm'), { target: { value: '__script__' } });
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toMatch(/^script-/);
    fireEvent.change(screen.getByLabelText('Source folder'), { target: { value: '/home/me/code' } });
    fireEvent.change(screen.getByTestId('channel-path-train'), { target: { value: '/data/train' } });
    fireEvent.click(screen.getByRole('button', { name: /Add hyperparameter/ }));
    fireEvent.change(screen.getByLabelText('Hyperparameter 1 name'), { target: { value: 'epochs' } });
    fireEvent.change(screen.getByLabelText('Hyperparameter 1 value'), { target: { value: '3' } });
    fireEvent.submit(form);
    await waitFor(() => expect(bridge.callsTo('training.create')).toHaveLength(1));
    const request = bridge.callsTo('training.create')[0] as CreateRequest;
    expect(request.AlgorithmSpecification.TrainingImage).toBe('lathe:process');
    expect(request.AlgorithmSpecification.AlgorithmName).toBeUndefined();
    expect(request.HyperParameters).toEqual({ epochs: '3', sagemaker_program: '"train.py"', sagemaker_submit_directory: '"file:///home/me/code"' });
  });

  it('shows the first rows of a channel file under the field', async () => {
    const bridge = new FakeBridge({
      'files.preview': ({ path }) => ok({ path, kind: 'file', files: 1, bytes: 2048, delimiter: ',', rows: [['0', '12.5', '3'], ['1', '980.0', '23']], truncated: true }),
    });
    await openForm(bridge);
    fireEvent.change(screen.getByTestId('channel-path-train'), { target: { value: '/data/train.csv' } });
    const preview = await screen.findByTestId('channel-preview-train', {}, { timeout: 3000 });
    expect(within(preview).getAllByRole('row').map((r) => r.textContent)).toEqual(['012.53', '1980.023']);
    expect(preview.textContent).toContain('2.0 KiB');
    expect(bridge.callsTo('files.preview')).toEqual([{ path: '/data/train.csv', rows: 5 }]);
  });

  it('picks a channel file with the keyboard-friendly file picker', async () => {
    const bridge = new FakeBridge({
      'files.list': ({ path }) =>
        path === '/data'
          ? ok({ path: '/data', parent: '/', entries: [{ name: 'train.csv', path: '/data/train.csv', kind: 'file', size: 10, modified: '' }], truncated: false })
          : ok({ path: '/home/me', parent: '/home', entries: [{ name: 'data', path: '/data', kind: 'directory', size: 0, modified: '' }], truncated: false }),
    });
    await openForm(bridge);
    fireEvent.click(screen.getByRole('button', { name: 'Browse for the train data' }));
    const picker = await screen.findByRole('dialog');
    fireEvent.click(await within(picker).findByText('data'));
    fireEvent.click(await within(picker).findByText('train.csv'));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect((screen.getByTestId('channel-path-train') as HTMLInputElement).value).toBe('/data/train.csv');
    expect(screen.getByTestId('create-job-form')).toBeTruthy();
  });

  it('closes on Escape', async () => {
    const form = await openForm(new FakeBridge());
    fireEvent.keyDown(screen.getByLabelText('Name'), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('create-job-form')).toBeNull());
    expect(form.isConnected).toBe(false);
    expect(await screen.findByTestId('jobs-empty')).toBeTruthy();
  });
});

async function openDetail(bridge: FakeBridge, name: string) {
  await openJobs(bridge);
  fireEvent.click(await screen.findByRole('button', { name }));
  return screen.findByTestId('job-status');
}

describe('Jobs pane: detail', () => {
  it('shows FailureReason prominently for a failed job', async () => {
    const reason = 'AlgorithmError: column 31 of train.csv is not a number: "abc" (row 7)';
    const bridge = new FakeBridge({
      'training.list': () => ok({ TrainingJobSummaries: [trainingSummary('broken', { TrainingJobStatus: 'Failed', SecondaryStatus: 'Failed', FailureReason: reason })] }),
      'training.describe': ({ TrainingJobName }) => ok(trainingDescription(TrainingJobName, { TrainingJobStatus: 'Failed', SecondaryStatus: 'Failed', FailureReason: reason, ModelArtifacts: undefined })),
    });
    const status = await openDetail(bridge, 'broken');
    expect(status.textContent).toBe('Failed');
    expect((await screen.findByTestId('failure-reason')).textContent).toContain(reason);
    expect((screen.getByRole('button', { name: /Stop/ }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByRole('button', { name: /Interrupt/ })).toBeNull();
  });

  it('loads the tail of the log, appends live lines without repeats, and filters by search', async () => {
    const bridge = new FakeBridge({
      'training.list': () => ok({ TrainingJobSummaries: [trainingSummary('live', { TrainingJobStatus: 'InProgress', TrainingEndTime: undefined })] }),
      'training.describe': ({ TrainingJobName }) => ok(trainingDescription(TrainingJobName, { TrainingJobStatus: 'InProgress', SecondaryStatus: 'Training' })),
      'training.logs': () => ok({ lines: ['Training binary:logistic on 8000 rows', '[0]\ttrain-auc:0.91\tvalidation-auc:0.90'], start: 40, next: 42, total: 42, complete: false }),
    });
    await openDetail(bridge, 'live');
    const log = await screen.findByTestId('job-log');
    await waitFor(() => expect(log.textContent).toContain('validation-auc:0.90'));
    expect(bridge.callsTo('training.logs')).toEqual([{ TrainingJobName: 'live', start: -2000, limit: 2000 }]);
    // Line numbers continue from the page's start.
    expect(log.querySelector('[data-line="41"]')?.textContent).toContain('Training binary:logistic');

    act(() => {
      bridge.emit('jobs.log', { kind: 'training', job: 'live', stream: 'stdout', line: '[1]\ttrain-auc:0.93\tvalidation-auc:0.92' });
      bridge.emit('jobs.log', { kind: 'training', job: 'other', stream: 'stdout', line: 'not this job' });
    });
    await waitFor(() => expect(log.textContent).toContain('validation-auc:0.92'));
    expect(log.textContent).not.toContain('not this job');
    expect(log.querySelectorAll('.log-line')).toHaveLength(3);

    fireEvent.change(screen.getByLabelText('Search the log'), { target: { value: 'VALIDATION-auc' } });
    expect(screen.getByTestId('log-count').textContent).toContain('2 matching lines');
    expect(log.querySelectorAll('mark')).toHaveLength(2);
    fireEvent.click(screen.getByLabelText('Only matching lines'));
    expect(log.querySelectorAll('.log-line')).toHaveLength(2);
    expect(log.textContent).not.toContain('Training binary:logistic');
  });

  it('renders ANSI colours as styled text and never markup from the log', async () => {
    const bridge = new FakeBridge({
      'training.list': () => ok({ TrainingJobSummaries: [trainingSummary('ansi')] }),
      'training.describe': ({ TrainingJobName }) => ok(trainingDescription(TrainingJobName)),
      'training.logs': () =>
        ok({ lines: ['\u001b[1;31mERROR\u001b[0m disk \u001b[38;5;46mok\u001b[0m', '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>'], start: 0, next: 2, total: 2, complete: true }),
    });
    await openDetail(bridge, 'ansi');
    const log = await screen.findByTestId('job-log');
    await waitFor(() => expect(log.textContent).toContain('ERROR disk ok'));
    expect(log.textContent).not.toContain('\u001b');
    expect(log.textContent).not.toContain('[31m');
    const error = within(log).getByText('ERROR');
    expect(error.className).toContain('ansi-fg-1');
    expect(error.className).toContain('ansi-bold');
    expect(within(log).getByText('ok').style.color).toBe('rgb(0, 255, 0)');
    expect(log.textContent).toContain('<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>');
    expect(log.querySelector('img')).toBeNull();
    expect(log.querySelector('script')).toBeNull();
    expect((window as { pwned?: number }).pwned).toBeUndefined();
  });

  it('charts the metrics per step and lists the final metrics', async () => {
    const bridge = new FakeBridge({
      'training.list': () => ok({ TrainingJobSummaries: [trainingSummary('charted')] }),
      'training.describe': ({ TrainingJobName }) => ok(trainingDescription(TrainingJobName)),
      'training.metrics': () =>
        ok({
          series: [
            { name: 'train:auc', points: [{ step: 0, value: 0.9 }, { step: 1, value: 0.95 }] },
            { name: 'validation:auc', points: [{ step: 0, value: 0.88 }, { step: 1, value: 0.97312 }] },
          ],
        }),
    });
    await openDetail(bridge, 'charted');
    fireEvent.click(screen.getByRole('tab', { name: 'Metrics' }));
    // The chart's module loads on first use (recharts is code-split), which can take a moment here.
    const chart = await screen.findByTestId('job-metrics-chart', {}, { timeout: 10_000 });
    await waitFor(() => expect(chart.getAttribute('data-series')).toBe('train:auc,validation:auc'));
    expect(chart.getAttribute('data-points')).toBe('4');
    expect(within(chart).getByTestId('metric-chart-auc')).toBeTruthy();
    const finals = screen.getByTestId('final-metrics');
    expect(finals.textContent).toContain('validation:auc');
    expect(finals.textContent).toContain('0.97312');
  });

  it('shows hyperparameters, the model path with a copy button, and the transitions', async () => {
    const bridge = new FakeBridge({
      'training.list': () => ok({ TrainingJobSummaries: [trainingSummary('done')] }),
      'training.describe': ({ TrainingJobName }) => ok(trainingDescription(TrainingJobName)),
    });
    await openDetail(bridge, 'done');
    fireEvent.click(await screen.findByRole('tab', { name: 'Hyperparameters' }));
    expect(screen.getByTestId('job-hyperparameters').textContent).toContain('binary:logistic');
    fireEvent.click(screen.getByRole('tab', { name: 'Artifacts' }));
    const model = '/home/me/.config/Lathe/s3/lathe/output/done/output/model.tar.gz';
    expect(screen.getByTestId('job-artifacts').textContent).toContain(model);
    expect(screen.getByRole('button', { name: `Copy: ${model}` })).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: 'Transitions' }));
    expect(screen.getByTestId('job-transitions').textContent).toContain('Training image download completed. Training in progress.');
  });

  it('stops and interrupts a running job, and shows why when main refuses', async () => {
    const bridge = new FakeBridge({
      'training.list': () => ok({ TrainingJobSummaries: [trainingSummary('running', { TrainingJobStatus: 'InProgress', TrainingEndTime: undefined })] }),
      'training.describe': ({ TrainingJobName }) => ok(trainingDescription(TrainingJobName, { TrainingJobStatus: 'InProgress', SecondaryStatus: 'Training' })),
      'training.stop': () => ok({}),
      'training.interrupt': () => fail('failed-precondition', 'running has no CheckpointConfig; an interruption would lose its progress'),
    });
    await openDetail(bridge, 'running');
    expect((await screen.findByTestId('job-secondary-status')).textContent).toBe('Training');
    fireEvent.click(screen.getByRole('button', { name: /Interrupt/ }));
    expect((await screen.findByRole('alert')).textContent).toContain('running has no CheckpointConfig');
    // The buttons stay disabled until the refused action has settled (the alert can show a tick earlier).
    const stop = screen.getByRole('button', { name: /Stop/ }) as HTMLButtonElement;
    await waitFor(() => expect(stop.disabled).toBe(false));
    fireEvent.click(stop);
    await waitFor(() => expect(bridge.callsTo('training.stop')).toEqual([{ TrainingJobName: 'running' }]));
    expect(bridge.callsTo('training.interrupt')).toEqual([{ TrainingJobName: 'running' }]);
  });

  it("opens a processing job with its log and its container's inputs and outputs", async () => {
    const bridge = jobsBridge({
      'processing.describe': ({ ProcessingJobName }) =>
        ok({
          ProcessingJobName,
          ProcessingJobArn: `arn:aws:sagemaker:local:000000000000:processing-job/${ProcessingJobName}`,
          ProcessingJobStatus: 'Completed',
          ProcessingInputs: [{ InputName: 'raw', S3Input: { S3Uri: 's3://lathe/raw', LocalPath: '/opt/ml/processing/input', S3DataType: 'S3Prefix' } }],
          ProcessingOutputConfig: { Outputs: [{ OutputName: 'train', S3Output: { S3Uri: 's3://lathe/train', LocalPath: '/opt/ml/processing/train', S3UploadMode: 'EndOfJob' } }] },
          ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'local', VolumeSizeInGB: 1 } },
          AppSpecification: { ImageUri: 'lathe-python:local', ContainerEntrypoint: ['python3', 'prep.py'] },
          CreationTime: new Date().toISOString(),
          LastModifiedTime: new Date().toISOString(),
        }),
      'processing.logs': () => ok({ lines: ['split 10000 rows into 8000 and 2000'], start: 0, next: 1, total: 1, complete: true }),
    });
    const status = await openDetail(bridge, 'fraud-prep-1');
    expect(status.textContent).toBe('Completed');
    expect((await screen.findByTestId('job-log')).textContent).toContain('split 10000 rows into 8000 and 2000');
    expect(bridge.callsTo('processing.logs')).toEqual([{ ProcessingJobName: 'fraud-prep-1', start: -2000, limit: 2000 }]);
    expect(screen.queryByRole('button', { name: /Clone/ })).toBeNull();
    fireEvent.click(screen.getByRole('tab', { name: 'Details' }));
    expect(screen.getByText('python3 prep.py')).toBeTruthy();
    expect(screen.getByText('s3://lathe/train')).toBeTruthy();
  });

  it('clones a job into the form under a new name with its settings', async () => {
    const bridge = new FakeBridge({
      'training.list': () => ok({ TrainingJobSummaries: [trainingSummary('fraud-xgb-1')] }),
      'training.describe': ({ TrainingJobName }) => ok(trainingDescription(TrainingJobName)),
    });
    await openDetail(bridge, 'fraud-xgb-1');
    fireEvent.click(await screen.findByRole('button', { name: /Clone/ }));
    await screen.findByTestId('create-job-form');
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('fraud-xgb-2');
    expect((screen.getByTestId('hp-num_round') as HTMLInputElement).value).toBe('100');
    expect((screen.getByTestId('hp-eta') as HTMLInputElement).value).toBe('0.2');
    expect((screen.getByTestId('hp-objective') as HTMLSelectElement).value).toBe('binary:logistic');
    expect((screen.getByTestId('channel-path-train') as HTMLInputElement).value).toBe('/data/fraud/train.csv');
    expect((screen.getByLabelText('Max runtime (seconds)') as HTMLInputElement).value).toBe('3600');
    fireEvent.keyDown(screen.getByLabelText('Name'), { key: 'Escape' });
    expect(await screen.findByTestId('job-status')).toBeTruthy();
  });
});

describe('Jobs from the command palette', () => {
  it('"New training job" opens the create form in the Jobs pane', async () => {
    renderApp(new FakeBridge());
    await screen.findByTestId('cpu-cores');
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    fireEvent.change(screen.getByPlaceholderText('Type a command…'), { target: { value: 'new training' } });
    fireEvent.keyDown(screen.getByPlaceholderText('Type a command…'), { key: 'Enter' });
    expect(await screen.findByTestId('create-job-form')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Jobs' }).getAttribute('aria-current')).toBe('page');
  });
});
