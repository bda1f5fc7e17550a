import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LatheFault } from '../../../main/api/errors';
import type { PythonEnv } from '../../../main/contract/model';
import type { PythonCandidate } from '../../../main/system/pythonDiscovery';
import { discoverPython, probeFailure, probeInterpreter, probePythonPath, selectPython } from '../../../main/system/python';
import { probeScriptSource, pythonResourcesDir } from '../../../main/system/resources';
import { tmpDir } from '../../helpers/tmp';
import { exit, fakeRunner } from './fixtures';

const ALL = { numpy: '1.26.4', pandas: '2.2.2', sklearn: '1.5.0', xgboost: '2.0.3', jupyter_server: '2.14.0', ipykernel: '6.29.4' };

function probeLine(overrides: Record<string, unknown> = {}): string {
  return `${JSON.stringify({
    probe: 'lathe',
    python_version: '3.12.3',
    executable: '/x/bin/python',
    prefix: '/x',
    base_prefix: '/usr',
    is_venv: true,
    is_conda: false,
    debian: true,
    packages: ALL,
    ...overrides,
  })}\n`;
}

const candidate = (file: string, source: PythonCandidate['source'] = 'PATH'): PythonCandidate => ({ path: file, realPath: file, source });

describe('probeInterpreter', () => {
  it('passes the probe script with -c and a 20 s deadline', async () => {
    const runner = fakeRunner([{ file: '/x/bin/python', result: exit(0, probeLine()) }]);
    const env = await probeInterpreter(candidate('/x/bin/python', 'venv'), { runner, env: { PATH: '/usr/bin' } });
    expect(env).toMatchObject({ path: '/x/bin/python', source: 'venv', ok: true, pythonVersion: '3.12.3', error: null });
    expect(env.packages.map((pkg) => pkg.version)).toEqual(['1.26.4', '2.2.2', '1.5.0', '2.0.3', '2.14.0', '6.29.4']);
    const call = runner.calls[0];
    expect(call?.args[0]).toBe('-c');
    expect(call?.args[1]).toBe(probeScriptSource());
    expect(call?.options.timeoutMs).toBe(20_000);
    expect(call?.options.env).toEqual({ PATH: '/usr/bin' });
  });

  it('is not ok when a package is missing, and says how to install it', async () => {
    const runner = fakeRunner([{ file: '/x/bin/python', result: exit(0, probeLine({ packages: { ...ALL, xgboost: null } })) }]);
    const env = await probeInterpreter(candidate('/x/bin/python'), { runner, env: {} });
    expect(env.ok).toBe(false);
    expect(env.error).toBeNull();
    expect(env.packages.find((pkg) => pkg.name === 'xgboost')).toEqual({
      name: 'xgboost',
      module: 'xgboost',
      version: null,
      installCommand: '/x/bin/python -m pip install xgboost',
    });
  });

  const failures: Array<[string, Parameters<typeof fakeRunner>[0][number]['result'], string]> = [
    ['a missing interpreter', { kind: 'enoent' }, 'could not run /x/bin/python: ENOENT — check the path in Settings'],
    ['garbage output', exit(0, 'Welcome to FooShell 1.0\n'), '/x/bin/python did not print the probe result (it printed: Welcome to FooShell 1.0) — is it a Python interpreter?'],
    ['a crash', exit(1, '', 'Traceback (most recent call last):\nImportError: libpython3.12.so.1.0: cannot open shared object file\n'), '/x/bin/python exited with code 1: ImportError: libpython3.12.so.1.0: cannot open shared object file — is it a Python interpreter?'],
    ['a hang', { kind: 'failed', reason: 'timeout', detail: 'timed out', stdout: '', stderr: '' }, '/x/bin/python did not finish the probe within 20 s'],
    ['a file without permission', { kind: 'failed', reason: 'permission', detail: 'EACCES', stdout: '', stderr: '' }, 'could not run /x/bin/python: EACCES — is it executable?'],
  ];
  for (const [scenario, result, message] of failures) {
    it(`explains ${scenario}`, async () => {
      const env = await probeInterpreter(candidate('/x/bin/python'), { runner: fakeRunner([{ file: '/x/bin/python', result }]), env: {} });
      expect(env).toEqual({ path: '/x/bin/python', realPath: '/x/bin/python', source: 'PATH', ok: false, pythonVersion: null, packages: [], error: message });
      expect(probeFailure('/x/bin/python', typeof result === 'function' ? { kind: 'enoent' } : result)).toBe(message);
    });
  }

  it('reports an interpreter too old for Lathe', async () => {
    const runner = fakeRunner([{ file: '/old/python', result: exit(0, probeLine({ python_version: '2.7.18' })) }]);
    const env = await probeInterpreter(candidate('/old/python'), { runner, env: {} });
    expect(env).toMatchObject({ ok: false, pythonVersion: '2.7.18', error: 'Python 2.7.18 is too old: Lathe needs Python 3.8 or newer' });
  });
});

