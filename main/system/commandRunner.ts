import { execFile } from 'node:child_process';
import os from 'node:os';

/** Probes run at a lower priority than the UI: on a small machine they would otherwise starve it at start. */
const PROBE_NICENESS = 10;

export interface CommandOptions {
  /** Kill the process (SIGKILL) after this many milliseconds. */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Aborting kills the process; the result is then `failed`. */
  signal?: AbortSignal;
}

/** How a short-lived command ended. Never a rejection: every failure is a value. */
export type CommandResult =
  | { kind: 'enoent' }
  | { kind: 'exit'; code: number; stdout: string; stderr: string }
  | { kind: 'failed'; reason: 'timeout' | 'aborted' | 'permission' | 'other'; detail: string; stdout: string; stderr: string };

export type CommandRunner = (file: string, args: readonly string[], options: CommandOptions) => Promise<CommandResult>;

interface ExecError extends Error {
  code?: string | number;
  killed?: boolean;
  signal?: NodeJS.Signals | null;
}

/** Pure: maps what execFile reported to a CommandResult. */
export function classifyExecResult(error: ExecError | null, stdout: string, stderr: string, timedOut: boolean): CommandResult {
  if (!error) return { kind: 'exit', code: 0, stdout, stderr };
  if (error.code === 'ENOENT') return { kind: 'enoent' };
  if (error.name === 'AbortError' || error.code === 'ABORT_ERR') {
    return { kind: 'failed', reason: 'aborted', detail: 'aborted', stdout, stderr };
  }
  if (timedOut || (error.killed && error.signal)) return { kind: 'failed', reason: 'timeout', detail: 'timed out', stdout, stderr };
  if (error.code === 'EACCES' || error.code === 'EPERM') {
    return { kind: 'failed', reason: 'permission', detail: String(error.code), stdout, stderr };
  }
  if (typeof error.code === 'number') return { kind: 'exit', code: error.code, stdout, stderr };
  if (error.signal) return { kind: 'failed', reason: 'other', detail: `killed by ${error.signal}`, stdout, stderr };
  return { kind: 'failed', reason: 'other', detail: error.code ? String(error.code) : error.message, stdout, stderr };
}

/** The default runner: execFile without a shell, bounded output, SIGKILL at the deadline. */
export const execFileRunner: CommandRunner = (file, args, options) =>
  new Promise((resolve) => {
    const started = Date.now();
    const child = execFile(
      file,
      [...args],
      {
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 8 * 1024 * 1024,
        windowsHide: true,
        encoding: 'utf8',
        env: options.env,
        cwd: options.cwd,
        signal: options.signal,
      },
      (error, stdout, stderr) => {
        const timedOut = error !== null && (error as ExecError).killed === true && Date.now() - started >= options.timeoutMs;
        resolve(classifyExecResult(error as ExecError | null, String(stdout ?? ''), String(stderr ?? ''), timedOut));
      },
    );
    try {
      if (child.pid !== undefined) os.setPriority(child.pid, PROBE_NICENESS);
    } catch {
      // Lowering priority is a courtesy; a platform that refuses it still runs the probe.
    }
  });
