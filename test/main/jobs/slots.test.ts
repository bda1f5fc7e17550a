import { describe, expect, it } from 'vitest';
import { SlotPool, wantsGpu, type SlotGrant } from '../../../main/jobs/slots';

function pool(options: { cpuSlots?: number; gpus?: string[] } = {}) {
  const limits = { cpuSlots: options.cpuSlots ?? 2, gpus: options.gpus ?? [] };
  const slots = new SlotPool(
    () => limits.cpuSlots,
    () => limits.gpus,
  );
  let wakes = 0;
  slots.onFree(() => {
    wakes += 1;
  });
  return { slots, limits, wakes: () => wakes };
}

function granted(grant: SlotGrant | null): SlotGrant {
  expect(grant).not.toBeNull();
  return grant!;
}

describe('SlotPool', () => {
  it('grants as many CPU slots as Settings allow, then refuses', () => {
    const { slots } = pool({ cpuSlots: 2 });
    const first = granted(slots.tryAcquire(0));
    granted(slots.tryAcquire(0));
    expect(first.gpus).toEqual([]);
    expect(slots.tryAcquire(0)).toBeNull();
  });

  it('reads the CPU limit live, so a change in Settings applies to the next request', () => {
    const { slots, limits } = pool({ cpuSlots: 1 });
    const only = granted(slots.tryAcquire(0));
    expect(slots.tryAcquire(0)).toBeNull();

    limits.cpuSlots = 3;
    granted(slots.tryAcquire(0));
    granted(slots.tryAcquire(0));
    expect(slots.tryAcquire(0)).toBeNull();

    // Lowered below what is running: nothing new until enough have ended.
    limits.cpuSlots = 1;
    only.release();
    expect(slots.tryAcquire(0)).toBeNull();
  });

  it('frees a slot on release and wakes whoever listens', () => {
    const { slots, wakes } = pool({ cpuSlots: 1 });
    const grant = granted(slots.tryAcquire(0));
    expect(wakes()).toBe(0);

    grant.release();

    expect(wakes()).toBe(1);
    granted(slots.tryAcquire(0));
  });

  it('ignores a second release of the same grant', () => {
    const { slots, wakes } = pool({ cpuSlots: 2 });
    const a = granted(slots.tryAcquire(0));
    granted(slots.tryAcquire(0));

    a.release();
    a.release();

    expect(wakes()).toBe(1);
    // Had the second release counted, two slots would be free now.
    granted(slots.tryAcquire(0));
    expect(slots.tryAcquire(0)).toBeNull();
  });

  it('grants distinct GPUs, refuses when they are all busy, and keeps CPU slots usable meanwhile', () => {
    const { slots } = pool({ cpuSlots: 1, gpus: ['0', '1', '2'] });
    const one = granted(slots.tryAcquire(1));
    const two = granted(slots.tryAcquire(2));
    expect([...one.gpus, ...two.gpus].sort()).toEqual(['0', '1', '2']);
    expect(two.gpus).toHaveLength(2);

    expect(slots.tryAcquire(1)).toBeNull();
    granted(slots.tryAcquire(0));

    two.release();
    expect(slots.tryAcquire(3)).toBeNull();
    const again = granted(slots.tryAcquire(2));
    expect(again.gpus.sort()).toEqual(two.gpus.sort());
    expect(again.gpus).not.toContain(one.gpus[0]);
  });

  it('refuses a job wanting more GPUs than the machine has, whatever is free', () => {
    const { slots } = pool({ gpus: ['0'] });
    expect(slots.tryAcquire(2)).toBeNull();
    expect(slots.machineGpus).toBe(1);
    expect(pool().slots.tryAcquire(1)).toBeNull();
  });

  it('lets a reattached job claim its slot past the limits, and counts it', () => {
    const { slots } = pool({ cpuSlots: 1, gpus: ['0', '1'] });
    granted(slots.tryAcquire(0));
    const cpu = slots.claim([]);
    const gpu = slots.claim(['1']);
    expect(gpu.gpus).toEqual(['1']);

    // GPU 1 is held by the reattached job: only GPU 0 is left.
    expect(granted(slots.tryAcquire(1)).gpus).toEqual(['0']);
    expect(slots.tryAcquire(1)).toBeNull();

    // Two CPU jobs run against a limit of one: a release leaves the pool still full.
    cpu.release();
    expect(slots.tryAcquire(0)).toBeNull();
    gpu.release();
    expect(granted(slots.tryAcquire(1)).gpus).toEqual(['1']);
  });

  it('wakes waiters on notify (a GPU appeared), and not after they unsubscribe', () => {
    const { slots, limits } = pool({ gpus: [] });
    let woken = 0;
    const unsubscribe = slots.onFree(() => {
      woken += 1;
      expect(slots.tryAcquire(1)).not.toBeNull();
    });
    limits.gpus = ['0'];
    slots.notify();
    expect(woken).toBe(1);

    unsubscribe();
    slots.notify();
    expect(woken).toBe(1);
  });
});

describe('wantsGpu', () => {
  it.each([
    ['ml.p3.2xlarge', true],
    ['ml.p4d.24xlarge', true],
    ['ml.g5.xlarge', true],
    ['ml.g4dn.xlarge', true],
    ['ml.m5.xlarge', false],
    ['ml.c5.2xlarge', false],
    ['local', false],
    ['local_gpu', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (instanceType, expected) => {
    expect(wantsGpu(instanceType)).toBe(expected);
  });
});
