/**
 * Workspace files and the ways a notebook server cannot start, through the channels: real
 * notebooks opened and saved unmodified come back equal (byte for byte where nbformat wrote them),
 * bad input is refused with what to do, and an interpreter that cannot serve notebooks says why.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lathe } from '../../../main/app';
import type { Result } from '../../../main/contract/result';
import { serializeNotebook } from '../../../main/notebooks/nbformat';
import { PYTHON, servedLathe } from './notebookTesting';
import { tmpDir } from '../../helpers/tmp';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'notebooks');

let lathe: Lathe;
let close: () => Promise<void>;
const ws = (rel: string) => path.join(lathe.home, 'workspace', rel);

beforeAll(async () => {
  ({ lathe, close } = await servedLathe());
});
afterAll(() => close());

async function failure(channel: Parameters<Lathe['router']['call']>[0], payload: unknown) {
  const result = (await lathe.router.call(channel, payload)) as Result<unknown>;
  if (result.ok) throw new Error(`${String(channel)} succeeded: ${JSON.stringify(result.value).slice(0, 200)}`);
  return result.error;
}

describe('notebook files through the channels', () => {
  it.each([
    ['plot.ipynb', true],
    ['rich.ipynb', true],
    ['metadata.ipynb', true],
    ['handwritten.ipynb', false],
  ])('opens and saves %s unmodified without changing its content', async (name, byNbformat) => {
    await lathe.router.invoke('notebooks.list', {});
    const original = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
    fs.mkdirSync(ws('fixtures'), { recursive: true });
    fs.writeFileSync(ws(`fixtures/${name}`), original);
    const opened = await lathe.router.invoke('notebooks.open', { Path: `fixtures/${name}` });
    expect(opened.Notebook).toEqual(JSON.parse(original));
    // Through the HTTP door too, as the browser sends it.
    const response = await fetch(`${lathe.url}/api/call/notebooks.save`, {
      method: 'POST',
      headers: { authorization: `Bearer ${lathe.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Path: `fixtures/${name}`, Notebook: opened.Notebook, ExpectedModified: opened.Modified }),
    });
    expect(((await response.json()) as Result<unknown>).ok).toBe(true);
    const saved = fs.readFileSync(ws(`fixtures/${name}`), 'utf8');
    expect(JSON.parse(saved)).toEqual(JSON.parse(original));
    if (byNbformat) expect(saved).toBe(original);
    // Another tool's layout comes back in nbformat's (sorted keys, one-space indent), content unchanged.
    else expect(saved).toBe(serializeNotebook(JSON.parse(original)));
  });

  it('keeps a markdown source that is one string, and a stream of chunks, as they were', async () => {
    fs.copyFileSync(path.join(FIXTURES, 'handwritten.ipynb'), ws('hand.ipynb'));
    const opened = await lathe.router.invoke('notebooks.open', { Path: 'hand.ipynb' });
    await lathe.router.invoke('notebooks.save', { Path: 'hand.ipynb', Notebook: opened.Notebook });
    const cells = JSON.parse(fs.readFileSync(ws('hand.ipynb'), 'utf8')).cells;
    expect(cells[0].source).toBe('# One string\n\nA markdown source that is not a list.');
    expect(cells[1].outputs[0].text).toEqual(['0', '1', '2\n']);
  });

  it('refuses a .ipynb that is not JSON with where it breaks, and leaves it byte for byte', async () => {
    const broken = Buffer.from('{\n "cells": [\n  {"cell_type": "code",}\n ]\n}\n\u00e9', 'utf8');
    fs.writeFileSync(ws('broken.ipynb'), broken);
    const error = await failure('notebooks.open', { Path: 'broken.ipynb' });
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toBe('broken.ipynb is not valid JSON: expected a "quoted" property name at line 3 column 24. The file was not changed; fix it in a text editor or restore it from a copy.');
    expect(fs.readFileSync(ws('broken.ipynb'))).toEqual(broken);
  });

  it('refuses paths that leave the workspace', async () => {
    for (const payload of [{ Path: '../x.ipynb' }, { Path: 'a/../../x.ipynb' }]) {
      expect((await failure('notebooks.open', payload)).code).toBe('invalid-argument');
    }
    fs.symlinkSync('/etc', ws('etc'));
    expect(await failure('notebooks.list', { Path: 'etc' })).toMatchObject({ code: 'permission-denied', message: expect.stringContaining('leads outside the workspace') });
    expect((await failure('notebooks.rename', { Path: 'hand.ipynb', NewPath: 'etc/hand.ipynb' })).code).toBe('permission-denied');
  });

  it('creates a notebook that nbformat itself validates', async () => {
    const entry = await lathe.router.invoke('notebooks.create', { Kind: 'notebook' });
    expect(entry).toMatchObject({ Path: 'Untitled.ipynb', Kind: 'notebook' });
    const out = execFileSync(PYTHON, ['-c', 'import nbformat, sys; nb = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); print(nb.nbformat, nb.nbformat_minor, nb.metadata.kernelspec.name)', ws('Untitled.ipynb')], { encoding: 'utf8' });
    expect(out.trim()).toBe('4 5 python3');
  });
});

describe('interpreters that cannot serve notebooks', () => {
  it('refuses to start with one that lacks ipykernel and jupyter_server, giving the command that installs them', async () => {
    const venv = tmpDir();
    execFileSync(PYTHON, ['-m', 'venv', '--without-pip', venv]);
    const python = path.join(venv, 'bin', 'python');
    const other = await servedLathe(python);
    try {
      const error = await other.lathe.router.call('notebooks.start', {});
      expect(error.ok).toBe(false);
      if (error.ok) return;
      expect(error.error.code).toBe('failed-precondition');
      expect(error.error.message).toBe(`${python} has no jupyter_server and ipykernel (the notebook server, the Python kernel): notebooks cannot start without them. Fix: ${python} -m pip install jupyter_server ipykernel`);
      const env = await other.lathe.router.invoke('notebooks.environment');
      expect(env).toMatchObject({ Python: python, Ready: false });
      expect(env.Problems[0]?.Fix).toBe(`${python} -m pip install jupyter_server ipykernel`);
      expect((await other.lathe.router.invoke('notebooks.server')).State).toBe('stopped');
    } finally {
      await other.close();
    }
  });

  it('reports a server that exits at start as failed, with its last output', async () => {
    const dir = tmpDir();
    const fake = path.join(dir, 'python3');
    // The real interpreter for Lathe's probes; a server that dies with a config error.
    fs.writeFileSync(fake, `#!/bin/sh\nif [ "$2" = jupyter_server ]; then\n  echo "[C ServerApp] Bad config encountered during initialization: broken.py line 3" >&2\n  echo "Traceback: the config file could not be loaded" >&2\n  exit 1\nfi\nexec ${PYTHON} "$@"\n`, { mode: 0o755 });
    const other = await servedLathe(fake);
    try {
      const status = await other.lathe.router.invoke('notebooks.start');
      expect(status).toMatchObject({ State: 'failed', Python: fake, FailureReason: 'the Jupyter server exited with code 1 before it was ready; its last output is below' });
      expect(status.LastOutput).toEqual(['[C ServerApp] Bad config encountered during initialization: broken.py line 3', 'Traceback: the config file could not be loaded']);
      expect(status.Token).toBeUndefined();
      expect(await other.lathe.router.invoke('notebooks.server')).toEqual(status);
    } finally {
      await other.close();
    }
  });
});
