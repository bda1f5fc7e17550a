import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { InvokeResult } from '../../main/contract/endpoints';
import { fail, ok, type Result } from '../../main/contract/result';
import { answer, endpoint, endpointsBridge, MODEL_ERROR, openEndpoint, resetEndpoints, variant } from './endpointsFixtures';
import { resetRenderer } from './harness';

afterEach(() => {
  resetRenderer();
  resetEndpoints();
});

const TWO_VARIANTS = endpoint('fraud-prod-v1', 'InService', { ProductionVariants: [variant('AllTraffic', 2, 9), variant('Canary', 1, 1)] });

describe('Endpoints pane: the test console', () => {
  it('prefills the payload from the training data and sends exactly the request, then shows the answer and latencies', async () => {
    const { bridge } = endpointsBridge({ endpoints: [TWO_VARIANTS] }, { 'endpoints.invoke': () => ok(answer('{"predictions":[{"score":0.0123}]}', { ContentType: 'application/json', InvokedProductionVariant: 'Canary', ModelLatencyMs: 3.42, OverheadLatencyMs: 1.25 })) });
    await openEndpoint(bridge, 'fraud-prod-v1');
    const payload = await screen.findByLabelText('Payload');
    await waitFor(() => expect((payload as HTMLTextAreaElement).value).toBe('200.0,14,0.85,5'));
    expect(screen.getByTestId('console-sample-source').textContent).toBe('Prefilled from train.csv of training job fraud-xgb, first row without its label.');
    expect(bridge.callsTo('endpoints.sample')).toEqual([{ EndpointName: 'fraud-prod-v1' }]);

    fireEvent.change(screen.getByLabelText('Accept'), { target: { value: 'application/json' } });
    fireEvent.change(screen.getByLabelText('Target variant'), { target: { value: 'Canary' } });
    fireEvent.change(payload, { target: { value: '120.5,3,0.2,1' } });
    fireEvent.keyDown(payload, { key: 'Enter', ctrlKey: true });

    const response = await screen.findByTestId('console-response');
    expect(bridge.callsTo('endpoints.invoke')).toEqual([{ EndpointName: 'fraud-prod-v1', Body: '120.5,3,0.2,1', ContentType: 'text/csv', Accept: 'application/json', TargetVariant: 'Canary' }]);
    expect(response.dataset.ok).toBe('true');
    expect(within(response).getByTestId('console-status').textContent).toBe('200 OK');
    expect(within(response).getByTestId('console-body').textContent).toBe('{"predictions":[{"score":0.0123}]}');
    expect(within(response).getByTestId('console-variant').textContent).toBe('Canary');
    expect(within(response).getByTestId('console-model-latency').textContent).toBe('3.4 ms');
    expect(within(response).getByTestId('console-overhead-latency').textContent).toBe('1.3 ms');
  });

  it('sends application/x-npy as base64 and refuses a payload that is not', async () => {
    const { bridge } = endpointsBridge({ endpoints: [TWO_VARIANTS] });
    await openEndpoint(bridge, 'fraud-prod-v1');
    const payload = await screen.findByLabelText('Payload');
    fireEvent.change(screen.getByLabelText('Content type'), { target: { value: 'application/x-npy' } });
    fireEvent.change(payload, { target: { value: 'not base64!' } });
    expect(screen.getByLabelText('Payload (the .npy bytes as base64)')).toBe(payload);
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('An application/x-npy payload is typed as base64');
    expect(payload.getAttribute('aria-invalid')).toBe('true');
    expect(payload.getAttribute('aria-describedby')?.split(' ')).toContain(alert.id);
    expect(bridge.callsTo('endpoints.invoke')).toEqual([]);
    fireEvent.change(payload, { target: { value: 'k05VTVBZAQB2AHsnZGVz\ndHInOiAnPGY4Jywg' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await screen.findByTestId('console-response');
    expect(bridge.callsTo('endpoints.invoke')).toEqual([{ EndpointName: 'fraud-prod-v1', Body: 'k05VTVBZAQB2AHsnZGVzdHInOiAnPGY4Jywg', BodyEncoding: 'base64', ContentType: 'application/x-npy', Accept: 'text/csv' }]);
  });

  it("shows a ModelError's type, the model's status code and its message", async () => {
    const { bridge } = endpointsBridge({ endpoints: [TWO_VARIANTS] }, { 'endpoints.invoke': () => ({ ok: false, error: MODEL_ERROR }) });
    await openEndpoint(bridge, 'fraud-prod-v1');
    await waitFor(() => expect((screen.getByLabelText('Payload') as HTMLTextAreaElement).value).not.toBe(''));
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    const response = await screen.findByTestId('console-response');
    expect(response.dataset.ok).toBe('false');
    expect(within(response).getByTestId('console-status').textContent).toBe('ModelError');
    expect(within(response).getByTestId('console-original-status').textContent).toBe('model answered HTTP 415');
    expect(within(response).getByTestId('console-error-message').textContent).toBe(MODEL_ERROR.message);
    expect(within(response).getByTestId('console-original-message').textContent).toBe('content type text/plain is not supported; send text/csv, application/json or application/x-npy');
    const rows = within(screen.getByTestId('console-history')).getAllByRole('row').slice(1);
    expect(within(rows[0]!).getAllByRole('cell')[1]!.textContent).toBe('ModelError 415');
  });

  it('leaves the payload empty with the reason when there is no sample', async () => {
    const { bridge } = endpointsBridge({ endpoints: [TWO_VARIANTS] }, {
      'endpoints.sample': () => fail('failed-precondition', 'Lathe knows no training data for this model (it was not deployed from a registry version registered from a training job); type a payload instead'),
    });
    await openEndpoint(bridge, 'fraud-prod-v1');
    const hint = await screen.findByTestId('console-sample-hint');
    expect(hint.textContent).toBe('No sample payload: Lathe knows no training data for this model (it was not deployed from a registry version registered from a training job); type a payload instead');
    expect((screen.getByLabelText('Payload') as HTMLTextAreaElement).value).toBe('');
  });

  it('keeps the last requests and restores a payload from the history', async () => {
    let n = 0;
    const { bridge } = endpointsBridge({ endpoints: [TWO_VARIANTS] }, { 'endpoints.invoke': () => ok(answer(String(++n / 10), { ModelLatencyMs: n, OverheadLatencyMs: 0.5 })) });
    await openEndpoint(bridge, 'fraud-prod-v1');
    const payload = await screen.findByLabelText('Payload');
    await waitFor(() => expect((payload as HTMLTextAreaElement).value).toBe('200.0,14,0.85,5'));
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(screen.getByTestId('console-body').textContent).toBe('0.1'));
    const editor = screen.getByTestId('console-payload');
    expect(editor.dataset.language).toBe('plaintext');
    fireEvent.change(screen.getByLabelText('Content type'), { target: { value: 'application/json' } });
    expect(editor.dataset.language).toBe('json');
    fireEvent.change(payload, { target: { value: '[[1, 2, 3, 4]]' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(screen.getByTestId('console-body').textContent).toBe('0.2'));
    const rows = () => within(screen.getByTestId('console-history')).getAllByRole('row').slice(1);
    expect(rows().map((row) => within(row).getAllByRole('cell').slice(1).map((td) => td.textContent))).toEqual([
      ['OK', '2.5 ms', '[[1, 2, 3, 4]]'],
      ['OK', '1.5 ms', '200.0,14,0.85,5'],
    ]);
    fireEvent.keyDown(rows()[1]!, { key: 'Enter' });
    expect((payload as HTMLTextAreaElement).value).toBe('200.0,14,0.85,5');
    expect(editor.dataset).toMatchObject({ value: '200.0,14,0.85,5', language: 'plaintext' });
    expect((screen.getByLabelText('Content type') as HTMLSelectElement).value).toBe('text/csv');
  });
});

describe('Endpoints pane: the load test', () => {
  it('sends N requests at most C at a time and computes the percentiles, throughput and errors from the answers', async () => {
    let calls = 0;
    let inFlight = 0;
    let most = 0;
    const { bridge } = endpointsBridge({ endpoints: [TWO_VARIANTS] }, {
      'endpoints.invoke': async (): Promise<Result<InvokeResult>> => {
        const k = ++calls;
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight--;
        // Every 25th fails; the others take k ms in all (k - 0.5 in the model, 0.5 around it).
        return k % 25 === 0 ? { ok: false, error: MODEL_ERROR } : ok(answer('0.5', { ModelLatencyMs: k - 0.5, OverheadLatencyMs: 0.5 }));
      },
    });
    await openEndpoint(bridge, 'fraud-prod-v1');
    await waitFor(() => expect((screen.getByLabelText('Payload') as HTMLTextAreaElement).value).toBe('200.0,14,0.85,5'));
    fireEvent.click(screen.getByRole('tab', { name: 'Load test' }));
    // A lazy chunk with recharts: slow to load the first time on a busy machine.
    const panel = await screen.findByTestId('load-panel', {}, { timeout: 10_000 });
    expect((within(panel).getByLabelText('Requests') as HTMLInputElement).value).toBe('500');
    expect((within(panel).getByLabelText('Concurrency') as HTMLInputElement).value).toBe('8');
    fireEvent.change(within(panel).getByLabelText('Requests'), { target: { value: '100' } });
    fireEvent.change(within(panel).getByLabelText('Concurrency'), { target: { value: '4' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Run load test' }));
    await waitFor(() => expect(within(panel).getByTestId('load-progress').textContent).toBe('100 / 100 · done · 4 errors'), { timeout: 10_000 });

    expect(calls).toBe(100);
    expect(most).toBe(4);
    expect(bridge.callsTo('endpoints.invoke')[0]).toEqual({ EndpointName: 'fraud-prod-v1', Body: '200.0,14,0.85,5', ContentType: 'text/csv', Accept: 'text/csv' });
    // 96 answers: 1..99 without 25, 50, 75. Nearest rank: p50 is the 48th (49), p95 the 92nd (95), p99 the 96th (99).
    expect(within(panel).getByTestId('load-p50').textContent).toBe('49 ms');
    expect(within(panel).getByTestId('load-p95').textContent).toBe('95 ms');
    expect(within(panel).getByTestId('load-p99').textContent).toBe('99 ms');
    expect(within(panel).getByTestId('load-max').textContent).toBe('99 ms');
    expect(within(panel).getByTestId('load-errors').textContent).toBe('4 of 100');
    expect(Number(within(panel).getByTestId('load-rps').textContent)).toBeGreaterThan(0);
    expect(within(panel).getByTestId('load-error-kinds').textContent).toBe('ModelError 415 × 4');
    const chart = await within(panel).findByTestId('latency-histogram');
    // 1..99 ms in 5 ms buckets from 0: 20 buckets holding all 96 answers.
    expect(chart.dataset.buckets).toBe('20');
    expect(chart.dataset.count).toBe('96');
  });

  it('stops starting requests when canceled', async () => {
    let calls = 0;
    const release: Array<() => void> = [];
    const { bridge } = endpointsBridge({ endpoints: [TWO_VARIANTS] }, {
      'endpoints.invoke': () => {
        calls++;
        return new Promise((resolve) => release.push(() => resolve(ok(answer()))));
      },
    });
    await openEndpoint(bridge, 'fraud-prod-v1');
    await waitFor(() => expect((screen.getByLabelText('Payload') as HTMLTextAreaElement).value).not.toBe(''));
    fireEvent.click(screen.getByRole('tab', { name: 'Load test' }));
    // A lazy chunk with recharts: slow to load the first time on a busy machine.
    const panel = await screen.findByTestId('load-panel', {}, { timeout: 10_000 });
    fireEvent.click(within(panel).getByRole('button', { name: 'Run load test' }));
    await waitFor(() => expect(calls).toBe(8));
    fireEvent.click(within(panel).getByRole('button', { name: 'Cancel' }));
    for (const done of release.splice(0)) done();
    await waitFor(() => expect(within(panel).getByTestId('load-progress').textContent).toBe('8 / 500 · canceled'));
    expect(calls).toBe(8);
    expect(within(panel).getByRole('button', { name: 'Run load test' })).toBeTruthy();
  });
});
