import fs from 'node:fs';
import path from 'node:path';
import type { PythonSource } from '../contract/model';

export interface PythonDiscoveryOptions {
  env: NodeJS.ProcessEnv;
  homeDir: string;
  cwd: string;
  /** settings.pythonPath */
  settingsPath: string | null;
  /** Interpreters always considered; default /usr/bin/python3. */
  systemPythons?: readonly string[];
}

export interface PythonCandidate {
  path: string;
  realPath: string;
  source: PythonSource;
}

/** "~/x" → "<home>/x"; relative paths resolve against cwd. */
export function resolveUserPath(input: string, homeDir: string, cwd: string): string {
  const trimmed = input.trim();
  const expanded = trimmed === '~' ? homeDir : trimmed.startsWith('~/') ? path.join(homeDir, trimmed.slice(2)) : trimmed;
  return path.resolve(cwd, expanded);
}

export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function realpathOr(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/** The venv that owns an interpreter: Python looks for pyvenv.cfg beside it or one folder up. */
function venvRoot(file: string): string | null {
  const bin = path.dirname(file);
  for (const dir of [bin, path.dirname(bin)]) {
    if (fs.existsSync(path.join(dir, 'pyvenv.cfg'))) return realpathOr(dir);
  }
  return null;
}

/** Sub-folders of a folder, sorted; none when it does not exist. */
function children(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .sort()
      .map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}

/**
 * Every interpreter worth probing, highest priority first, deduplicated by real path (a venv's
 * python is a symlink to the system one but a different environment, so its venv counts too).
 * LATHE_PYTHON and the Settings path are kept even when missing, so the person sees why.
 */
export function discoverPythonCandidates(options: PythonDiscoveryOptions): PythonCandidate[] {
  const { env, homeDir, cwd } = options;
  const home = (...parts: string[]) => path.join(homeDir, ...parts);
  const candidates: PythonCandidate[] = [];
  const seen = new Set<string>();

  const add = (file: string, source: PythonSource, explicit = false) => {
    const absolute = resolveUserPath(file, homeDir, cwd);
    if (!explicit && !isExecutableFile(absolute)) return;
    const realPath = realpathOr(absolute);
    const key = `${realPath}#${venvRoot(absolute) ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    candidates.push({ path: absolute, realPath, source });
  };
  const inEnvs = (dir: string) => children(dir).map((env) => path.join(env, 'bin', 'python'));

  if (env.LATHE_PYTHON?.trim()) add(env.LATHE_PYTHON, 'LATHE_PYTHON', true);
  if (options.settingsPath?.trim()) add(options.settingsPath, 'settings', true);

  const venvs = [
    ...(env.VIRTUAL_ENV ? [path.join(env.VIRTUAL_ENV, 'bin', 'python')] : []),
    path.join(cwd, '.venv', 'bin', 'python'),
    ...inEnvs(home('.venvs')),
    ...inEnvs(home('.virtualenvs')),
  ];
  for (const file of venvs) add(file, 'venv');

  const conda = [...(env.CONDA_PREFIX ? [path.join(env.CONDA_PREFIX, 'bin', 'python')] : [])];
  for (const root of ['miniconda3', 'anaconda3', 'miniforge3', 'mambaforge']) {
    conda.push(home(root, 'bin', 'python'), ...inEnvs(home(root, 'envs')));
  }
  conda.push(...inEnvs(home('.conda', 'envs')));
  for (const file of conda) add(file, 'conda');

  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue;
    add(path.join(dir, 'python3'), 'PATH');
    add(path.join(dir, 'python'), 'PATH');
  }
  for (const file of options.systemPythons ?? ['/usr/bin/python3']) add(file, 'PATH');
  return candidates;
}
