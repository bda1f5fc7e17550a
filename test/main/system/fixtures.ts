import type { ProbeReport } from '../../../main/system/pythonPackages';
import type { ProbedSystem, SystemSnapshots } from '../../../main/system/snapshotStore';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandOptions, CommandResult, CommandRunner } from '../../../main/system/commandRunner';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures');

/** A recorded tool output under test/fixtures, e.g. fixture('nvidia-smi', 'h100-x1.query.txt'). */
export function fixture(...parts: string[]): string {
  return fs.readFileSync(path.join(FIXTURES, ...parts), 'utf8');
}

export interface RecordedCall {
  file: string;
  args: readonly string[];
  options: CommandOptions;
}

/**
 * A CommandRunner that answers from a script: the first rule whose file (and args prefix) match.
 * Anything unscripted is ENOENT, as on a machine without the tool.
 */
export function fakeRunner(
  rules: Array<{ file: string; args?: (args: readonly string[]) => boolean; result: CommandResult | ((call: RecordedCall) => CommandResult) }>,
): CommandRunner & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const runner = async (file: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> => {
    const call = { file, args, options };
    calls.push(call);
    const rule = rules.find((candidate) => candidate.file === file && (candidate.args ? candidate.args(args) : true));
    if (!rule) return { kind: 'enoent' };
    return typeof rule.result === 'function' ? rule.result(call) : rule.result;
  };
  return Object.assign(runner, { calls });
}

export const exit = (code: number, stdout = '', stderr = ''): CommandResult => ({ kind: 'exit', code, stdout, stderr });

/** What resources/python/lathe/probe.py prints for Debian's /usr/bin/python3 with every package. */
export const probeReport = (overrides: Partial<ProbeReport> = {}): ProbeReport => ({
  probe: 'lathe',
  python_version: '3.11.2',
  executable: '/usr/bin/python3',
  prefix: '/usr',
  base_prefix: '/usr',
  is_venv: false,
  is_conda: false,
  debian: true,
  packages: { numpy: '1.24.2', pandas: '1.5.3', sklearn: '1.2.1', xgboost: '1.7.4', jupyter_server: '1.23.3', ipykernel: '6.17.0' },
  ...overrides,
});

/** SystemSnapshots kept in memory, as the store would keep them across restarts. */
export function memorySnapshots(): SystemSnapshots & { saved: Map<string, ProbedSystem> } {
  const saved = new Map<string, ProbedSystem>();
  return { saved, load: (key) => saved.get(key) ?? null, save: (key, probe) => void saved.set(key, probe) };
}
