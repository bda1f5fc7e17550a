import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CapturedData } from '../../main/contract/endpoints';
import { fail, ok } from '../../main/contract/result';
import { captured, capturedRecord, endpoint, endpointsBridge, openEndpoint, resetEndpoints, variant, variantMetrics } from './endpointsFixtures';
import { resetRenderer } from './harness';

afterEach(() => {
  vi.useRealTimers();
  Object.defineProperty(document, 'visibilityState', { configurable: true, value: 'visible' });
  resetRenderer();
  resetEndpoints();
});

const TWO_VARIANTS = endpoint('fraud-prod-v1', 'InService', { ProductionVariants: [variant('AllTraffic', 2, 9), variant('Canary', 1, 1)] });
const WORKERS = [
  { Variant: 'AllTraffic', Worker: 0, File: '/home/ana/lathe/endpoints/fraud-prod-v1/fraud-prod-v1-config/AllTraffic/worker-0.log', Lines: ['lathe model server: loading xgboost-model', 'listening on 127.0.0.1:41234'] },
  { Variant: 'Canary', Worker: 0, File: '/home/ana/lathe/endpoints/fraud-prod-v1/fraud-prod-v1-config/Canary/worker-0.log', Lines: ['\u001b[31mwarning\u001b[0m: slow start <b>not bold</b>'] },
];

/** Only intervals are faked: the panels poll with setInterval, Testing Library waits with setTimeout. */
const fakeIntervals = () => vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });

async function openTab(name: string, bridge: Parameters<typeof openEndpoint>[0]) {
  await openEndpoint(bridge, 'fraud-prod-v1');
  fireEvent.click(screen.getByRole('tab', { name }));
}

