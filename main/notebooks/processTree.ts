/**
 * Finding and ending everything a Jupyter server started. Kernels run in sessions of their own
 * (jupyter_client starts them with start_new_session), so the server's process group does not hold
 * them, and a kernel outlives a server that was killed. Lathe marks the server's environment with
 * a random value that every kernel and every process a cell starts inherits, and finds them by it
 * (Linux: /proc/<pid>/environ). Elsewhere it falls back to the server's descendants by parent pid.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Pids whose environment holds `name=value` (this process excluded). Linux only; null elsewhere. */
export function markedProcesses(name: string, value: string): number[] | null {
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return null;
  }
  const needle = Buffer.from(`${name}=${value}\0`);
  const found: number[] = [];
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    try {
      const environ = fs.readFileSync(`/proc/${pid}/environ`);
      if (environ.indexOf(needle) !== -1) found.push(Number(pid));
    } catch {
      // Gone, or another user's process.
    }
  }
  return found;
}

/** Every descendant of pid by parent pid (`ps`), for platforms without /proc. */
export function descendants(pid: number): number[] {
  let table: string;
  try {
    table = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8', timeout: 5000 });
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const line of table.split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (!child || parent === undefined || Number.isNaN(parent)) continue;
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const out: number[] = [];
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    out.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return out;
}

/** Whether pid still runs (a zombie, which only waits to be collected, does not). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z /s.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** Signals a process's group (it leads one when started detached or in its own session) and the process itself. */
export function signalTree(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // Not a group leader, or gone already.
    }
  }
}
