import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureWriter, captureRecord, captureSettingsOf } from '../../../main/endpoints/dataCapture';
import { createLogger } from '../../../main/log/logger';
import { tmpDir } from '../../helpers/tmp';

const at = new Date('2026-11-25T07:05:09.123Z');
const call = { input: { body: Buffer.from('200.0,14,0.85,5'), contentType: 'text/csv' }, output: { body: Buffer.from('0.0213'), contentType: 'text/csv; charset=utf-8' }, at };

describe('data capture', () => {
  it('reads an endpoint config the way SageMaker does: modes, types, destination in the object store', () => {
    const settings = captureSettingsOf({ InitialSamplingPercentage: 20, DestinationS3Uri: 's3://bucket/capture', CaptureOptions: [{ CaptureMode: 'Input' }] }, '/home/ana/lathe/s3');
    expect(settings).toEqual({ samplingPercentage: 20, folder: '/home/ana/lathe/s3/bucket/capture', input: true, output: false, csvTypes: ['text/csv'], jsonTypes: ['application/json'] });
    expect(captureSettingsOf({ EnableCapture: false, InitialSamplingPercentage: 100, DestinationS3Uri: 's3://bucket/c', CaptureOptions: [{ CaptureMode: 'Input' }] }, '/s3')).toBeNull();
    expect(captureSettingsOf(undefined, '/s3')).toBeNull();
  });

  it('writes records in the JSONL shape SageMaker writes, with CSV, JSON or BASE64 encodings', () => {
    const settings = captureSettingsOf({ InitialSamplingPercentage: 100, DestinationS3Uri: 's3://bucket/c', CaptureOptions: [{ CaptureMode: 'InputAndOutput' }] }, '/s3')!;
    expect(captureRecord({ ...call, inferenceId: 'req-7' }, settings, 'event-1')).toEqual({
      captureData: {
        endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: '200.0,14,0.85,5', encoding: 'CSV' },
        endpointOutput: { observedContentType: 'text/csv; charset=utf-8', mode: 'OUTPUT', data: '0.0213', encoding: 'CSV' },
      },
      eventMetadata: { eventId: 'event-1', inferenceId: 'req-7', inferenceTime: '2026-11-25T07:05:09Z' },
      eventVersion: '0',
    });
    const npy = captureRecord({ ...call, input: { body: Buffer.from([0x93, 0x4e]), contentType: 'application/x-npy' }, output: { body: Buffer.from('{"a":1}'), contentType: 'application/json' } }, settings, 'e');
    expect(npy.captureData).toEqual({
      endpointInput: { observedContentType: 'application/x-npy', mode: 'INPUT', data: 'k04=', encoding: 'BASE64' },
      endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: '{"a":1}', encoding: 'JSON' },
    });
  });

  it('files the sampled calls by endpoint, variant and hour, and only those', () => {
    const folder = tmpDir();
    const settings = { ...captureSettingsOf({ InitialSamplingPercentage: 20, DestinationS3Uri: 's3://bucket/c', CaptureOptions: [{ CaptureMode: 'Input' }] }, '/s3')!, folder };
    const writer = new CaptureWriter(createLogger('test'));
    writer.capture('fraud', 'AllTraffic', settings, call, 19.9);
    writer.capture('fraud', 'AllTraffic', settings, call, 20);
    writer.capture('fraud', 'AllTraffic', settings, { ...call, at: new Date('2026-11-25T08:00:00Z') }, 0);
    writer.dispose();
    const hourOf = (h: string) => path.join(folder, 'fraud', 'AllTraffic', '2026', '11', '25', h);
    const lines = (h: string) => fs.readdirSync(hourOf(h)).flatMap((f) => fs.readFileSync(path.join(hourOf(h), f), 'utf8').trim().split('\n'));
    expect(lines('07')).toHaveLength(1);
    expect(lines('08')).toHaveLength(1);
    expect(fs.readdirSync(hourOf('07'))[0]).toMatch(/^05-09-[0-9a-f]{8}\.jsonl$/);
  });
});
