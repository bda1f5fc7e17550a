/**
 * The file picker and the data preview behind the create forms, on real folders: what a person
 * sees when they browse to their data and when they pick a file, a folder or an S3 URI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LatheFault } from '../../../main/api/errors';
import { listFolder, previewData, sniffDelimiter, splitRow } from '../../../main/files/filesService';
import { tmpDir } from '../../helpers/tmp';

async function faultOf(promise: Promise<unknown>): Promise<LatheFault> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LatheFault) return error;
    throw error;
  }
  throw new Error('expected a LatheFault');
}

function write(file: string, content: string | Buffer): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

describe('listFolder', () => {
  it('lists folders first, then files, each by name, with sizes', async () => {
    const root = tmpDir();
    write(path.join(root, 'b.csv'), 'x,y\n1,2\n');
    write(path.join(root, 'a.txt'), 'hello');
    fs.mkdirSync(path.join(root, 'zeta'));
    fs.mkdirSync(path.join(root, 'alpha'));

    const listing = await listFolder({ path: root });

    expect(listing.path).toBe(root);
    expect(listing.parent).toBe(path.dirname(root));
    expect(listing.truncated).toBe(false);
    expect(listing.entries.map((e) => [e.name, e.kind, e.size])).toEqual([
      ['alpha', 'directory', 0],
      ['zeta', 'directory', 0],
      ['a.txt', 'file', 5],
      ['b.csv', 'file', 8],
    ]);
    expect(listing.entries[2]!.path).toBe(path.join(root, 'a.txt'));
    expect(Number.isNaN(Date.parse(listing.entries[2]!.modified))).toBe(false);
  });

  it('hides dotfiles and dot-folders unless showHidden is set', async () => {
    const root = tmpDir();
    write(path.join(root, '.env'), 'SECRET=1');
    fs.mkdirSync(path.join(root, '.git'));
    write(path.join(root, 'data.csv'), 'a\n');

    const hidden = await listFolder({ path: root });
    expect(hidden.entries.map((e) => e.name)).toEqual(['data.csv']);

    const shown = await listFolder({ path: root, showHidden: true });
    expect(shown.entries.map((e) => e.name)).toEqual(['.git', '.env', 'data.csv']);
  });

  it('resolves a relative path and leaves out dangling links', async () => {
    const root = tmpDir();
    write(path.join(root, 'real.csv'), 'a\n');
    fs.symlinkSync(path.join(root, 'nowhere'), path.join(root, 'dangling'));

    const listing = await listFolder({ path: path.relative(process.cwd(), root) });

    expect(listing.path).toBe(root);
    expect(listing.entries.map((e) => e.name)).toEqual(['real.csv']);
  });

  it('has no parent at the root of the file system', async () => {
    const listing = await listFolder({ path: '/' });
    expect(listing.path).toBe('/');
    expect(listing.parent).toBeNull();
  });

  it('reports a missing folder as not-found, naming it', async () => {
    const missing = path.join(tmpDir(), 'gone');
    const fault = await faultOf(listFolder({ path: missing }));
    expect(fault.code).toBe('not-found');
    expect(fault.message).toContain(missing);
  });

  it('reports a file given as a folder as invalid-argument', async () => {
    const file = write(path.join(tmpDir(), 'train.csv'), 'a\n');
    const fault = await faultOf(listFolder({ path: file }));
    expect(fault.code).toBe('invalid-argument');
    expect(fault.message).toBe(`${file} is a file, not a folder.`);
  });
});

describe('splitRow', () => {
  it.each([
    ['a,b,c', ',', ['a', 'b', 'c']],
    ['a,,c,', ',', ['a', '', 'c', '']],
    ['"Smith, J",42', ',', ['Smith, J', '42']],
    ['"said ""hi""",x', ',', ['said "hi"', 'x']],
    ['"a|b"|c', '|', ['a|b', 'c']],
    ['a\tb', ',', ['a\tb']],
    ['5"6,7', ',', ['5"6', '7']],
  ])('splits %j on %j', (line, delimiter, fields) => {
    expect(splitRow(line, delimiter)).toEqual(fields);
  });
});

describe('sniffDelimiter', () => {
  it.each([
    [['a,b,c', '1,2,3'], ','],
    [['a\tb', '1\t2'], '\t'],
    [['a;b;c', '1,5;2,5;3,0'], ';'],
    [['a|b', '1|2'], '|'],
    [['just one column', 'another'], null],
    [[], null],
  ])('finds %j → %j', (lines, delimiter) => {
    expect(sniffDelimiter(lines)).toBe(delimiter);
  });
});

describe('previewData', () => {
  const STORE = '/nonexistent-object-store';

  it.each([
    ['a CSV with a header', 'amount,hour,fraud\n12.5,3,0\n99.0,23,1\n', ',', [['amount', 'hour', 'fraud'], ['12.5', '3', '0'], ['99.0', '23', '1']]],
    ['a TSV', 'name\tscore\nann\t3\nbob\t4\n', '\t', [['name', 'score'], ['ann', '3'], ['bob', '4']]],
    ['a semicolon file with decimal commas', 'price;qty;total\n1,5;2;3,0\n2,25;4;9,0\n', ';', [['price', 'qty', 'total'], ['1,5', '2', '3,0'], ['2,25', '4', '9,0']]],
    ['a pipe file', 'id|label\n1|cat\n2|dog\n', '|', [['id', 'label'], ['1', 'cat'], ['2', 'dog']]],
    [
      'quoted fields holding the delimiter and doubled quotes',
      'name,note\n"Smith, J","said ""hi"""\n"Doe, A",plain\n',
      ',',
      [['name', 'note'], ['Smith, J', 'said "hi"'], ['Doe, A', 'plain']],
    ],
    ['a headerless label-first CSV', '1,0.25,7\n0,0.5,3\n1,0.75,9\n', ',', [['1', '0.25', '7'], ['0', '0.5', '3'], ['1', '0.75', '9']]],
    ['CRLF line endings', 'a,b\r\n1,2\r\n3,4\r\n', ',', [['a', 'b'], ['1', '2'], ['3', '4']]],
    ['no trailing newline and blank lines', 'a,b\n\n1,2\n\n3,4', ',', [['a', 'b'], ['1', '2'], ['3', '4']]],
    ['a single column', 'label\n1\n0\n', null, [['label'], ['1'], ['0']]],
  ])('shows %s as rows', async (_what, content, delimiter, rows) => {
    const file = write(path.join(tmpDir(), 'data.txt'), content);

    const preview = await previewData({ path: file }, STORE);

    expect(preview).toEqual({ path: file, kind: 'file', files: 1, bytes: Buffer.byteLength(content), delimiter, rows, truncated: false });
  });

  it('shows an empty file as no rows', async () => {
    const file = write(path.join(tmpDir(), 'empty.csv'), '');
    expect(await previewData({ path: file }, STORE)).toEqual({ path: file, kind: 'file', files: 1, bytes: 0, delimiter: null, rows: [], truncated: false });
  });

  it('shows no rows and no delimiter for a binary file', async () => {
    const bytes = Buffer.from([0x50, 0x41, 0x52, 0x31, 0x00, 0x2c, 0x0a, 0x31, 0x2c, 0x32, 0x0a]);
    const file = write(path.join(tmpDir(), 'model.parquet'), bytes);
    expect(await previewData({ path: file }, STORE)).toEqual({ path: file, kind: 'file', files: 1, bytes: bytes.length, delimiter: null, rows: [], truncated: false });
  });

  it('shows the first data file of a folder in name order, counting files and bytes, skipping hidden ones', async () => {
    const root = tmpDir();
    write(path.join(root, '.manifest'), 'hidden,should,not,count\n');
    write(path.join(root, '.cache', 'a.csv'), 'hidden\n');
    write(path.join(root, 'part-2.csv'), '0,9,9\n');
    write(path.join(root, 'part-1.csv'), '1,2,3\n4,5,6\n');
    write(path.join(root, 'sub', 'part-0.csv'), '7,8\n');

    const preview = await previewData({ path: root }, STORE);

    expect(preview).toEqual({
      path: path.join(root, 'part-1.csv'),
      kind: 'directory',
      files: 3,
      bytes: 6 + 12 + 4,
      delimiter: ',',
      rows: [['1', '2', '3'], ['4', '5', '6']],
      truncated: false,
    });
  });

  it('descends into sub-folders in name order for the first file', async () => {
    const root = tmpDir();
    write(path.join(root, 'b', 'x.csv'), 'b,b\n');
    write(path.join(root, 'a', 'y.csv'), 'a,a\n');
    const preview = await previewData({ path: root }, STORE);
    expect(preview.path).toBe(path.join(root, 'a', 'y.csv'));
    expect(preview.files).toBe(2);
  });

  it('shows an empty folder (or one with hidden files only) with no file', async () => {
    const root = tmpDir();
    write(path.join(root, '.DS_Store'), 'x');
    expect(await previewData({ path: root }, STORE)).toEqual({ path: null, kind: 'directory', files: 0, bytes: 0, delimiter: null, rows: [], truncated: false });
  });

  it('shows at most `rows` rows, and says when there are more', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `${i},${i * 2}`);
    const file = write(path.join(tmpDir(), 'many.csv'), `${lines.join('\n')}\n`);

    const five = await previewData({ path: file, rows: 5 }, STORE);
    expect(five.rows).toEqual(lines.slice(0, 5).map((line) => line.split(',')));
    expect(five.truncated).toBe(true);

    const all = await previewData({ path: file, rows: 20 }, STORE);
    expect(all.rows).toHaveLength(20);
    expect(all.truncated).toBe(false);

    const byDefault = await previewData({ path: file }, STORE);
    expect(byDefault.rows).toHaveLength(10);
    expect(byDefault.truncated).toBe(true);
  });

  it('says a file larger than what it reads is truncated, without showing a cut line', async () => {
    const line = `${'7,'.repeat(49)}7`; // 99 characters, 50 fields
    const file = write(path.join(tmpDir(), 'big.csv'), `${line}\n`.repeat(1000)); // 100 kB
    const preview = await previewData({ path: file, rows: 1000 }, STORE);
    expect(preview.truncated).toBe(true);
    expect(preview.rows.length).toBeGreaterThan(600);
    expect(preview.rows.length).toBeLessThan(1000);
    expect(preview.rows.every((row) => row.length === 50)).toBe(true);
  });

  it('resolves an s3:// URI under the object store folder', async () => {
    const store = tmpDir();
    const file = write(path.join(store, 'demo', 'fraud', 'train', 'train.csv'), '0,1.5\n1,2.5\n');

    const asFile = await previewData({ path: 's3://demo/fraud/train/train.csv' }, store);
    expect(asFile).toMatchObject({ path: file, kind: 'file', delimiter: ',', rows: [['0', '1.5'], ['1', '2.5']] });

    const asPrefix = await previewData({ path: 's3://demo/fraud/train/' }, store);
    expect(asPrefix).toMatchObject({ path: file, kind: 'directory', files: 1, bytes: 12 });
  });

  it('resolves a file:// URI, %-escapes included', async () => {
    const file = write(path.join(tmpDir(), 'my data', 'x.tsv'), 'a\tb\n');
    const preview = await previewData({ path: pathToFileURL(file).href }, STORE);
    expect(preview).toMatchObject({ path: file, delimiter: '\t', rows: [['a', 'b']] });
  });

  it('refuses an s3:// URI with an invalid bucket name as invalid-argument', async () => {
    const fault = await faultOf(previewData({ path: 's3://Bad_Bucket/x.csv' }, tmpDir()));
    expect(fault.code).toBe('invalid-argument');
    expect(fault.message).toContain('Bad_Bucket');
  });

  it('reports a missing path, or a missing object, as not-found', async () => {
    const missing = path.join(tmpDir(), 'nope.csv');
    const fault = await faultOf(previewData({ path: missing }, STORE));
    expect(fault.code).toBe('not-found');
    expect(fault.message).toBe(`Nothing at ${missing}.`);

    const store = tmpDir();
    const s3 = await faultOf(previewData({ path: 's3://demo/missing/key.csv' }, store));
    expect(s3.code).toBe('not-found');
    expect(s3.message).toContain(path.join(store, 'demo', 'missing', 'key.csv'));
  });
});
