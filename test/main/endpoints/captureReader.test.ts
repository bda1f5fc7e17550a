import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capturedData, MAX_DATA_CHARS, readCaptured } from '../../../main/endpoints/captureReader';
import { CaptureWriter, captureRecord, captureSettingsOf } from '../../../main/endpoints/dataCapture';
import { createLogger } from '../../../main/log/logger';
import { tmpDir } from '../../helpers/tmp';

const settings = captureSettingsOf({ InitialSamplingPercentage: 100, DestinationS3Uri: 's3://bucket/capture', CaptureOptions: [{ CaptureMode: 'InputAndOutput' }] }, '/s3')!;

/** One JSONL line as data capture writes it, for a call at `iso` with `input` and answer `output`. */
function line(iso: string, id: string, input = `${id}-in`, output = `${id}-out`): string {
  const call = { input: { body: Buffer.from(input), contentType: 'text/csv' }, output: { body: Buffer.from(output), contentType: 'text/csv; charset=utf-8' }, inferenceId: `inf-${id}`, at: new Date(iso) };
  return JSON.stringify(captureRecord(call, settings, id));
}

/** Writes `lines` (each ended by a newline unless `partialTail` is given) to <root>/<variant>/yyyy/mm/dd/hh/<name>. */
function write(root: string, variant: string, hour: string, name: string, lines: string[], partialTail = ''): string {
  const folder = path.join(root, variant, ...hour.split('/'));
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, name);
  fs.writeFileSync(file, lines.map((l) => `${l}\n`).join('') + partialTail);
  return file;
}

const ids = (read: Awaited<ReturnType<typeof readCaptured>>) => read.Records.map((r) => r.EventId);

