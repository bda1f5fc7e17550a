/**
 * Following a job's log file while the job writes it, on real files: every line arrives whole and
 * once, in order, however the writes were cut, and lines written before Lathe restarted are marked
 * as replay.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobExit } from '../../../main/jobs/backend';
import { followJob, LogTail, readLogLines } from '../../../main/jobs/logTail';
import { tmpDir } from '../../helpers/tmp';

/** Long enough for a few polls (every 150 ms) on a loaded machine. */
const SOON = { timeout: 10_000 };

const tails: LogTail[] = [];
afterEach(() => {
  for (const tail of tails.splice(0)) tail.stop();
});

function follow(file: string, replayUntil = 0) {
  const lines: Array<[string, boolean]> = [];
  const tail = new LogTail(file, (line, replay) => lines.push([line, replay]), replayUntil);
  tails.push(tail);
  return { tail, lines, texts: () => lines.map(([line]) => line) };
}

describe('LogTail', () => {
  it('delivers lines whole and once when writes split a line and a multi-byte character', async () => {
    const file = path.join(tmpDir(), 'log.txt');
    const { tail, lines, texts } = follow(file);
    tail.start(); // before the file exists: the job has not written yet

    const euro = Buffer.from('€', 'utf8'); // 3 bytes
    expect(euro).toHaveLength(3);
    fs.writeFileSync(file, Buffer.concat([Buffer.from('epoch 1 loss=0.5\nprice 12'), euro.subarray(0, 1)]));
    await expect.poll(texts, SOON).toEqual(['epoch 1 loss=0.5']);

    // The tail has read the first byte of € (it delivered the line before it); now the rest.
    fs.appendFileSync(file, euro.subarray(1, 2));
    fs.appendFileSync(file, Buffer.concat([euro.subarray(2), Buffer.from(' ok\nepoch 2 ')]));
    await expect.poll(texts, SOON).toEqual(['epoch 1 loss=0.5', 'price 12€ ok']);

    fs.appendFileSync(file, 'loss=0.25\n✓ done\n');
    await expect.poll(texts, SOON).toEqual(['epoch 1 loss=0.5', 'price 12€ ok', 'epoch 2 loss=0.25', '✓ done']);

    await tail.drain();
    expect(lines).toEqual([
      ['epoch 1 loss=0.5', false],
      ['price 12€ ok', false],
      ['epoch 2 loss=0.25', false],
      ['✓ done', false],
    ]);
  });

  it('marks lines ending at or before replayUntil as replay, and later ones as live', async () => {
    const file = path.join(tmpDir(), 'log.txt');
    fs.writeFileSync(file, 'seen 1\nseen 2\nnew 3\n');
    const replayUntil = Buffer.byteLength('seen 1\nseen 2\n');
    const { tail, lines } = follow(file, replayUntil);
    tail.start();
    await expect.poll(() => lines.length, SOON).toBe(3);
    fs.appendFileSync(file, 'new 4\n');
    await expect.poll(() => lines.length, SOON).toBe(4);

    expect(lines).toEqual([
      ['seen 1', true],
      ['seen 2', true],
      ['new 3', false],
      ['new 4', false],
    ]);
  });

  it('counts a line ending one byte past replayUntil as live', async () => {
    const file = path.join(tmpDir(), 'log.txt');
    fs.writeFileSync(file, 'é\nb\n');
    // 'é\n' is 3 bytes; a replayUntil of 2 cuts it: it was not wholly seen.
    const { tail, lines } = follow(file, 2);
    await tail.drain();
    expect(lines).toEqual([
      ['é', false],
      ['b', false],
    ]);
  });

  it('delivers an unterminated last line on drain, with its replay flag', async () => {
    const file = path.join(tmpDir(), 'log.txt');
    fs.writeFileSync(file, 'one\nTraceback: boom');
    const live = follow(file);
    live.tail.start();
    await expect.poll(live.texts, SOON).toEqual(['one']);
    await live.tail.drain();
    expect(live.lines).toEqual([
      ['one', false],
      ['Traceback: boom', false],
    ]);

    const replayed = follow(file, fs.statSync(file).size);
    await replayed.tail.drain();
    expect(replayed.lines).toEqual([
      ['one', true],
      ['Traceback: boom', true],
    ]);
  });

  it('strips the carriage return of CRLF lines', async () => {
    const file = path.join(tmpDir(), 'log.txt');
    fs.writeFileSync(file, 'a\r\nb\r\nlast\r');
    const { tail, texts } = follow(file);
    await tail.drain();
    expect(texts()).toEqual(['a', 'b', 'last']);
  });

  it('keeps empty lines, and delivers nothing for a file that never appears', async () => {
    const folder = tmpDir();
    const blank = follow(path.join(folder, 'blank.txt'));
    fs.writeFileSync(path.join(folder, 'blank.txt'), 'a\n\nb\n');
    await blank.tail.drain();
    expect(blank.texts()).toEqual(['a', '', 'b']);

    const missing = follow(path.join(folder, 'missing.txt'));
    missing.tail.start();
    await missing.tail.drain();
    expect(missing.lines).toEqual([]);
  });
});

