/**
 * Jobs as local processes under Lathe's supervisor (resources/python/lathe/supervise.py): started
 * in a session of their own so they keep running when Lathe exits, with the output appended to
 * the job's log and the end written to exit.json, which is how a later Lathe learns how it ended.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobBackend, JobExit, JobHandle, JobLaunch } from './backend';

const POLL_MS = 200;

/** exit.json as supervise.py writes it (times in epoch seconds). */
interface ExitFile {
  exitCode: number | null;
  signal: string | null;
  reason: JobExit['reason'];
  startedAt?: number;
  endedAt?: number;
}

function fromExitFile(exit: ExitFile): JobExit {
  return {
    exitCode: exit.exitCode,
    signal: exit.signal,
    reason: exit.reason,
    ...(exit.startedAt ? { startedAt: Math.round(exit.startedAt * 1000) } : {}),
    ...(exit.endedAt ? { endedAt: Math.round(exit.endedAt * 1000) } : {}),
  };
}

interface SupervisorFile {
  pid: number;
  childPid: number;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Whether pid is our supervisor for this job folder (and not some process that reused the pid). */
export function isSupervisor(pid: number, jobDir: string): boolean {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // A zombie has ended: it is only waiting for its parent to collect it.
    if (/^\d+ \(.*\) Z /s.test(stat)) return false;
    return cmdline.some((arg) => arg.endsWith('supervise.py')) && cmdline.includes(jobDir);
  } catch {
    return false;
  }
}

export class ProcessBackend implements JobBackend {
  readonly name = 'process' as const;
  /** Supervisors this Lathe started: their exit wakes wait() at once instead of at the next poll. */
  private readonly exits = new Map<number, Promise<void>>();

  async launch(launch: JobLaunch): Promise<JobHandle> {
    const command = launch.process;
    if (!command) throw new Error('the process backend needs a command');
    for (const stale of ['exit.json', 'supervisor.json']) fs.rmSync(path.join(launch.jobDir, stale), { force: true });
    // -S: the supervisor needs only the standard library, and skipping site-packages halves its start.
    const args = ['-S', path.join(command.pythonPath, 'lathe', 'supervise.py'), '--dir', launch.jobDir, '--log', launch.logFile, '--cwd', command.cwd, '--grace', String(launch.stopGraceSeconds)];
    if (launch.maxRuntimeSeconds !== undefined) args.push('--max-runtime', String(Math.max(launch.maxRuntimeSeconds, 0.001)));
    args.push('--', command.file, ...command.args);
    const env: Record<string, string> = { ...launch.env };
    if (launch.gpus.length > 0) env.CUDA_VISIBLE_DEVICES = launch.gpus.join(',');
    else if (!('CUDA_VISIBLE_DEVICES' in env)) env.CUDA_VISIBLE_DEVICES = '';
    const child = spawn(command.python, args, { cwd: command.cwd, env, detached: true, stdio: 'ignore' });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', (error) => reject(new Error(`could not start ${command.python}: ${error.message}`)));
      child.once('spawn', () => resolve(child.pid!));
    });
    child.unref();
    this.exits.set(pid, new Promise((resolve) => child.once('exit', () => resolve())));
    // The handle is good once the supervisor has started the job (or recorded that it could not).
    for (;;) {
      if (fs.existsSync(path.join(launch.jobDir, 'supervisor.json')) || fs.existsSync(path.join(launch.jobDir, 'exit.json'))) break;
      if (child.exitCode !== null) {
        throw new Error(`Lathe's supervisor exited with code ${child.exitCode} before starting the job; is ${command.python} a working Python 3?`);
      }
      await sleep(20);
    }
    return { backend: 'process', pid, jobDir: launch.jobDir };
  }

  async wait(handle: JobHandle, signal?: AbortSignal): Promise<JobExit> {
    if (handle.backend !== 'process') throw new Error('not a process job');
    const exitFile = path.join(handle.jobDir, 'exit.json');
    for (;;) {
      const exit = readJson<ExitFile>(exitFile);
      if (exit) {
        this.exits.delete(handle.pid);
        return fromExitFile(exit);
      }
      if (!isSupervisor(handle.pid, handle.jobDir)) {
        // It may have written exit.json between the two checks.
        const late = readJson<ExitFile>(exitFile);
        if (late) return fromExitFile(late);
        this.killOrphan(handle.jobDir);
        return { exitCode: null, signal: null, reason: null, vanished: true };
      }
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      const exited = this.exits.get(handle.pid);
      await (exited ? Promise.race([exited, sleep(POLL_MS)]) : sleep(POLL_MS));
    }
  }

  stop(handle: JobHandle): Promise<void> {
    this.signal(handle, 'SIGTERM');
    return Promise.resolve();
  }

  interrupt(handle: JobHandle): Promise<void> {
    this.signal(handle, 'SIGUSR1');
    return Promise.resolve();
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }

  private signal(handle: JobHandle, name: NodeJS.Signals): void {
    if (handle.backend !== 'process' || !isSupervisor(handle.pid, handle.jobDir)) return;
    try {
      process.kill(handle.pid, name);
    } catch {
      // Already gone: wait() reports how it ended.
    }
  }

  /** A supervisor killed outright leaves its job's group running; nothing may outlive the record. */
  private killOrphan(jobDir: string): void {
    const file = readJson<SupervisorFile>(path.join(jobDir, 'supervisor.json'));
    if (!file) return;
    try {
      process.kill(-file.childPid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}
