import { z } from 'zod';
import type { PythonPackageStatus } from '../contract/model';

/** The packages Lathe's jobs and notebooks need, with their name in each installer. */
export interface RequiredPackage {
  name: string;
  module: string;
  apt: string;
  conda: string;
  pip: string;
}

export const REQUIRED_PYTHON_PACKAGES: readonly RequiredPackage[] = [
  { name: 'numpy', module: 'numpy', apt: 'python3-numpy', conda: 'numpy', pip: 'numpy' },
  { name: 'pandas', module: 'pandas', apt: 'python3-pandas', conda: 'pandas', pip: 'pandas' },
  { name: 'scikit-learn', module: 'sklearn', apt: 'python3-sklearn', conda: 'scikit-learn', pip: 'scikit-learn' },
  { name: 'xgboost', module: 'xgboost', apt: 'python3-xgboost', conda: 'xgboost', pip: 'xgboost' },
  { name: 'jupyter_server', module: 'jupyter_server', apt: 'jupyter-server', conda: 'jupyter_server', pip: 'jupyter_server' },
  { name: 'ipykernel', module: 'ipykernel', apt: 'python3-ipykernel', conda: 'ipykernel', pip: 'ipykernel' },
];

export const MIN_PYTHON: readonly [number, number] = [3, 8];

const probeSchema = z.object({
  probe: z.literal('lathe'),
  python_version: z.string(),
  executable: z.string().nullable().optional(),
  prefix: z.string(),
  base_prefix: z.string(),
  is_venv: z.boolean(),
  is_conda: z.boolean(),
  debian: z.boolean().optional(),
  packages: z.record(z.string(), z.string().nullable()),
});

export type ProbeReport = z.infer<typeof probeSchema>;

/** Pure: the probe's JSON line (the last line that parses), or null when the output is something else. */
export function parseProbeOutput(stdout: string): ProbeReport | null {
  const lines = stdout.split(/\r?\n/).filter((line) => line.trim().startsWith('{'));
  for (const line of lines.reverse()) {
    try {
      const parsed = probeSchema.safeParse(JSON.parse(line));
      if (parsed.success) return parsed.data;
    } catch {
      // not JSON: keep looking
    }
  }
  return null;
}

/** POSIX shell quoting, only when needed: paths with spaces still paste into a terminal. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export type InstallerKind = 'apt' | 'conda' | 'pip';

/** Pure: which installer owns this interpreter's packages. */
export function installerFor(interpreter: { path: string; realPath: string }, report: ProbeReport): InstallerKind {
  if (report.is_conda) return 'conda';
  const systemPath = /^\/usr\/bin\/python3(\.\d+)?$/;
  const isSystem = systemPath.test(interpreter.path) || systemPath.test(interpreter.realPath);
  if (isSystem && !report.is_venv && report.debian !== false) return 'apt';
  return 'pip';
}

/** Pure: the exact command that installs one package into this interpreter. */
export function installCommand(pkg: RequiredPackage, interpreterPath: string, kind: InstallerKind, prefix: string): string {
  switch (kind) {
    case 'apt':
      return `sudo apt-get install -y ${pkg.apt}`;
    case 'conda':
      return `conda install -p ${shellQuote(prefix)} -y ${pkg.conda}`;
    case 'pip':
      return `${shellQuote(interpreterPath)} -m pip install ${pkg.pip}`;
  }
}

/** Pure: each required package's version, or the command that installs it. */
export function packageStatuses(interpreter: { path: string; realPath: string }, report: ProbeReport): PythonPackageStatus[] {
  const kind = installerFor(interpreter, report);
  return REQUIRED_PYTHON_PACKAGES.map((pkg) => {
    const version = report.packages[pkg.module] ?? null;
    return {
      name: pkg.name,
      module: pkg.module,
      version,
      installCommand: version === null ? installCommand(pkg, interpreter.path, kind, report.prefix) : null,
    };
  });
}

/** Pure: why this Python version cannot run Lathe's code, or null. */
export function versionProblem(version: string): string | null {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  const [wantMajor, wantMinor] = MIN_PYTHON;
  if (major > wantMajor || (major === wantMajor && minor >= wantMinor)) return null;
  return `Python ${version} is too old: Lathe needs Python ${wantMajor}.${wantMinor} or newer`;
}
