import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverPythonCandidates, resolveUserPath } from '../../../main/system/pythonDiscovery';
import { tmpDir } from '../../helpers/tmp';

/** Creates an executable file (or a symlink to one) inside root. */
function place(root: string, rel: string, options: { linkTo?: string; mode?: number } = {}): string {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (options.linkTo) fs.symlinkSync(path.join(root, options.linkTo), file);
  else fs.writeFileSync(file, '#!/bin/sh\n', { mode: options.mode ?? 0o755 });
  return file;
}

function venv(root: string, dir: string, linkTo: string): void {
  place(root, `${dir}/bin/python`, { linkTo });
  fs.writeFileSync(path.join(root, dir, 'pyvenv.cfg'), 'home = /usr/bin\n');
}

describe('discoverPythonCandidates', () => {
  it('lists interpreters by priority, deduplicated by real path and venv', () => {
    const root = tmpDir();
    const home = path.join(root, 'home');
    const cwd = path.join(root, 'project');
    place(root, 'usr/bin/python3.11');
    place(root, 'usr/bin/python3', { linkTo: 'usr/bin/python3.11' });
    venv(root, 'project/.venv', 'usr/bin/python3.11');
    venv(root, 'home/.venvs/alpha', 'usr/bin/python3.11');
    venv(root, 'home/.venvs/beta', 'usr/bin/python3.11');
    venv(root, 'home/.virtualenvs/gamma', 'usr/bin/python3.11');
    place(root, 'home/miniconda3/bin/python');
    place(root, 'home/miniconda3/envs/ml/bin/python');
    place(root, 'home/miniforge3/envs/torch/bin/python');
    place(root, 'home/.conda/envs/tf/bin/python');
    place(root, 'opt/active/bin/python');
    place(root, 'bin1/python3');
    place(root, 'bin1/python', { linkTo: 'bin1/python3' });
    place(root, 'bin2/python3', { mode: 0o644 });
    place(root, 'bin3/python', { linkTo: 'usr/bin/python3.11' });
    fs.mkdirSync(path.join(home, '.venvs', 'broken'), { recursive: true });

    const candidates = discoverPythonCandidates({
      env: {
        LATHE_PYTHON: path.join(root, 'missing/python'),
        CONDA_PREFIX: path.join(root, 'opt/active'),
        PATH: ['bin1', 'bin2', 'relative', 'bin3'].map((dir) => (dir === 'relative' ? dir : path.join(root, dir))).join(':'),
      },
      homeDir: home,
      cwd,
      settingsPath: '~/.venvs/beta/bin/python',
      systemPythons: [path.join(root, 'usr/bin/python3')],
    });
    expect(candidates.map((candidate) => [path.relative(root, candidate.path), candidate.source])).toEqual([
      ['missing/python', 'LATHE_PYTHON'],
      ['home/.venvs/beta/bin/python', 'settings'],
      ['project/.venv/bin/python', 'venv'],
      ['home/.venvs/alpha/bin/python', 'venv'],
      ['home/.virtualenvs/gamma/bin/python', 'venv'],
      ['opt/active/bin/python', 'conda'],
      ['home/miniconda3/bin/python', 'conda'],
      ['home/miniconda3/envs/ml/bin/python', 'conda'],
      ['home/miniforge3/envs/torch/bin/python', 'conda'],
      ['home/.conda/envs/tf/bin/python', 'conda'],
      ['bin1/python3', 'PATH'],
      ['bin3/python', 'PATH'],
    ]);
    const venvPython = candidates.find((candidate) => candidate.path.endsWith('alpha/bin/python'));
    expect(venvPython?.realPath).toBe(fs.realpathSync(path.join(root, 'usr/bin/python3.11')));
    expect(candidates.find((candidate) => candidate.source === 'LATHE_PYTHON')?.realPath).toBe(path.join(root, 'missing/python'));
  });

  it('considers the system interpreter even with an empty PATH', () => {
    const root = tmpDir();
    place(root, 'usr/bin/python3');
    const candidates = discoverPythonCandidates({
      env: {},
      homeDir: path.join(root, 'home'),
      cwd: root,
      settingsPath: null,
      systemPythons: [path.join(root, 'usr/bin/python3')],
    });
    expect(candidates).toEqual([{ path: path.join(root, 'usr/bin/python3'), realPath: fs.realpathSync(path.join(root, 'usr/bin/python3')), source: 'PATH' }]);
  });

  it('lets the Settings path win over the same interpreter found on PATH', () => {
    const root = tmpDir();
    place(root, 'bin/python3');
    const candidates = discoverPythonCandidates({
      env: { PATH: path.join(root, 'bin') },
      homeDir: path.join(root, 'home'),
      cwd: root,
      settingsPath: path.join(root, 'bin/python3'),
      systemPythons: [],
    });
    expect(candidates.map((candidate) => candidate.source)).toEqual(['settings']);
  });
});

describe('resolveUserPath', () => {
  it('expands ~ and resolves relative paths against cwd', () => {
    expect(resolveUserPath('~/envs/x/bin/python', '/home/ada', '/work')).toBe('/home/ada/envs/x/bin/python');
    expect(resolveUserPath(' venv/bin/python ', '/home/ada', '/work')).toBe('/work/venv/bin/python');
    expect(resolveUserPath('/usr/bin/python3', '/home/ada', '/work')).toBe('/usr/bin/python3');
  });
});
