import fs from 'node:fs';
import os from 'node:os';
import { LatheFault } from '../api/errors';
import type { PythonCandidate, PythonDiscoveryOptions } from './pythonDiscovery';
import { discoverPythonCandidates, resolveUserPath } from './pythonDiscovery';
import type { PythonEnv, PythonState } from '../contract/model';
import type { CommandResult, CommandRunner } from './commandRunner';
import { packageStatuses, parseProbeOutput, versionProblem } from './pythonPackages';
import { probeScriptSource } from './resources';

export const PYTHON_PROBE_TIMEOUT_MS = 20_000;
const PROBE_CONCURRENCY = 4;

export interface PythonProbeDeps {
  runner: CommandRunner;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** The probe source; default resources/python/lathe/probe.py. */
  script?: string;
}

function lastLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const line = lines[lines.length - 1] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** Pure: why a probe run produced no report, in words the person can act on. */
export function probeFailure(file: string, result: CommandResult, timeoutMs = PYTHON_PROBE_TIMEOUT_MS): string {
  switch (result.kind) {
    case 'enoent':
      return `could not run ${file}: ENOENT — check the path in Settings`;
    case 'failed':
      if (result.reason === 'timeout') return `${file} did not finish the probe within ${Math.round(timeoutMs / 1000)} s`;
      if (result.reason === 'permission') return `could not run ${file}: ${result.detail} — is it executable?`;
      if (result.reason === 'aborted') return `probing ${file} was cancelled`;
      return `could not run ${file}: ${result.detail}`;
    case 'exit': {
      const said = lastLine(result.stderr) || lastLine(result.stdout);
      if (result.code !== 0) return `${file} exited with code ${result.code}${said ? `: ${said}` : ''} — is it a Python interpreter?`;
      return `${file} did not print the probe result${said ? ` (it printed: ${said})` : ''} — is it a Python interpreter?`;
    }
  }
}

function failedEnv(candidate: PythonCandidate, error: string): PythonEnv {
  return { ...candidate, ok: false, pythonVersion: null, packages: [], error };
}

/** Runs the probe script with one interpreter; never throws. */
export async function probeInterpreter(candidate: PythonCandidate, deps: PythonProbeDeps): Promise<PythonEnv> {
  let script: string;
  try {
    script = deps.script ?? probeScriptSource();
  } catch (error) {
    return failedEnv(candidate, `Lathe's probe script is missing: ${(error as Error).message}`);
  }
  const result = await deps.runner(candidate.path, ['-c', script], {
    timeoutMs: PYTHON_PROBE_TIMEOUT_MS,
    env: deps.env,
    cwd: os.tmpdir(),
    signal: deps.signal,
  });
  const report = result.kind === 'exit' && result.code === 0 ? parseProbeOutput(result.stdout) : null;
  if (!report) return failedEnv(candidate, probeFailure(candidate.path, result));
  const tooOld = versionProblem(report.python_version);
  const packages = tooOld ? [] : packageStatuses(candidate, report);
  return {
    ...candidate,
    ok: tooOld === null && packages.every((pkg) => pkg.version !== null),
    pythonVersion: report.python_version,
    packages,
    error: tooOld,
  };
}

/** Pure: the first healthy interpreter by priority, else the first that runs, else null. */
export function selectPython(envs: readonly PythonEnv[]): string | null {
  return (envs.find((env) => env.ok) ?? envs.find((env) => env.error === null && env.pythonVersion !== null))?.path ?? null;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Finds and probes every interpreter; LATHE_PYTHON and Settings come first. */
export async function discoverPython(options: PythonDiscoveryOptions, deps: PythonProbeDeps): Promise<PythonState> {
  const candidates = discoverPythonCandidates(options);
  const envs = await mapLimited(candidates, PROBE_CONCURRENCY, (candidate) => probeInterpreter(candidate, deps));
  return { selected: selectPython(envs), envs };
}

/**
 * Probes an interpreter the person typed in. A missing file is `not-found`, a folder or a file
 * without the execute bit is `invalid-argument`; anything else is reported in the PythonEnv.
 */
export async function probePythonPath(
  input: string,
  context: { homeDir: string; cwd: string },
  deps: PythonProbeDeps,
): Promise<PythonEnv> {
  if (!input.trim()) throw new LatheFault('invalid-argument', 'Enter the path of a Python interpreter, e.g. /usr/bin/python3');
  const file = resolveUserPath(input, context.homeDir, context.cwd);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new LatheFault('not-found', `No file at ${file}: check the interpreter path`, { path: file });
  }
  if (stat.isDirectory()) {
    throw new LatheFault('invalid-argument', `${file} is a folder: choose the interpreter inside it, e.g. ${file}/bin/python`, {
      path: file,
    });
  }
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    throw new LatheFault('invalid-argument', `${file} is not executable: choose a Python interpreter (or chmod +x it)`, { path: file });
  }
  let realPath = file;
  try {
    realPath = fs.realpathSync(file);
  } catch {
    // keep the path as typed
  }
  return probeInterpreter({ path: file, realPath, source: 'manual' }, deps);
}
