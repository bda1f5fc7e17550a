/**
 * The jobs one service (training, processing) is starting or watching in this run of Lathe: each
 * holds its slot until its work ends; dispose either stops them or only stops watching (the jobs
 * run on for the next start). Shared by every job kind so their lifecycles cannot drift apart.
 */
import type { JobBackend, JobHandle } from './backend';
import type { SlotGrant } from './slots';

export interface ActiveJob {
  name: string;
  grant: SlotGrant;
  /** Stops watching (dispose); the job itself keeps running. */
  abort: AbortController;
  handle: JobHandle | null;
  backend: JobBackend | null;
  stopRequested: boolean;
}

export class JobWatches {
  private readonly active = new Map<string, ActiveJob>();
  private readonly watches = new Set<Promise<void>>();

  /** @param failed records a job whose work threw (not when Lathe is only shutting down). */
  constructor(private readonly failed: (name: string, error: unknown) => void) {}

  get(name: string): ActiveJob | undefined {
    return this.active.get(name);
  }

  has(name: string): boolean {
    return this.active.has(name);
  }

  /** Runs `work` for the job; when it ends, the job is forgotten and its slot freed. */
  track(name: string, grant: SlotGrant, work: (active: ActiveJob) => Promise<void>): void {
    const active: ActiveJob = { name, grant, abort: new AbortController(), handle: null, backend: null, stopRequested: false };
    this.active.set(name, active);
    const watch = work(active)
      .catch((error: unknown) => {
        if (!active.abort.signal.aborted) this.failed(name, error); // else Lathe is exiting; the job runs on
      })
      .finally(() => {
        this.active.delete(name);
        this.watches.delete(watch);
        grant.release(); // wakes the schedulers
      });
    this.watches.add(watch);
  }

  /** Stops the jobs (stopJobs) or only stops watching them, then waits for every watch to end. */
  async dispose(stopJobs: boolean): Promise<void> {
    for (const active of this.active.values()) {
      if (stopJobs) {
        active.stopRequested = true;
        if (active.handle && active.backend) await active.backend.stop(active.handle);
      } else {
        active.abort.abort(new Error('Lathe is shutting down'));
      }
    }
    await Promise.allSettled([...this.watches]);
  }
}
