/**
 * What the selected interpreter offers notebooks: jupyter_server and ipykernel (without which no
 * server starts), the packages a notebook usually wants, and its kernelspecs; each missing package
 * with the exact command that installs it into this interpreter.
 */
import os from 'node:os';
import fs from 'node:fs';
import { precondition } from '../api/errors';
import type { NotebookEnvironment, NotebookPackage, NotebookProblem, Kernelspec } from '../contract/notebooks';
import type { CommandRunner } from '../system/commandRunner';
import { probeFailure } from '../system/python';
import { installerFor, parseProbeOutput, shellQuote, type ProbeReport } from '../system/pythonPackages';
import { probeScriptSource } from '../system/resources';

interface NotebookPackageInfo {
  name: string;
  module: string;
  distribution: string;
  apt: string;
  /** The pip and conda name. */
  pip: string;
  required: boolean;
  /** What a notebook loses without it. */
  why: string;
}

export const NOTEBOOK_PACKAGES: readonly NotebookPackageInfo[] = [
  { name: 'jupyter_server', module: 'jupyter_server', distribution: 'jupyter_server', apt: 'jupyter-server', pip: 'jupyter_server', required: true, why: 'the notebook server' },
  { name: 'ipykernel', module: 'ipykernel', distribution: 'ipykernel', apt: 'python3-ipykernel', pip: 'ipykernel', required: true, why: 'the Python kernel' },
  { name: 'matplotlib', module: 'matplotlib', distribution: 'matplotlib', apt: 'python3-matplotlib', pip: 'matplotlib', required: false, why: 'plots' },
  { name: 'numpy', module: 'numpy', distribution: 'numpy', apt: 'python3-numpy', pip: 'numpy', required: false, why: 'arrays' },
  { name: 'pandas', module: 'pandas', distribution: 'pandas', apt: 'python3-pandas', pip: 'pandas', required: false, why: 'data frames' },
  { name: 'xgboost', module: 'xgboost', distribution: 'xgboost', apt: 'python3-xgboost', pip: 'xgboost', required: false, why: 'XGBoost models' },
  { name: 'scikit-learn', module: 'sklearn', distribution: 'scikit-learn', apt: 'python3-sklearn', pip: 'scikit-learn', required: false, why: 'scikit-learn models' },
  { name: 'boto3', module: 'boto3', distribution: 'boto3', apt: 'python3-boto3', pip: 'boto3', required: false, why: 'boto3 clients pointed at Lathe' },
];

const REQUIRED = NOTEBOOK_PACKAGES.filter((pkg) => pkg.required);
const PROBE_TIMEOUT_MS = 30_000;

const KERNELSPECS_SCRIPT = `import json, sys
try:
    from jupyter_client.kernelspec import KernelSpecManager
except Exception:
    print("[]"); sys.exit(0)
specs = KernelSpecManager().get_all_specs()
print(json.dumps([{"Name": n, "DisplayName": s.get("spec", {}).get("display_name", n), "Language": s.get("spec", {}).get("language", "")} for n, s in sorted(specs.items())]))`;

export interface EnvironmentDeps {
  runner: CommandRunner;
  env: NodeJS.ProcessEnv;
}

/** Pure: the one command that installs these packages into this interpreter. */
export function installFor(packages: readonly NotebookPackageInfo[], python: string, report: ProbeReport): string {
  let realPath = python;
  try {
    realPath = fs.realpathSync(python);
  } catch {
    // As given.
  }
  switch (installerFor({ path: python, realPath }, report)) {
    case 'apt':
      return `sudo apt-get install -y ${packages.map((p) => p.apt).join(' ')}`;
    case 'conda':
      return `conda install -p ${shellQuote(report.prefix)} -y ${packages.map((p) => p.pip).join(' ')}`;
    case 'pip':
      return `${shellQuote(python)} -m pip install ${packages.map((p) => p.pip).join(' ')}`;
  }
}

/** Pure: the problem of missing jupyter_server / ipykernel, with the command that installs them. */
function requiredProblem(required: readonly NotebookPackageInfo[], python: string, report: ProbeReport): NotebookProblem {
  return {
    Message: `${python} has no ${required.map((p) => p.name).join(' and ')} (${required.map((p) => p.why).join(', ')}): notebooks cannot start without ${required.length > 1 ? 'them' : 'it'}`,
    Fix: installFor(required, python, report),
  };
}

