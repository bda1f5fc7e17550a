import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LatheFault } from '../../../main/api/errors';
import { MAX_UPLOAD_BYTES, Workspace } from '../../../main/notebooks/workspace';
import { serializeNotebook } from '../../../main/notebooks/nbformat';
import { tmpDir } from '../../helpers/tmp';

function workspace() {
  const home = tmpDir();
  const changes: string[] = [];
  const ws = new Workspace({ root: path.join(home, 'workspace'), trash: path.join(home, 'trash', 'notebooks'), onChange: (p) => changes.push(p), clock: () => new Date('2026-11-25T09:00:00.000Z') });
  return { home, ws, changes, file: (rel: string) => path.join(home, 'workspace', rel) };
}

async function fault(promise: Promise<unknown>): Promise<LatheFault> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LatheFault) return error;
    throw error;
  }
  throw new Error('expected a LatheFault');
}

const NB = { cells: [{ cell_type: 'code', source: 'print(1)', metadata: {}, outputs: [], execution_count: null }], metadata: {}, nbformat: 4, nbformat_minor: 5 };

describe('the workspace', () => {
  it('lists folders first, then by name, with notebooks marked and hidden files left out', async () => {
    const { ws, file } = workspace();
    await ws.list();
    fs.mkdirSync(file('zeta'));
    fs.mkdirSync(file('Alpha'));
    fs.mkdirSync(file('.ipynb_checkpoints'));
    fs.writeFileSync(file('b.ipynb'), serializeNotebook(NB));
    fs.writeFileSync(file('a10.csv'), '1,2\n');
    fs.writeFileSync(file('a9.csv'), '1,2\n');
    fs.writeFileSync(file('.hidden'), '');
    const listing = await ws.list();
    expect(listing.Path).toBe('');
    expect(listing.Entries.map((e) => [e.Name, e.Kind])).toEqual([
      ['Alpha', 'directory'],
      ['zeta', 'directory'],
      ['a9.csv', 'file'],
      ['a10.csv', 'file'],
      ['b.ipynb', 'notebook'],
    ]);
    expect(listing.Entries[2]).toMatchObject({ Path: 'a9.csv', Size: 4 });
    expect((await ws.list('zeta')).Entries).toEqual([]);
    expect((await fault(ws.list('missing'))).code).toBe('not-found');
    expect((await fault(ws.list('b.ipynb'))).code).toBe('invalid-argument');
  });

  it('refuses a file that is not JSON, saying where, and leaves it byte for byte', async () => {
    const { ws, file } = workspace();
    await ws.list();
    const broken = '{\n "cells": [],\n "metadata": {}\n "nbformat": 4\n}';
    fs.writeFileSync(file('broken.ipynb'), broken);
    const error = await fault(ws.open('broken.ipynb'));
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toContain('broken.ipynb is not valid JSON');
    expect(error.message).toContain('line 4 column 2');
    expect(error.message).toContain('The file was not changed');
    expect(fs.readFileSync(file('broken.ipynb'), 'utf8')).toBe(broken);
    fs.writeFileSync(file('old.ipynb'), JSON.stringify({ nbformat: 3, nbformat_minor: 0, worksheets: [], metadata: {} }));
    expect((await fault(ws.open('old.ipynb'))).message).toMatch(/nbformat 3 notebook; Lathe reads nbformat 4/);
  });

  it('saves atomically as nbformat does, and refuses when the file changed on disk since it was opened', async () => {
    const { ws, file, changes } = workspace();
    await ws.create('', 'notebook', 'poc.ipynb');
    const opened = await ws.open('poc.ipynb');
    const saved = await ws.save('poc.ipynb', NB, opened.Modified);
    expect(fs.readFileSync(file('poc.ipynb'), 'utf8')).toBe(serializeNotebook(NB));
    expect(changes).toContain('poc.ipynb');
    const later = new Date(Date.parse(saved.Modified) + 5000);
    fs.utimesSync(file('poc.ipynb'), later, later);
    const error = await fault(ws.save('poc.ipynb', { ...NB, cells: [] }, saved.Modified));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/changed on disk since you opened it.*nothing was written/);
    expect(JSON.parse(fs.readFileSync(file('poc.ipynb'), 'utf8')).cells).toHaveLength(1);
    expect(fs.readdirSync(file('')).filter((name) => name.includes('.tmp'))).toEqual([]);
    expect((await fault(ws.save('poc.ipynb', { cells: 'x' } as never))).code).toBe('invalid-argument');
  });

  it('creates numbered Untitled notebooks, folders and files, and refuses a taken name', async () => {
    const { ws, file } = workspace();
    const names = [];
    for (let i = 0; i < 3; i++) names.push((await ws.create(undefined, 'notebook')).Name);
    expect(names).toEqual(['Untitled.ipynb', 'Untitled1.ipynb', 'Untitled2.ipynb']);
    expect((await ws.create('', 'directory')).Name).toBe('Untitled Folder');
    expect((await ws.create('', 'directory')).Name).toBe('Untitled Folder 1');
    expect(await ws.create('Untitled Folder', 'file')).toMatchObject({ Path: 'Untitled Folder/untitled.txt', Kind: 'file', Size: 0 });
    const nb = JSON.parse(fs.readFileSync(file('Untitled.ipynb'), 'utf8'));
    expect(nb).toMatchObject({ nbformat: 4, nbformat_minor: 5, cells: [], metadata: { kernelspec: { name: 'python3' } } });
    expect((await fault(ws.create('', 'notebook', 'Untitled.ipynb'))).code).toBe('conflict');
  });

  it('renames without overwriting, and moves items into the trash instead of deleting them', async () => {
    const { ws, file, home } = workspace();
    await ws.create('', 'notebook', 'a.ipynb');
    await ws.create('', 'notebook', 'b.ipynb');
    await ws.create('', 'directory', 'done');
    expect((await fault(ws.rename('a.ipynb', 'b.ipynb'))).code).toBe('conflict');
    expect(await ws.rename('a.ipynb', 'done/a2.ipynb')).toMatchObject({ Path: 'done/a2.ipynb', Kind: 'notebook' });
    expect((await fault(ws.rename('done', 'done/inner'))).code).toBe('invalid-argument');
    const before = fs.readFileSync(file('done/a2.ipynb'));
    const trashed = await ws.delete('done/a2.ipynb');
    expect(trashed.TrashedTo).toBe(path.join(home, 'trash', 'notebooks', '2026-11-25T09-00-00-000Z', 'done', 'a2.ipynb'));
    expect(fs.readFileSync(trashed.TrashedTo)).toEqual(before);
    expect(fs.existsSync(file('done/a2.ipynb'))).toBe(false);
    const again = await ws.delete('b.ipynb');
    expect(again.TrashedTo).toBe(path.join(home, 'trash', 'notebooks', '2026-11-25T09-00-00-000Z-1', 'b.ipynb'));
  });

  it('uploads base64 files, replacing one only when asked, up to 100 MiB', async () => {
    const { ws, file } = workspace();
    const csv = Buffer.from('amount,fraud\n200.0,1\n');
    expect(await ws.upload('', 'train.csv', csv.toString('base64'))).toMatchObject({ Path: 'train.csv', Kind: 'file', Size: csv.length });
    const error = await fault(ws.upload('', 'train.csv', Buffer.from('x').toString('base64')));
    expect(error.code).toBe('conflict');
    expect(fs.readFileSync(file('train.csv'))).toEqual(csv);
    await ws.upload('', 'train.csv', Buffer.from('x').toString('base64'), true);
    expect(fs.readFileSync(file('train.csv'), 'utf8')).toBe('x');
    expect((await fault(ws.upload('', 'bad.bin', 'not base64!'))).code).toBe('invalid-argument');
    expect((await fault(ws.upload('', 'big.bin', 'A'.repeat(MAX_UPLOAD_BYTES * 2)))).message).toContain('uploads are limited to 100 MiB');
    expect(fs.existsSync(file('big.bin'))).toBe(false);
  });

  it('takes an upload of exactly the limit and refuses one byte more', async () => {
    const home = tmpDir();
    const ws = new Workspace({ root: path.join(home, 'workspace'), trash: path.join(home, 'trash'), maxUploadBytes: 1024 });
    expect((await ws.upload('', 'limit.bin', Buffer.alloc(1024, 7).toString('base64'))).Size).toBe(1024);
    expect((await fault(ws.upload('', 'over.bin', Buffer.alloc(1025, 7).toString('base64')))).message).toBe(
      `over.bin is 0.0 MiB; uploads are limited to 0.001 MiB (copy larger files into ${path.join(home, 'workspace')} directly)`,
    );
  });

  it('keeps every path inside the workspace, links included', async () => {
    const { ws, file, home } = workspace();
    await ws.list();
    const outside = path.join(home, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.ipynb'), serializeNotebook(NB));
    fs.symlinkSync(outside, file('escape'));
    fs.symlinkSync(path.join(outside, 'secret.ipynb'), file('secret.ipynb'));
    fs.mkdirSync(file('inside'));
    fs.symlinkSync(file('inside'), file('shortcut'));
    expect((await ws.list()).Entries.map((e) => e.Name)).toEqual(['inside', 'shortcut']);
    const attempts = [() => ws.open('secret.ipynb'), () => ws.open('escape/secret.ipynb'), () => ws.list('escape'), () => ws.save('escape/new.ipynb', NB), () => ws.delete('escape'), () => ws.upload('escape', 'x.txt', '')];
    for (const attempt of attempts) expect((await fault(attempt())).code).toBe('permission-denied');
    expect(fs.readdirSync(outside)).toEqual(['secret.ipynb']);
    await expect(ws.open('../x')).rejects.toThrow(/may not contain ".."/);
    await ws.create('shortcut', 'file', 'ok.txt');
    expect(fs.existsSync(file('inside/ok.txt'))).toBe(true);
  });
});
