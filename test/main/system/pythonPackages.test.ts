import { describe, expect, it } from 'vitest';
import {
  installCommand,
  installerFor,
  packageStatuses,
  parseProbeOutput,
  REQUIRED_PYTHON_PACKAGES,
  shellQuote,
  versionProblem,
  type ProbeReport,
} from '../../../main/system/pythonPackages';
import { probeReport } from './fixtures';

const report = (overrides: Partial<ProbeReport> = {}): ProbeReport =>
  probeReport({ packages: { ...probeReport().packages, xgboost: null, ipykernel: null }, ...overrides });

const pkg = (name: string) => {
  const found = REQUIRED_PYTHON_PACKAGES.find((candidate) => candidate.name === name);
  if (!found) throw new Error(name);
  return found;
};

describe('install commands', () => {
  const cases: Array<[string, string, 'apt' | 'conda' | 'pip', string]> = [
    ['numpy', '/usr/bin/python3', 'apt', 'sudo apt-get install -y python3-numpy'],
    ['scikit-learn', '/usr/bin/python3', 'apt', 'sudo apt-get install -y python3-sklearn'],
    ['xgboost', '/usr/bin/python3', 'apt', 'sudo apt-get install -y python3-xgboost'],
    ['pandas', '/usr/bin/python3', 'apt', 'sudo apt-get install -y python3-pandas'],
    ['jupyter_server', '/usr/bin/python3', 'apt', 'sudo apt-get install -y jupyter-server'],
    ['ipykernel', '/usr/bin/python3', 'apt', 'sudo apt-get install -y python3-ipykernel'],
    ['scikit-learn', '/home/ada/miniconda3/envs/ml/bin/python', 'conda', 'conda install -p /home/ada/miniconda3/envs/ml -y scikit-learn'],
    ['scikit-learn', '/home/ada/.venvs/ml/bin/python', 'pip', '/home/ada/.venvs/ml/bin/python -m pip install scikit-learn'],
    ['jupyter_server', '/home/ada/.venvs/ml/bin/python', 'pip', '/home/ada/.venvs/ml/bin/python -m pip install jupyter_server'],
    ['xgboost', '/home/ada/My Envs/ml/bin/python', 'pip', "'/home/ada/My Envs/ml/bin/python' -m pip install xgboost"],
  ];
  for (const [name, interpreter, kind, command] of cases) {
    it(`installs ${name} with ${kind} for ${interpreter}`, () => {
      expect(installCommand(pkg(name), interpreter, kind, interpreter.replace(/\/bin\/python$/, ''))).toBe(command);
    });
  }

  it('picks apt only for the Debian system interpreter outside a venv', () => {
    const system = { path: '/usr/bin/python3', realPath: '/usr/bin/python3.11' };
    expect(installerFor(system, report())).toBe('apt');
    expect(installerFor({ path: '/bin/python3', realPath: '/usr/bin/python3.11' }, report())).toBe('apt');
    expect(installerFor(system, report({ debian: false }))).toBe('pip');
    expect(installerFor({ path: '/tmp/v/bin/python', realPath: '/usr/bin/python3.11' }, report({ is_venv: true, prefix: '/tmp/v' }))).toBe('pip');
    expect(installerFor({ path: '/opt/conda/bin/python', realPath: '/opt/conda/bin/python3.12' }, report({ is_conda: true }))).toBe('conda');
    expect(installerFor({ path: '/root/.pyenv/versions/3.12.1/bin/python', realPath: '/root/.pyenv/versions/3.12.1/bin/python3.12' }, report())).toBe('pip');
  });

  it('gives each missing package its command and each present one its version', () => {
    const statuses = packageStatuses({ path: '/usr/bin/python3', realPath: '/usr/bin/python3.11' }, report());
    expect(statuses).toEqual([
      { name: 'numpy', module: 'numpy', version: '1.24.2', installCommand: null },
      { name: 'pandas', module: 'pandas', version: '1.5.3', installCommand: null },
      { name: 'scikit-learn', module: 'sklearn', version: '1.2.1', installCommand: null },
      { name: 'xgboost', module: 'xgboost', version: null, installCommand: 'sudo apt-get install -y python3-xgboost' },
      { name: 'jupyter_server', module: 'jupyter_server', version: '1.23.3', installCommand: null },
      { name: 'ipykernel', module: 'ipykernel', version: null, installCommand: 'sudo apt-get install -y python3-ipykernel' },
    ]);
  });

  it('quotes only paths that need it', () => {
    expect(shellQuote('/usr/bin/python3')).toBe('/usr/bin/python3');
    expect(shellQuote("/tmp/it's here/python")).toBe("'/tmp/it'\\''s here/python'");
  });
});

describe('parseProbeOutput', () => {
  const line = JSON.stringify(report());

  it('reads the probe line, even after noise from sitecustomize', () => {
    expect(parseProbeOutput(`hello from sitecustomize\n${line}\n`)?.python_version).toBe('3.11.2');
  });

  it('rejects output that is not the probe', () => {
    expect(parseProbeOutput('Python 3.11.2\n')).toBeNull();
    expect(parseProbeOutput('{"probe": "other"}\n')).toBeNull();
    expect(parseProbeOutput('{not json\n')).toBeNull();
  });
});

describe('versionProblem', () => {
  it('accepts 3.8 and newer and explains anything older', () => {
    expect(versionProblem('3.8.18')).toBeNull();
    expect(versionProblem('3.13.0')).toBeNull();
    expect(versionProblem('3.7.16')).toBe('Python 3.7.16 is too old: Lathe needs Python 3.8 or newer');
    expect(versionProblem('2.7.18')).toBe('Python 2.7.18 is too old: Lathe needs Python 3.8 or newer');
  });
});