describe('selectPython', () => {
  const env = (file: string, ok: boolean, runs = true): PythonEnv => ({
    path: file,
    realPath: file,
    source: 'PATH',
    ok,
    pythonVersion: runs ? '3.11.2' : null,
    packages: [],
    error: runs ? null : 'could not run',
  });

  it('takes the first healthy interpreter, else the first that runs, else none', () => {
    expect(selectPython([env('/a', false, false), env('/b', false), env('/c', true), env('/d', true)])).toBe('/c');
    expect(selectPython([env('/a', false, false), env('/b', false)])).toBe('/b');
    expect(selectPython([env('/a', false, false)])).toBeNull();
    expect(selectPython([])).toBeNull();
  });
});

describe('discoverPython', () => {
  it('prefers LATHE_PYTHON, then Settings, and reports a broken LATHE_PYTHON', async () => {
    const root = tmpDir();
    const make = (rel: string) => {
      const file = path.join(root, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, '', { mode: 0o755 });
      return file;
    };
    const fromSettings = make('settings/bin/python');
    const onPath = make('bin/python3');
    const runner = fakeRunner([
      { file: fromSettings, result: exit(0, probeLine({ packages: { ...ALL, ipykernel: null } })) },
      { file: onPath, result: exit(0, probeLine()) },
    ]);
    const state = await discoverPython(
      { env: { LATHE_PYTHON: path.join(root, 'gone/python'), PATH: path.join(root, 'bin') }, homeDir: path.join(root, 'home'), cwd: root, settingsPath: fromSettings, systemPythons: [] },
      { runner, env: {} },
    );
    expect(state.envs.map((env) => [env.source, env.ok, env.error])).toEqual([
      ['LATHE_PYTHON', false, `could not run ${path.join(root, 'gone/python')}: ENOENT — check the path in Settings`],
      ['settings', false, null],
      ['PATH', true, null],
    ]);
    expect(state.selected).toBe(onPath);
  });
});

describe('probePythonPath', () => {
  it('rejects a path with no file as not-found', async () => {
    const runner = fakeRunner([]);
    const error = await probePythonPath('/nonexistent/bin/python', { homeDir: '/home/ada', cwd: '/' }, { runner, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LatheFault);
    expect(error).toMatchObject({ code: 'not-found', message: 'No file at /nonexistent/bin/python: check the interpreter path' });
    expect(runner.calls).toEqual([]);
  });

  it('rejects a folder and a file that is not executable as invalid-argument', async () => {
    const root = tmpDir();
    const plain = path.join(root, 'notes.txt');
    fs.writeFileSync(plain, 'hello', { mode: 0o644 });
    const context = { homeDir: root, cwd: root };
    const deps = { runner: fakeRunner([]), env: {} };
    await expect(probePythonPath(root, context, deps)).rejects.toMatchObject({ code: 'invalid-argument', message: expect.stringContaining('is a folder') });
    await expect(probePythonPath('notes.txt', context, deps)).rejects.toMatchObject({ code: 'invalid-argument', message: `${plain} is not executable: choose a Python interpreter (or chmod +x it)` });
    await expect(probePythonPath('  ', context, deps)).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('probes an existing interpreter as a manual choice', async () => {
    const root = tmpDir();
    const file = path.join(root, 'python');
    fs.writeFileSync(file, '', { mode: 0o755 });
    const env = await probePythonPath('~/python', { homeDir: root, cwd: '/' }, { runner: fakeRunner([{ file, result: exit(0, probeLine()) }]), env: {} });
    expect(env).toMatchObject({ path: file, source: 'manual', ok: true });
  });
});

describe('pythonResourcesDir', () => {
  it('points at resources/python in the repository, where the probe lives', () => {
    expect(fs.existsSync(path.join(pythonResourcesDir(), 'lathe', 'probe.py'))).toBe(true);
    expect(probeScriptSource()).toContain('def probe(');
  });
});