describe('Endpoints pane: metrics', () => {
  it("charts each variant's invocations, errors and workers and tabulates latencies, errors, cold starts and the shadow", async () => {
    const { bridge } = endpointsBridge({ endpoints: [TWO_VARIANTS] }, {
      'endpoints.metrics': () =>
        ok({
          EndpointName: 'fraud-prod-v1',
          Variants: [
            variantMetrics('AllTraffic', [0, 12, 30, 8], { Invocation4XXErrors: 3, Invocation5XXErrors: 1, ColdStarts: [{ Time: '2026-03-01T10:00:02Z', Milliseconds: 2140 }] }),
            variantMetrics('Canary', [0, 1, 2, 1]),
          ],
          Shadows: [{ VariantName: 'Shadow', Invocations: 54, Errors: 0, Dropped: 2, Matches: 50, Mismatches: 4, MeanAbsDifference: 0.0123, RecentMismatches: [{ Time: '2026-03-01T10:00:04Z', Request: '1,2,3,4', Production: '0.1', Shadow: '<script>alert(1)</script>' }] }],
        }),
    });
    await openTab('Metrics', bridge);
    // A lazy chunk with recharts: slow to load the first time on a busy machine.
    const panel = await screen.findByTestId('endpoint-metrics', {}, { timeout: 10_000 });
    const row = await within(panel).findByTestId('metrics-variant-AllTraffic');
    expect(bridge.callsTo('endpoints.metrics')[0]).toEqual({ EndpointName: 'fraud-prod-v1', WindowSeconds: 300, StepSeconds: 5 });
    const cell = (id: string) => within(row).getByTestId(id).textContent;
    expect([cell('metrics-invocations'), cell('metrics-4xx'), cell('metrics-5xx')]).toEqual(['50', '3', '1']);
    expect(['p50', 'p95', 'p99'].map((p) => cell(`metrics-model-${p}`))).toEqual(['3.2 ms', '8.9 ms', '12 ms']);
    expect(['p50', 'p95', 'p99'].map((p) => cell(`metrics-overhead-${p}`))).toEqual(['0.41 ms', '1.5 ms', '2.3 ms']);
    expect(cell('metrics-cold-starts')).toBe('1 (last 2,140 ms)');
    expect(within(within(panel).getByTestId('metrics-variant-Canary')).getByTestId('metrics-cold-starts').textContent).toBe('0');

    const chart = await within(panel).findByTestId('metrics-chart-AllTraffic');
    expect(chart.dataset).toMatchObject({ points: '4', invocations: '50', errors: '0' });
    expect(within(panel).getByTestId('metrics-workers-Canary').dataset.workers).toBe('2');

    const shadow = within(panel).getByTestId('metrics-shadow-Shadow');
    expect(within(shadow).getByTestId('shadow-matches').textContent).toBe('50');
    expect(within(shadow).getByTestId('shadow-mismatches').textContent).toBe('4');
    // A model's answer is text, never markup.
    expect(within(panel).getByTestId('shadow-recent-mismatches').textContent).toContain('<script>alert(1)</script>');
    expect(panel.querySelector('script')).toBeNull();
  });

  it('says there is nothing to chart before the first invocation', async () => {
    const { bridge } = endpointsBridge({ endpoints: [TWO_VARIANTS] }, { 'endpoints.metrics': () => ok({ EndpointName: 'fraud-prod-v1', Variants: [variantMetrics('AllTraffic', [0, 0, 0]), variantMetrics('Canary', [0, 0, 0])] }) });
    await openTab('Metrics', bridge);
    const empty = await screen.findByTestId('metrics-empty');
    expect(empty.textContent).toContain('No invocations in the last 5 minutes (AllTraffic, Canary).');
    expect(screen.queryByTestId('metrics-summary')).toBeNull();
  });

  it('polls every 2 s while the tab is shown and the window visible, and stops when the tab closes', async () => {
    fakeIntervals();
    const { bridge } = endpointsBridge({ endpoints: [TWO_VARIANTS] }, { 'endpoints.metrics': () => ok({ EndpointName: 'fraud-prod-v1', Variants: [variantMetrics('AllTraffic', [1])] }) });
    await openTab('Metrics', bridge);
    await screen.findByTestId('metrics-summary');
    const calls = () => bridge.callsTo('endpoints.metrics').length;
    expect(calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(2000);
    await waitFor(() => expect(calls()).toBe(2));

    // Hidden window: no calls; visible again: one at once, then every 2 s.
    Object.defineProperty(document, 'visibilityState', { configurable: true, value: 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls()).toBe(2);
    Object.defineProperty(document, 'visibilityState', { configurable: true, value: 'visible' });
    document.dispatchEvent(new Event('visibilitychange'));
    await waitFor(() => expect(calls()).toBe(3));
    await vi.advanceTimersByTimeAsync(2000);
    await waitFor(() => expect(calls()).toBe(4));

    fireEvent.click(screen.getByRole('tab', { name: 'Test console' }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls()).toBe(4);
    expect(screen.queryByTestId('endpoint-metrics')).toBeNull();
  });
});

describe('Endpoints pane: captured data', () => {
  it('lists the captured calls newest first, as text, and expands one to its full data', async () => {
    const long = `${'1.5,'.repeat(1200)}… [truncated: 9,600 characters in all]`;
    const records = [
      capturedRecord('e3', 3, '<img src=x onerror="alert(1)">', '0.9', { InferenceId: 'req-3' }),
      capturedRecord('e2', 2, long, '0.2', { Variant: 'Canary' }),
      capturedRecord('e1', 1, '200.0,14,0.85,5', '0.0123', { Output: undefined }),
    ];
    records[1]!.Input!.OriginalLength = 9600;
    const { bridge } = endpointsBridge({ endpoints: [TWO_VARIANTS] }, { 'endpoints.captured': () => ok(captured(records, { Skipped: 2 })) });
    await openTab('Captured data', bridge);
    const panel = await screen.findByTestId('endpoint-captured');
    const table = await within(panel).findByTestId('captured-table');
    expect(bridge.callsTo('endpoints.captured')[0]).toEqual({ EndpointName: 'fraud-prod-v1', MaxRecords: 100 });
    const rows = within(table).getAllByRole('row').filter((r) => r.dataset.testid?.startsWith('captured-row-'));
    expect(rows.map((r) => r.dataset.testid)).toEqual(['captured-row-e3', 'captured-row-e2', 'captured-row-e1']);
    expect(within(rows[0]!).getAllByRole('cell').slice(2).map((td) => td.textContent)).toEqual(['AllTraffic', 'e3', '<img src=x onerror="alert(1)">', '0.9', 'text/csv → text/csv; charset=utf-8']);
    expect(within(rows[2]!).getByTestId('captured-output').textContent).toBe('—');
    expect(panel.querySelector('img')).toBeNull();
    expect(within(panel).getByTestId('captured-skipped').textContent).toBe('2 lines of the capture files could not be read as records and were skipped.');
    expect(within(panel).getByTestId('captured-folder').textContent).toBe('/home/ana/lathe/s3/lathe-default/capture/fraud-prod-v1');
    expect(panel.textContent).toContain('Capturing 100% of requests to s3://lathe-default/capture');

    const expand = within(rows[1]!).getByRole('button', { name: 'Show the data of event e2' });
    expect(expand.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(expand);
    const detail = within(panel).getByTestId('captured-detail-e2');
    expect(expand.getAttribute('aria-expanded')).toBe('true');
    expect(within(detail).getByTestId('captured-input-full').textContent).toBe(long);
    expect(detail.textContent).toContain('Request · text/csv · CSV · cut short: 9,600 characters in all');
    expect(within(detail).getByTestId('captured-output-full').textContent).toBe('0.2');
    fireEvent.click(within(rows[1]!).getByRole('button', { name: 'Hide the data of event e2' }));
    expect(within(panel).queryByTestId('captured-detail-e2')).toBeNull();

    fireEvent.click(within(panel).getByRole('button', { name: 'Refresh captured data' }));
    await waitFor(() => expect(bridge.callsTo('endpoints.captured')).toHaveLength(2));
  });

  it('explains how to turn capture on when it is off, and says when nothing was captured yet', async () => {
    let answer: CapturedData = { EndpointName: 'fraud-prod-v1', Enabled: false, Records: [], Skipped: 0 };
    const { bridge } = endpointsBridge({ endpoints: [TWO_VARIANTS] }, { 'endpoints.captured': () => ok(answer) });
    await openTab('Captured data', bridge);
    const off = await screen.findByTestId('captured-off');
    expect(off.textContent).toContain('Data capture is off for this endpoint: its config fraud-prod-v1-config captures nothing.');
    for (const field of ['"EnableCapture": true', '"InitialSamplingPercentage": 100', '"DestinationS3Uri"', '"CaptureMode": "InputAndOutput"']) expect(off.textContent).toContain(field);
    expect(off.textContent).toContain('Update…');

    answer = captured([], { SamplingPercentage: 20 });
    fireEvent.click(screen.getByRole('button', { name: 'Refresh captured data' }));
    const none = await screen.findByTestId('captured-none');
    expect(none.textContent).toContain('Nothing was captured yet.');
    expect(none.textContent).toContain('about 20% of requests');
    expect(screen.queryByTestId('captured-off')).toBeNull();
  });

  it('shows why it could not read, and polls only while shown', async () => {
    fakeIntervals();
    const { bridge } = endpointsBridge({ endpoints: [TWO_VARIANTS] }, { 'endpoints.captured': () => fail('not-found', 'Could not find endpoint "fraud-prod-v1".') });
    await openTab('Captured data', bridge);
    expect((await screen.findByRole('alert')).textContent).toContain('Could not find endpoint "fraud-prod-v1".');
    await vi.advanceTimersByTimeAsync(5000);
    await waitFor(() => expect(bridge.callsTo('endpoints.captured')).toHaveLength(2));
    fireEvent.click(screen.getByRole('tab', { name: 'Logs' }));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(bridge.callsTo('endpoints.captured')).toHaveLength(2);
  });
});

describe('Endpoints pane: worker logs', () => {
  it("shows each worker's last lines as text under its log file's path, refreshed while shown and not after", async () => {
    fakeIntervals();
    let lines = WORKERS;
    const { bridge } = endpointsBridge({ endpoints: [TWO_VARIANTS] }, { 'endpoints.logs': () => ok({ EndpointName: 'fraud-prod-v1', EndpointConfigName: 'fraud-prod-v1-config', Workers: lines }) });
    await openTab('Logs', bridge);
    const panel = await screen.findByTestId('endpoint-logs');
    const first = await within(panel).findByTestId('logs-worker-AllTraffic-0');
    expect(bridge.callsTo('endpoints.logs')[0]).toEqual({ EndpointName: 'fraud-prod-v1', Lines: 200 });
    expect(within(first).getByTestId('logs-file').textContent).toBe(WORKERS[0]!.File);
    expect(within(first).getByTestId('logs-lines').textContent).toBe('lathe model server: loading xgboost-modellistening on 127.0.0.1:41234');
    const canary = within(panel).getByTestId('logs-worker-Canary-0');
    expect(within(canary).getByTestId('logs-lines').textContent).toBe('warning: slow start <b>not bold</b>');
    expect(canary.querySelector('b')).toBeNull();
    expect(panel.textContent).toContain('of config fraud-prod-v1-config');

    lines = [{ ...WORKERS[0]!, Lines: [...WORKERS[0]!.Lines, 'POST /invocations 200'] }];
    await vi.advanceTimersByTimeAsync(2000);
    await waitFor(() => expect(within(panel).getByTestId('logs-lines').dataset.lines).toBe('3'));
    expect(within(panel).queryByTestId('logs-worker-Canary-0')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Back to endpoints' }));
    const before = bridge.callsTo('endpoints.logs').length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(bridge.callsTo('endpoints.logs')).toHaveLength(before);
  });

  it('says when no worker has written a log yet', async () => {
    const { bridge } = endpointsBridge({ endpoints: [TWO_VARIANTS] }, { 'endpoints.logs': () => ok({ EndpointName: 'fraud-prod-v1', EndpointConfigName: 'fraud-prod-v1-config', Workers: [] }) });
    await openTab('Logs', bridge);
    expect((await screen.findByTestId('logs-empty')).textContent).toContain('No worker has written a log for this config yet.');
  });
});
