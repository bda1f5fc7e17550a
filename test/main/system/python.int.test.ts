import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LatheFault } from '../../../main/api/errors';
import { execFileRunner } from '../../../main/system/commandRunner';
import { discoverPython, probePythonPath } from '../../../main/system/python';
import { tmpDir } from '../../helpers/tmp';

const SYSTEM_PYTHON = '/usr/bin/python3';
const deps = { runner: execFileRunner, env: process.env };
const context = { homeDir: os.homedir(), cwd: process.cwd() };

/** What the interpreter itself says, independently of Lathe's probe. */
function importVersion(module: string): string {
  return execFileSync(SYSTEM_PYTHON, ['-c', `import ${module}; print(${module}.__version__)`], { encoding: 'utf8', cwd: os.tmpdir() }).trim();
}

describe('probing real interpreters', () => {
  it('reads the versions of the ML packages installed for /usr/bin/python3', async () => {
    const env = await probePythonPath(SYSTEM_PYTHON, context, deps);
    const pythonVersion = execFileSync(SYSTEM_PYTHON, ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).trim();
    expect(env.ok).toBe(true);
    expect(env.error).toBeNull();
    expect(env.source).toBe('manual');
    expect(env.pythonVersion).toBe(pythonVersion);
    expect(env.realPath).toBe(fs.realpathSync(SYSTEM_PYTHON));
    const versions = Object.fromEntries(env.packages.map((pkg) => [pkg.module, pkg.version]));
    for (const module of ['numpy', 'pandas', 'sklearn', 'xgboost', 'jupyter_server', 'ipykernel']) {
      expect(versions[module], module).toBe(importVersion(module));
    }
    expect(env.packages.every((pkg) => pkg.installCommand === null)).toBe(true);
  });

  it('reports what a bare venv lacks, with pip commands for that venv', async () => {
    const dir = path.join(tmpDir(), 'bare-venv');
    execFileSync(SYSTEM_PYTHON, ['-m', 'venv', '--without-pip', dir]);
    const interpreter = path.join(dir, 'bin', 'python');
    const env = await probePythonPath(interpreter, context, deps);
    expect(env.ok).toBe(false);
    expect(env.error).toBeNull();
    expect(env.pythonVersion).not.toBeNull();
    const xgboost = env.packages.find((pkg) => pkg.name === 'xgboost');
    expect(xgboost).toEqual({ name: 'xgboost', module: 'xgboost', version: null, installCommand: `${interpreter} -m pip install xgboost` });
    expect(env.packages.find((pkg) => pkg.name === 'scikit-learn')?.installCommand).toBe(`${interpreter} -m pip install scikit-learn`);
    expect(env.packages.find((pkg) => pkg.name === 'jupyter_server')?.installCommand).toBe(`${interpreter} -m pip install jupyter_server`);
  });

  it('rejects a path with nothing there', async () => {
    const error = await probePythonPath('/nonexistent/bin/python3', context, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LatheFault);
    expect((error as LatheFault).code).toBe('not-found');
  });

  it('explains an interpreter that is not Python', async () => {
    const fake = path.join(tmpDir(), 'python');
    fs.writeFileSync(fake, '#!/bin/sh\necho "this is not python"\n', { mode: 0o755 });
    const env = await probePythonPath(fake, context, deps);
    expect(env).toMatchObject({ ok: false, pythonVersion: null });
    expect(env.error).toBe(`${fake} did not print the probe result (it printed: this is not python) — is it a Python interpreter?`);
  });

  it('discovers /usr/bin/python3 and selects a healthy interpreter first by priority', async () => {
    const dir = path.join(tmpDir(), 'bare-venv');
    execFileSync(SYSTEM_PYTHON, ['-m', 'venv', '--without-pip', dir]);
    const state = await discoverPython(
      { env: { PATH: '/usr/bin:/bin', LATHE_PYTHON: path.join(dir, 'bin', 'python') }, homeDir: tmpDir(), cwd: tmpDir(), settingsPath: null },
      deps,
    );
    expect(state.envs[0]).toMatchObject({ path: path.join(dir, 'bin', 'python'), source: 'LATHE_PYTHON', ok: false });
    // The venv's python is a symlink to the system one, yet it is a separate environment.
    expect(state.envs.filter((env) => env.realPath === fs.realpathSync(SYSTEM_PYTHON)).length).toBe(2);
    const system = state.envs.find((env) => env.source === 'PATH' && env.realPath === fs.realpathSync(SYSTEM_PYTHON));
    expect(system?.ok).toBe(true);
    expect(state.selected).toBe(system?.path);
  });
});