describe('readLogLines', () => {
  it('keeps its line index right when several followers read a growing log at once', async () => {
    const file = path.join(tmpDir(), 'busy.log');
    fs.writeFileSync(file, Array.from({ length: 50_000 }, (_, i) => `line ${i}`).join('\n') + '\n');
    const pages = await Promise.all([0, 1, 2, 3].map(() => readLogLines(file, -2, 2, false)));
    for (const page of pages) expect(page).toEqual({ lines: ['line 49998', 'line 49999'], start: 49_998, total: 50_000 });
    fs.appendFileSync(file, 'line 50000\n');
    const after = await Promise.all([readLogLines(file, 49_999, 5, false), readLogLines(file, 50_000, 5, false)]);
    expect(after).toEqual([
      { lines: ['line 49999', 'line 50000'], start: 49_999, total: 50_001 },
      { lines: ['line 50000'], start: 50_000, total: 50_001 },
    ]);
  });

  it('counts an unterminated last line only once the job has ended, and picks up where it left off as the log grows', async () => {
    const file = path.join(tmpDir(), 'grow.log');
    fs.writeFileSync(file, 'a\nb\npart');
    expect(await readLogLines(file, 0, 10, false)).toEqual({ lines: ['a', 'b'], start: 0, total: 2 });
    expect(await readLogLines(file, 0, 10, true)).toEqual({ lines: ['a', 'b', 'part'], start: 0, total: 3 });
    fs.appendFileSync(file, 'ial line\nc\n');
    expect(await readLogLines(file, 2, 10, false)).toEqual({ lines: ['partial line', 'c'], start: 2, total: 4 });
    expect(await readLogLines(file, -1, 10, false)).toEqual({ lines: ['c'], start: 3, total: 4 });
    // A log replaced by a shorter one (a job folder reused) is indexed afresh.
    fs.writeFileSync(file, 'x\n');
    expect(await readLogLines(file, 0, 10, false)).toEqual({ lines: ['x'], start: 0, total: 1 });
  });

  const content = 'l0\nl1\r\nl2\nl3\nl4\n';

  it.each([
    ['from the start', 0, 2, { lines: ['l0', 'l1'], start: 0, total: 5 }],
    ['a middle window', 2, 2, { lines: ['l2', 'l3'], start: 2, total: 5 }],
    ['past the end', 9, 3, { lines: [], start: 5, total: 5 }],
    ['the last lines', -2, 10, { lines: ['l3', 'l4'], start: 3, total: 5 }],
    ['more from the end than there are', -50, 3, { lines: ['l0', 'l1', 'l2'], start: 0, total: 5 }],
    ['everything', 0, 100, { lines: ['l0', 'l1', 'l2', 'l3', 'l4'], start: 0, total: 5 }],
  ])('reads %s', async (_what, start, limit, expected) => {
    const file = path.join(tmpDir(), 'log.txt');
    fs.writeFileSync(file, content);
    expect(await readLogLines(file, start, limit)).toEqual(expected);
  });

  it('counts an unterminated last line', async () => {
    const file = path.join(tmpDir(), 'log.txt');
    fs.writeFileSync(file, 'a\nb');
    expect(await readLogLines(file, -1, 1)).toEqual({ lines: ['b'], start: 1, total: 2 });
  });

  it('reads a missing file as empty', async () => {
    expect(await readLogLines(path.join(tmpDir(), 'none.txt'), 0, 10)).toEqual({ lines: [], start: 0, total: 0 });
  });
});

describe('followJob', () => {
  it('resolves only once every line written before the job ended has been delivered', async () => {
    const file = path.join(tmpDir(), 'log.txt');
    fs.writeFileSync(file, 'old 1\n');
    const liveFrom = fs.statSync(file).size;
    const lines: Array<[string, boolean]> = [];
    const exit: JobExit = { exitCode: 0, signal: null, reason: null };

    const wait = async (): Promise<JobExit> => {
      await expect.poll(() => lines.length, SOON).toBe(1); // the tail is running
      const many = Array.from({ length: 2000 }, (_, i) => `line ${i} ${'x'.repeat(100)}`).join('\n');
      fs.appendFileSync(file, `${many}\n`);
      fs.appendFileSync(file, 'final words without a newline');
      return exit;
    };

    const result = await followJob(wait, file, liveFrom, (line, replay) => lines.push([line, replay]));

    expect(result).toBe(exit);
    expect(lines).toHaveLength(2002);
    expect(lines[0]).toEqual(['old 1', true]);
    expect(lines[1]).toEqual([`line 0 ${'x'.repeat(100)}`, false]);
    expect(lines[2000]).toEqual([`line 1999 ${'x'.repeat(100)}`, false]);
    expect(lines[2001]).toEqual(['final words without a newline', false]);
  });

  it('delivers the lines even when waiting fails, and passes the failure on', async () => {
    const file = path.join(tmpDir(), 'log.txt');
    const lines: string[] = [];
    const wait = (): Promise<JobExit> => {
      fs.writeFileSync(file, 'written\nthen lost');
      return Promise.reject(new Error('docker went away'));
    };
    await expect(followJob(wait, file, 0, (line) => lines.push(line))).rejects.toThrow('docker went away');
    expect(lines).toEqual(['written', 'then lost']);
  });
});
