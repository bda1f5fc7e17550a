/**
 * Data capture read back for real: the seed POC's fraud model deployed with DataCaptureConfig at
 * 100%, invoked over Lathe's HTTP door, and endpoints.captured answering those requests' bodies and
 * the model's answers, newest first; an endpoint that captures nothing says so; an unknown one is
 * not-found.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLathe, type Lathe } from '../../../main/app';
import type { CapturedData, EndpointDescription, InvokeResult } from '../../../main/contract/endpoints';
import { callServed } from '../../helpers/http';
import { seedTrainingJob, uploadSeedFraud } from '../../helpers/seedFraud';
import { until } from '../../helpers/until';

const PYTHON = '/usr/bin/python3';
const MODEL_URI = 's3://lathe-demo/fraud/output/fraud-capture-xgb/output/model.tar.gz';
const ROWS = ['200.0,14,0.85,5', '12.5,3,0.1,1', '980.0,23,0.95,9', '45.0,11,0.3,2'];

let lathe: Lathe;
const served = () => ({ url: lathe.url!, token: lathe.token });

async function deploy(name: string, capture: Record<string, unknown> | null): Promise<EndpointDescription> {
  await lathe.router.invoke('endpoints.createConfig', {
    EndpointConfigName: `${name}-config`,
    ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'fraud-capture-model', InitialInstanceCount: 1 }],
    ...(capture ? { DataCaptureConfig: capture } : {}),
  });
  await lathe.router.invoke('endpoints.create', { EndpointName: name, EndpointConfigName: `${name}-config` });
  return until(() => lathe.router.invoke('endpoints.describe', { EndpointName: name }), (e) => e.EndpointStatus !== 'Creating', `endpoint ${name}`);
}

beforeAll(async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-test-capture-'));
  uploadSeedFraud(home);
  lathe = await createLathe({ home, serve: true, staticDir: null, background: false, stopJobsOnDispose: true, stopGraceSeconds: 1, env: { ...process.env, LATHE_PYTHON: PYTHON } });
  await lathe.router.invoke('training.create', seedTrainingJob('fraud-capture-xgb'));
  const status = await until(() => lathe.training.describe('fraud-capture-xgb').TrainingJobStatus, (s) => s !== 'InProgress', 'the fraud job');
  expect(status).toBe('Completed');
  await lathe.router.invoke('endpoints.createModel', { ModelName: 'fraud-capture-model', PrimaryContainer: { Image: 'xgboost', ModelDataUrl: MODEL_URI } });
}, 240_000);

afterAll(async () => {
  await lathe?.dispose();
  if (lathe) fs.rmSync(lathe.home, { recursive: true, force: true });
});

describe('endpoints.captured', () => {
  it("answers the captured requests and the model's answers, newest first", { timeout: 120_000 }, async () => {
    const endpoint = await deploy('fraud-capture-prod', { EnableCapture: true, InitialSamplingPercentage: 100, DestinationS3Uri: 's3://lathe-demo/capture', CaptureOptions: [{ CaptureMode: 'InputAndOutput' }] });
    expect(endpoint).toMatchObject({ EndpointStatus: 'InService', DataCaptureConfig: { EnableCapture: true, CurrentSamplingPercentage: 100 } });
    const before = await callServed<CapturedData>(served(), 'endpoints.captured', { EndpointName: 'fraud-capture-prod' });
    expect(before).toMatchObject({ Enabled: true, Destination: 's3://lathe-demo/capture', SamplingPercentage: 100, Records: [], Skipped: 0 });
    expect(before.Folder).toBe(path.join(lathe.home, 's3', 'lathe-demo', 'capture', 'fraud-capture-prod'));

    const answers: InvokeResult[] = [];
    for (const [i, row] of ROWS.entries()) {
      answers.push(await callServed<InvokeResult>(served(), 'endpoints.invoke', { EndpointName: 'fraud-capture-prod', Body: row, ContentType: 'text/csv', Accept: 'text/csv', InferenceId: `req-${i}` }));
    }
    // Every answer is a probability of its own row.
    expect(new Set(answers.map((a) => a.Body)).size).toBe(ROWS.length);
    for (const answer of answers) expect(Number(answer.Body.trim())).toBeGreaterThan(0);

    // Records are written within 100 ms; endpoints.captured writes what is buffered before it reads.
    const captured = await callServed<CapturedData>(served(), 'endpoints.captured', { EndpointName: 'fraud-capture-prod' });
    expect(captured.Skipped).toBe(0);
    expect(captured.Records.map((r) => [r.InferenceId, r.Variant, r.Input?.Data, r.Input?.ContentType, r.Input?.Encoding, r.Output?.Data, r.Output?.Encoding])).toEqual(
      ROWS.map((row, i) => [`req-${i}`, 'AllTraffic', row, 'text/csv', 'CSV', answers[i]!.Body, 'CSV']).reverse(),
    );
    const [newest] = captured.Records;
    expect(newest!.File.startsWith(path.join(captured.Folder!, 'AllTraffic') + path.sep)).toBe(true);
    expect(newest!.File).toMatch(/\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/\d{2}-\d{2}-[0-9a-f]{8}\.jsonl$/);
    expect(Date.now() - Date.parse(newest!.InferenceTime)).toBeLessThan(60_000);
    expect(new Set(captured.Records.map((r) => r.EventId)).size).toBe(ROWS.length);

    const two = await callServed<CapturedData>(served(), 'endpoints.captured', { EndpointName: 'fraud-capture-prod', VariantName: 'AllTraffic', MaxRecords: 2 });
    expect(two.Records.map((r) => r.InferenceId)).toEqual(['req-3', 'req-2']);
    expect((await callServed<CapturedData>(served(), 'endpoints.captured', { EndpointName: 'fraud-capture-prod', VariantName: 'Other' })).Records).toEqual([]);
  });

  it('says capture is off for an endpoint whose config captures nothing, and not-found for an unknown endpoint', { timeout: 120_000 }, async () => {
    await lathe.router.invoke('endpoints.createConfig', { EndpointConfigName: 'fraud-plain-config', ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'fraud-capture-model', InitialInstanceCount: 1 }] });
    await lathe.router.invoke('endpoints.create', { EndpointName: 'fraud-plain', EndpointConfigName: 'fraud-plain-config' });
    expect(await lathe.router.invoke('endpoints.captured', { EndpointName: 'fraud-plain' })).toEqual({ EndpointName: 'fraud-plain', Enabled: false, Records: [], Skipped: 0 });
    expect(await lathe.router.call('endpoints.captured', { EndpointName: 'no-such-endpoint' })).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringContaining('no-such-endpoint') } });
    expect(await lathe.router.call('endpoints.captured', { EndpointName: 'fraud-plain', MaxRecords: 501 })).toMatchObject({ ok: false, error: { code: 'invalid-argument', message: expect.stringContaining('MaxRecords') } });
  });
});