describe('reading data capture back', () => {
  it('answers the newest records first across hours, files and variants, with their payloads and where they were read', async () => {
    const root = tmpDir();
    write(root, 'AllTraffic', '2026/03/01/09', '10-00-aaaaaaaa.jsonl', [line('2026-03-01T09:10:00Z', 'a1'), line('2026-03-01T09:50:00Z', 'a2')]);
    const newest = write(root, 'AllTraffic', '2026/03/01/10', '05-00-bbbbbbbb.jsonl', [line('2026-03-01T10:05:00Z', 'b1'), line('2026-03-01T10:06:00Z', 'b2')]);
    // A Lathe restarted within the hour starts a second file.
    write(root, 'AllTraffic', '2026/03/01/10', '30-00-cccccccc.jsonl', [line('2026-03-01T10:30:00Z', 'c1')]);
    write(root, 'Canary', '2026/03/01/10', '00-00-dddddddd.jsonl', [line('2026-03-01T10:20:00Z', 'd1'), line('2026-02-28T23:59:59Z', 'd0')]);
    write(root, 'Canary', '2026/02/28/23', '59-00-eeeeeeee.jsonl', [line('2026-02-28T23:59:00Z', 'e1')]);

    const read = await readCaptured(root, { maxRecords: 50 });
    expect(ids(read)).toEqual(['c1', 'd1', 'b2', 'b1', 'a2', 'a1', 'd0', 'e1']);
    expect(read.Skipped).toBe(0);
    expect(read.Records[2]).toEqual({
      Variant: 'AllTraffic',
      File: newest,
      EventId: 'b2',
      InferenceTime: '2026-03-01T10:06:00Z',
      InferenceId: 'inf-b2',
      Input: { ContentType: 'text/csv', Encoding: 'CSV', Data: 'b2-in' },
      Output: { ContentType: 'text/csv; charset=utf-8', Encoding: 'CSV', Data: 'b2-out' },
    });
    expect(ids(await readCaptured(root, { maxRecords: 3 }))).toEqual(['c1', 'd1', 'b2']);
  });

  it('reads only the newest hours it needs, never the whole history', async () => {
    const root = tmpDir();
    write(root, 'AllTraffic', '2026/03/01/10', '00-00-aaaaaaaa.jsonl', [line('2026-03-01T10:00:01Z', 'new1'), line('2026-03-01T10:00:02Z', 'new2')]);
    // An old hour full of lines that do not parse: reading it would count them.
    write(root, 'AllTraffic', '2026/02/01/10', '00-00-bbbbbbbb.jsonl', ['not json', '{"half":', line('2026-02-01T10:00:00Z', 'old')]);
    expect(await readCaptured(root, { maxRecords: 2 })).toMatchObject({ Skipped: 0, Records: [{ EventId: 'new2' }, { EventId: 'new1' }] });
    const all = await readCaptured(root, { maxRecords: 10 });
    expect(ids(all)).toEqual(['new2', 'new1', 'old']);
    expect(all.Skipped).toBe(2);
  });

  it('counts lines that do not parse instead of failing, and ignores folders and files that are not capture files', async () => {
    const root = tmpDir();
    write(root, 'AllTraffic', '2026/03/01/10', '00-00-aaaaaaaa.jsonl', [
      line('2026-03-01T10:00:01Z', 'ok1'),
      'garbage',
      '',
      '{"captureData":{},"eventMetadata":{"eventId":"x","inferenceTime":"2026-03-01T10:00:02Z"}}',
      '{"captureData":{"endpointInput":{"data":1}},"eventMetadata":{"eventId":"y","inferenceTime":"2026-03-01T10:00:02Z"}}',
      '{"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT","data":"1","encoding":"CSV"}},"eventMetadata":{"eventId":"z","inferenceTime":"yesterday"}}',
      line('2026-03-01T10:00:03Z', 'ok2'),
    ]);
    write(root, 'AllTraffic', '2026/03/01/10', 'notes.txt', ['not a capture file']);
    fs.mkdirSync(path.join(root, 'AllTraffic', 'tmp'));
    fs.mkdirSync(path.join(root, 'AllTraffic', '2026', 'xx'));
    const read = await readCaptured(root, { maxRecords: 50 });
    expect(ids(read)).toEqual(['ok2', 'ok1']);
    expect(read.Skipped).toBe(4);
    expect(await readCaptured(path.join(root, 'no-such-endpoint'), { maxRecords: 50 })).toEqual({ Records: [], Skipped: 0 });
  });

  it('leaves the half-written last line of a file being written for the next read', async () => {
    const root = tmpDir();
    const whole = line('2026-03-01T10:00:02Z', 'second');
    const file = write(root, 'AllTraffic', '2026/03/01/10', '00-00-aaaaaaaa.jsonl', [line('2026-03-01T10:00:01Z', 'first')], whole.slice(0, 40));
    expect(await readCaptured(root, { maxRecords: 50 })).toMatchObject({ Skipped: 0, Records: [{ EventId: 'first' }] });
    fs.appendFileSync(file, `${whole.slice(40)}\n`);
    expect(ids(await readCaptured(root, { maxRecords: 50 }))).toEqual(['second', 'first']);
  });

  it('cuts long data with a marker and reads lines that span many read chunks, multi-byte characters included', async () => {
    const root = tmpDir();
    const big = 'é,'.repeat(100_000);
    write(root, 'AllTraffic', '2026/03/01/10', '00-00-aaaaaaaa.jsonl', [line('2026-03-01T10:00:01Z', 'small'), line('2026-03-01T10:00:02Z', 'big', big, '0.5'), ...Array.from({ length: 2000 }, (_, i) => line('2026-03-01T10:00:03Z', `n${i}`, 'ü'.repeat(40)))]);
    const read = await readCaptured(root, { maxRecords: 5000 });
    expect(read.Skipped).toBe(0);
    expect(read.Records).toHaveLength(2002);
    expect(read.Records[0]!.EventId).toBe('n1999');
    expect(read.Records[1999]!.Input!.Data).toBe('ü'.repeat(40));
    const cut = read.Records[2000]!;
    expect(cut.EventId).toBe('big');
    expect(cut.Input!.Data).toBe(`${big.slice(0, MAX_DATA_CHARS)}… [truncated: 200,000 characters in all]`);
    expect(cut.Input!.OriginalLength).toBe(200_000);
    expect(cut.Output).toEqual({ ContentType: 'text/csv; charset=utf-8', Encoding: 'CSV', Data: '0.5' });
  });

  it('filters by variant', async () => {
    const root = tmpDir();
    write(root, 'AllTraffic', '2026/03/01/10', '00-00-aaaaaaaa.jsonl', [line('2026-03-01T10:00:01Z', 'all')]);
    write(root, 'Canary', '2026/03/01/10', '00-00-bbbbbbbb.jsonl', [line('2026-03-01T10:00:02Z', 'canary')]);
    expect(ids(await readCaptured(root, { maxRecords: 50, variant: 'AllTraffic' }))).toEqual(['all']);
    expect(ids(await readCaptured(root, { maxRecords: 50, variant: 'Canary' }))).toEqual(['canary']);
    expect(ids(await readCaptured(root, { maxRecords: 50, variant: 'Other' }))).toEqual([]);
  });

  it("reads back what the capture writer wrote, under the endpoint's folder, and says when capture is off", async () => {
    const destination = tmpDir();
    const writer = new CaptureWriter(createLogger('test'));
    const on = { ...settings, folder: destination };
    for (let i = 0; i < 3; i++) {
      writer.capture('fraud-prod', 'AllTraffic', on, { input: { body: Buffer.from(`${i},14,0.85,5`), contentType: 'text/csv' }, output: { body: Buffer.from(`0.${i}`), contentType: 'text/csv' }, at: new Date(Date.UTC(2026, 2, 1, 10, 0, i)) }, 0);
    }
    writer.flush();
    const data = await capturedData({ endpoint: 'fraud-prod', destination: 's3://bucket/capture', settings: on }, {});
    expect(data).toMatchObject({ EndpointName: 'fraud-prod', Enabled: true, Destination: 's3://bucket/capture', Folder: path.join(destination, 'fraud-prod'), SamplingPercentage: 100, Skipped: 0 });
    expect(data.Records.map((r) => [r.Input?.Data, r.Output?.Data])).toEqual([
      ['2,14,0.85,5', '0.2'],
      ['1,14,0.85,5', '0.1'],
      ['0,14,0.85,5', '0.0'],
    ]);
    expect((await capturedData({ endpoint: 'fraud-prod', destination: 's3://bucket/capture', settings: on }, { MaxRecords: 1 })).Records).toHaveLength(1);
    expect(await capturedData({ endpoint: 'fraud-prod', settings: null }, {})).toEqual({ EndpointName: 'fraud-prod', Enabled: false, Records: [], Skipped: 0 });
  });
});
