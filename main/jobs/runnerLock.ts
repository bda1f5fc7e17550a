/**
 * One Lathe runs the jobs of a data folder. Two — the app and `lathe serve`, or `lathe train --home`
 * beside either — would both reattach to the same jobs and start the same queued ones. The first
 * takes LATHE_HOME/runner.lock; the others record requests and leave running to it.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface RunnerLock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Data folders whose lock a Lathe in this very process holds (tests run several in one process). */
const HELD_HERE = new Set<string>();

/** The lock, or the pid of the Lathe that holds it. A lock left by a process that is gone is taken over. */
export function acquireRunnerLock(home: string): RunnerLock | { heldBy: number } {
  const file = path.join(path.resolve(home), 'runner.lock');
  if (HELD_HERE.has(file)) return { heldBy: process.pid };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }), { flag: 'wx', mode: 0o600 });
      HELD_HERE.add(file);
      return {
        release: () => {
          HELD_HERE.delete(file);
          try {
            const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number };
            if (holder.pid === process.pid) fs.rmSync(file, { force: true });
          } catch {
            // Already gone.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder: { pid?: number } = {};
    try {
      holder = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number };
    } catch {
      // Half-written or unreadable: treat as stale.
    }
    if (typeof holder.pid === 'number' && holder.pid !== process.pid && alive(holder.pid)) return { heldBy: holder.pid };
    fs.rmSync(file, { force: true }); // stale: its Lathe is gone
  }
  throw new Error(`could not take ${file}`);
}
