import { describe, expect, it } from 'vitest';
import { packageReport } from '../../../main/notebooks/notebookEnvironment';
import type { ProbeReport } from '../../../main/system/pythonPackages';

function report(packages: Record<string, string | null>, extra: Partial<ProbeReport> = {}): ProbeReport {
  return { probe: 'lathe', python_version: '3.11.2', prefix: '/usr', base_prefix: '/usr', is_venv: false, is_conda: false, debian: true, packages, ...extra };
}

const ALL = { jupyter_server: '1.23.3', ipykernel: '6.17.0', matplotlib: '3.6.3', numpy: '1.24.2', pandas: '1.5.3', xgboost: '1.7.4', sklearn: '1.2.1', boto3: '1.26.27' };

describe('the notebook environment of an interpreter', () => {
  it('reports every package with its version and no problem when all are there', () => {
    const { packages, problems } = packageReport('/usr/bin/python3', report(ALL));
    expect(packages.filter((p) => p.Required).map((p) => p.Name)).toEqual(['jupyter_server', 'ipykernel']);
    expect(packages.find((p) => p.Name === 'scikit-learn')?.Version).toBe('1.2.1');
    expect(problems).toEqual([]);
  });

  it("gives Debian's system Python the apt command for what notebooks cannot do without", () => {
    const { problems } = packageReport('/usr/bin/python3', report({ ...ALL, jupyter_server: null, ipykernel: null, boto3: null }));
    expect(problems[0]).toEqual({
      Message: '/usr/bin/python3 has no jupyter_server and ipykernel (the notebook server, the Python kernel): notebooks cannot start without them',
      Fix: 'sudo apt-get install -y jupyter-server python3-ipykernel',
    });
    expect(problems[1]).toMatchObject({ Fix: 'sudo apt-get install -y python3-boto3' });
  });

  it('gives a venv the pip command of its own interpreter, and a conda env conda', () => {
    const venv = packageReport('/home/ana/.venvs/ml/bin/python', report({ ...ALL, ipykernel: null }, { prefix: '/home/ana/.venvs/ml', is_venv: true }));
    expect(venv.problems[0]?.Fix).toBe('/home/ana/.venvs/ml/bin/python -m pip install ipykernel');
    const conda = packageReport('/opt/conda/bin/python', report({ ...ALL, jupyter_server: null }, { prefix: '/opt/conda', is_conda: true }));
    expect(conda.problems[0]?.Fix).toBe('conda install -p /opt/conda -y jupyter_server');
  });
});