const missingFrom = (report: ProbeReport, packages: readonly NotebookPackageInfo[]) => packages.filter((pkg) => (report.packages[pkg.module] ?? null) === null);

/** Pure: the packages with their versions, and a problem (with its fix) for what is missing. */
export function packageReport(python: string, report: ProbeReport): { packages: NotebookPackage[]; problems: NotebookProblem[] } {
  const packages = NOTEBOOK_PACKAGES.map((pkg) => ({ Name: pkg.name, Version: report.packages[pkg.module] ?? null, Required: pkg.required }));
  const missing = missingFrom(report, NOTEBOOK_PACKAGES);
  const required = missing.filter((pkg) => pkg.required);
  const problems: NotebookProblem[] = required.length > 0 ? [requiredProblem(required, python, report)] : [];
  for (const pkg of missing.filter((p) => !p.required)) {
    problems.push({ Message: `${pkg.name} is not installed for ${python}: no ${pkg.why} in notebooks`, Fix: installFor([pkg], python, report) });
  }
  return { packages, problems };
}

async function probe(python: string, modules: readonly NotebookPackageInfo[], deps: EnvironmentDeps): Promise<{ report: ProbeReport } | { error: string }> {
  const list = modules.map((pkg) => (pkg.module === pkg.distribution ? pkg.module : `${pkg.module}=${pkg.distribution}`)).join(',');
  const result = await deps.runner(python, ['-c', probeScriptSource(), list], { timeoutMs: PROBE_TIMEOUT_MS, env: deps.env, cwd: os.tmpdir() });
  const report = result.kind === 'exit' && result.code === 0 ? parseProbeOutput(result.stdout) : null;
  return report ? { report } : { error: probeFailure(python, result, PROBE_TIMEOUT_MS) };
}

async function kernelspecs(python: string, deps: EnvironmentDeps): Promise<Kernelspec[]> {
  const result = await deps.runner(python, ['-c', KERNELSPECS_SCRIPT], { timeoutMs: PROBE_TIMEOUT_MS, env: { ...deps.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' }, cwd: os.tmpdir() });
  if (result.kind !== 'exit' || result.code !== 0) return [];
  try {
    const line = result.stdout.trim().split('\n').pop() ?? '[]';
    return (JSON.parse(line) as Kernelspec[]).filter((spec) => typeof spec.Name === 'string');
  } catch {
    return [];
  }
}

const NO_PYTHON: NotebookProblem = {
  Message: 'no Python interpreter was found for notebooks',
  Fix: 'sudo apt-get install -y python3 jupyter-server python3-ipykernel (Debian/Ubuntu), or choose an interpreter with jupyter_server and ipykernel in Settings → Python',
};

/** The whole report for notebooks.environment. */
export async function notebookEnvironment(python: string | null, deps: EnvironmentDeps): Promise<NotebookEnvironment> {
  if (!python) return { Python: null, Version: null, Packages: [], Ready: false, Problems: [NO_PYTHON], Kernelspecs: [] };
  const [probed, specs] = await Promise.all([probe(python, NOTEBOOK_PACKAGES, deps), kernelspecs(python, deps)]);
  if ('error' in probed) {
    return { Python: python, Version: null, Packages: [], Ready: false, Problems: [{ Message: probed.error, Fix: 'choose a working Python 3 interpreter in Settings → Python' }], Kernelspecs: [] };
  }
  const { packages, problems } = packageReport(python, probed.report);
  const ready = packages.every((pkg) => !pkg.Required || pkg.Version !== null);
  return { Python: python, Version: probed.report.python_version, Packages: packages, Ready: ready, Problems: problems, Kernelspecs: specs };
}

/** Throws failed-precondition, with the exact fix, when the interpreter cannot run a notebook server. */
export async function requireNotebookPackages(python: string | null, deps: EnvironmentDeps): Promise<void> {
  if (!python) throw precondition(`${NO_PYTHON.Message}. Fix: ${NO_PYTHON.Fix}`, { Problems: [NO_PYTHON] });
  const probed = await probe(python, REQUIRED, deps);
  if ('error' in probed) throw precondition(`notebooks cannot start: ${probed.error}`, { Python: python });
  const missing = missingFrom(probed.report, REQUIRED);
  if (missing.length === 0) return;
  const problem = requiredProblem(missing, python, probed.report);
  throw precondition(`${problem.Message}. Fix: ${problem.Fix}`, { Python: python, Problems: [problem] });
}
