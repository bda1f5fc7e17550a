/**
 * Where jobs may run right now: CPU slots (Settings → concurrency.cpuSlots) and one slot per GPU.
 * Training and processing draw from the same pool; whoever frees a slot wakes every waiter.
 */
export interface SlotGrant {
  /** GPU indices granted (empty for a CPU job). */
  gpus: string[];
  release(): void;
}

export class SlotPool {
  private cpuBusy = 0;
  private readonly gpuBusy = new Set<string>();
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly cpuSlots: () => number,
    private readonly gpuIds: () => string[],
  ) {}

  /** A slot for a job wanting `gpus` GPUs (0 = a CPU slot), or null when none is free. */
  tryAcquire(gpus: number): SlotGrant | null {
    let granted: string[] = [];
    if (gpus > 0) {
      const free = this.gpuIds().filter((id) => !this.gpuBusy.has(id));
      if (free.length < gpus) return null;
      granted = free.slice(0, gpus);
      for (const id of granted) this.gpuBusy.add(id);
    } else {
      if (this.cpuBusy >= this.cpuSlots()) return null;
      this.cpuBusy += 1;
    }
    return this.grant(granted);
  }

  /** Takes a slot whatever the limits (a job found running after a restart already holds one). */
  claim(gpuIds: string[]): SlotGrant {
    if (gpuIds.length > 0) for (const id of gpuIds) this.gpuBusy.add(id);
    else this.cpuBusy += 1;
    return this.grant(gpuIds);
  }

  private grant(gpuIds: string[]): SlotGrant {
    let released = false;
    return {
      gpus: gpuIds,
      release: () => {
        if (released) return;
        released = true;
        if (gpuIds.length > 0) for (const id of gpuIds) this.gpuBusy.delete(id);
        else this.cpuBusy -= 1;
        this.notify();
      },
    };
  }

  /** Wakes the waiters: the limits changed (a GPU appeared, Settings changed). */
  notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Calls `listener` whenever a slot frees; returns the unsubscribe. */
  onFree(listener: () => void): () => void {
    this.waiters.add(listener);
    return () => this.waiters.delete(listener);
  }

  get machineGpus(): number {
    return this.gpuIds().length;
  }
}

/** SageMaker's GPU instance families: ml.p3, ml.p4d, ml.g4dn, ml.g5, … */
export function wantsGpu(instanceType: string | undefined): boolean {
  return /^ml\.(p\d|g\d)/.test(instanceType ?? '');
}
