/**
 * Script mode as the SageMaker training toolkit does it (sagemaker-contracts.md §1.4): decode the
 * hyperparameters, split off the framework's own, and turn the rest into sorted `--key value` args.
 */
import { pyLoads, pyStr, toJsonValue, type PyValue } from './pythonValues';

/** Keys the toolkit keeps for itself rather than passing to user code. */
const RESERVED = new Set(['_tuning_objective_metric']);

export interface ScriptHyperparameters {
  /** sagemaker_program, sagemaker_submit_directory, … decoded. */
  framework: Record<string, unknown>;
  /** What user code receives, decoded (SM_HPS). */
  user: Record<string, unknown>;
  /** The argv after the entry point. */
  args: string[];
  /** The entry point named by sagemaker_program, if any. */
  program: string | null;
  submitDirectory: string | null;
}

/** to_cmd_args: sorted keys, `--key value` (`-k value` for one-letter keys), dicts as sorted k1=v1,k2=v2. */
export function toCmdArgs(hyperparameters: ReadonlyArray<[string, PyValue]>): string[] {
  const args: string[] = [];
  for (const [key, value] of [...hyperparameters].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    args.push(key.length === 1 ? `-${key}` : `--${key}`);
    const items = value.kind === 'dict' ? [...value.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : null;
    args.push(items ? items.map(([k, v]) => `${k}=${pyStr(v)}`).join(',') : pyStr(value));
  }
  return args;
}

export function scriptHyperparameters(raw: Record<string, string>): ScriptHyperparameters {
  const framework: Record<string, unknown> = {};
  const user: Array<[string, PyValue]> = [];
  for (const [key, text] of Object.entries(raw)) {
    const value = pyLoads(text);
    if (key.startsWith('sagemaker_') || RESERVED.has(key)) framework[key] = toJsonValue(value);
    else user.push([key, value]);
  }
  const asString = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);
  return {
    framework,
    user: Object.fromEntries(user.map(([key, value]) => [key, toJsonValue(value)])),
    args: toCmdArgs(user),
    program: asString(framework.sagemaker_program),
    submitDirectory: asString(framework.sagemaker_submit_directory),
  };
}

/** How the toolkit runs an entry point (§1.4 step 4), given the code folder. */
export function entryPointCommand(entryPoint: string, args: readonly string[], python: string): { file: string; args: string[] } {
  if (entryPoint.endsWith('.py')) return { file: python, args: [entryPoint, ...args] };
  const quoted = [`./${entryPoint}`, ...args].map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
  return { file: '/bin/sh', args: ['-c', quoted] };
}
