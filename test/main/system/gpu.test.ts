import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GpuState } from '../../../main/contract/model';
import { createLogger } from '../../../main/log/logger';
import { detectGpus, GpuSampler, queryNvidiaSmi, sampleGpus, shouldSampleGpus } from '../../../main/system/gpu';
import { gpusFromControllers } from '../../../main/system/graphicsControllers';
import { NVIDIA_SMI_LEGACY_QUERY_ARGS, NVIDIA_SMI_LIST_ARGS, NVIDIA_SMI_QUERY_ARGS } from '../../../main/system/nvidiaSmi';
import { parseRocmSmi, ROCM_SMI_ARGS } from '../../../main/system/rocmSmi';
import { exit, fakeRunner, fixture } from './fixtures';

const logger = createLogger('gpu-test');
const noGraphics = async () => ({ controllers: [] });
const isQuery = (args: readonly string[]) => args[0] === NVIDIA_SMI_QUERY_ARGS[0];
const isLegacyQuery = (args: readonly string[]) => args[0] === NVIDIA_SMI_LEGACY_QUERY_ARGS[0];
const isList = (args: readonly string[]) => args[0] === '-L';

describe('parseRocmSmi', () => {
  it('maps two MI210s from ROCm 6 JSON', () => {
    const state = parseRocmSmi(fixture('rocm-smi', 'mi210-x2.json'));
    expect(state.status).toBe('ok');
    expect(state.source).toBe('rocm-smi');
    expect(state.message).toBe('2 × AMD Instinct MI210 (driver 6.7.0)');
    expect(state.gpus[0]).toEqual({
      index: 0,
      name: 'AMD Instinct MI210',
      vendor: 'amd',
      uuid: '11262',
      memoryTotalMiB: 65520,
      memoryUsedMiB: 10,
      utilizationPercent: 12,
      driverVersion: '6.7.0',
      computeCapability: 'gfx90a',
      migMode: null,
      migDevices: [],
    });
    expect(state.gpus[1]?.utilizationPercent).toBe(0);
  });

  it('reads ROCm 5 key spelling and ignores warnings around the JSON', () => {
    const state = parseRocmSmi(fixture('rocm-smi', 'rx6800-rocm5.txt'));
    expect(state.message).toBe('1 × Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]');
    expect(state.gpus[0]).toMatchObject({ memoryTotalMiB: 16368, memoryUsedMiB: 1146, utilizationPercent: 3, driverVersion: null });
  });

  it('reports unreadable output as an error and an empty answer as no GPU', () => {
    expect(parseRocmSmi('ERROR: amdgpu driver not loaded')).toMatchObject({ status: 'error', message: 'Could not read the output of rocm-smi' });
    expect(parseRocmSmi('{}')).toMatchObject({ status: 'none', message: 'No AMD GPU detected (rocm-smi found no devices)' });
  });
});

describe('gpusFromControllers', () => {
  it('counts discrete NVIDIA and AMD cards and names them from lspci brackets', () => {
    const state = gpusFromControllers([
      { vendor: 'NVIDIA Corporation', model: 'GA102 [GeForce RTX 3080]', bus: 'PCIe', vram: 10240, vramDynamic: false },
      { vendor: 'Advanced Micro Devices, Inc. [AMD/ATI]', model: 'Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]', bus: 'PCIe', vram: 16384, vramDynamic: false },
      { vendor: 'Intel Corporation', model: 'AlderLake-S GT1', bus: 'Onboard', vram: 256, vramDynamic: true },
      { vendor: 'Advanced Micro Devices, Inc. [AMD/ATI]', model: 'Cezanne [Radeon Vega Series / Radeon Vega Mobile Series]', bus: 'Onboard', vram: 512, vramDynamic: false },
      { vendor: 'VMware', model: 'SVGA II Adapter', bus: 'PCI', vram: 16, vramDynamic: false },
    ]);
    expect(state.status).toBe('ok');
    expect(state.source).toBe('systeminformation');
    expect(state.gpus.map((gpu) => [gpu.index, gpu.name, gpu.vendor, gpu.memoryTotalMiB])).toEqual([
      [0, 'NVIDIA GeForce RTX 3080', 'nvidia', 10240],
      [1, 'AMD Radeon RX 6800/6800 XT / 6900 XT', 'amd', 16384],
    ]);
    expect(state.hint).toMatch(/install the NVIDIA driver/);
  });

  it('says No GPU detected for integrated graphics only', () => {
    const state = gpusFromControllers([{ vendor: 'Intel Corporation', model: 'UHD Graphics 630', bus: 'Onboard', vram: 128, vramDynamic: true }]);
    expect(state).toEqual({ status: 'none', source: null, message: 'No GPU detected', hint: null, gpus: [] });
  });
});

describe('detectGpus', () => {
  it('uses nvidia-smi and lists MIG devices only when MIG is on', async () => {
    const runner = fakeRunner([
      { file: 'nvidia-smi', args: isQuery, result: exit(0, fixture('nvidia-smi', 'a100-mig.query.txt')) },
      { file: 'nvidia-smi', args: isList, result: exit(0, fixture('nvidia-smi', 'a100-mig.list.txt')) },
    ]);
    const state = await detectGpus({ runner, graphics: noGraphics });
    expect(state.gpus[0]?.migDevices).toHaveLength(3);
    expect(runner.calls.map((call) => call.args)).toEqual([NVIDIA_SMI_QUERY_ARGS, NVIDIA_SMI_LIST_ARGS]);
    expect(runner.calls.every((call) => call.options.timeoutMs === 5000)).toBe(true);

    const plain = fakeRunner([{ file: 'nvidia-smi', args: isQuery, result: exit(0, fixture('nvidia-smi', 'h100-x1.query.txt')) }]);
    await detectGpus({ runner: plain, graphics: noGraphics });
    expect(plain.calls).toHaveLength(1);
  });

  it('retries without compute_cap when an older driver rejects it', async () => {
    const runner = fakeRunner([
      { file: 'nvidia-smi', args: isQuery, result: exit(2, fixture('nvidia-smi', 'v100-legacy-driver.rejected.txt')) },
      { file: 'nvidia-smi', args: isLegacyQuery, result: exit(0, fixture('nvidia-smi', 'v100-legacy-driver.query.txt')) },
    ]);
    const outcome = await queryNvidiaSmi(runner);
    expect(runner.calls.map((call) => call.args)).toEqual([NVIDIA_SMI_QUERY_ARGS, NVIDIA_SMI_LEGACY_QUERY_ARGS]);
    const state = await detectGpus({ runner, graphics: noGraphics });
    expect(outcome.kind).toBe('exit');
    expect(state).toMatchObject({ status: 'ok', message: '1 × Tesla V100-SXM2-16GB (driver 450.80.02)' });
  });

  it('reports a broken NVIDIA driver instead of falling back', async () => {
    const runner = fakeRunner([{ file: 'nvidia-smi', result: exit(18, fixture('nvidia-smi', 'driver-mismatch.query.txt')) }]);
    const state = await detectGpus({ runner, graphics: async () => ({ controllers: [{ vendor: 'NVIDIA Corporation', model: 'GH100 [H100 SXM5 80GB]', bus: 'PCIe', vram: 81559, vramDynamic: false }] }) });
    expect(state.status).toBe('error');
    expect(state.message).toMatch(/version mismatch/);
  });

  it('falls back to rocm-smi when nvidia-smi is absent', async () => {
    const runner = fakeRunner([{ file: 'rocm-smi', result: exit(0, fixture('rocm-smi', 'mi210-x2.json')) }]);
    const state = await detectGpus({ runner, graphics: noGraphics });
    expect(state).toMatchObject({ status: 'ok', source: 'rocm-smi', message: '2 × AMD Instinct MI210 (driver 6.7.0)' });
    expect(runner.calls.map((call) => [call.file, call.args])).toEqual([
      ['nvidia-smi', NVIDIA_SMI_QUERY_ARGS],
      ['rocm-smi', ROCM_SMI_ARGS],
    ]);
  });

  it('falls back to the graphics controllers, then says No GPU detected', async () => {
    const runner = fakeRunner([]);
    const found = await detectGpus({
      runner,
      graphics: async () => ({ controllers: [{ vendor: 'NVIDIA Corporation', model: 'AD102 [GeForce RTX 4090]', bus: 'PCIe', vram: 24564, vramDynamic: false }] }),
    });
    expect(found).toMatchObject({ status: 'ok', source: 'systeminformation', message: '1 × NVIDIA GeForce RTX 4090' });

    const none = await detectGpus({ runner, graphics: noGraphics });
    expect(none).toEqual({ status: 'none', source: null, message: 'No GPU detected', hint: null, gpus: [] });

    const broken = await detectGpus({ runner, graphics: async () => Promise.reject(new Error('lspci missing')), logger });
    expect(broken.message).toBe('No GPU detected');
  });

  it('samples with the tool that found the GPUs', async () => {
    const runner = fakeRunner([{ file: 'rocm-smi', result: exit(0, fixture('rocm-smi', 'mi210-x2.json')) }]);
    const state = await sampleGpus('rocm-smi', { runner });
    expect(state.gpus).toHaveLength(2);
    expect(runner.calls.map((call) => call.file)).toEqual(['rocm-smi']);
  });
});

describe('GpuSampler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const h100 = (utilization: number): GpuState => ({
    status: 'ok',
    source: 'nvidia-smi',
    message: '1 × NVIDIA H100 80GB HBM3',
    hint: null,
    gpus: [{ index: 0, name: 'NVIDIA H100 80GB HBM3', vendor: 'nvidia', uuid: null, memoryTotalMiB: 81559, memoryUsedMiB: 0, utilizationPercent: utilization, driverVersion: null, computeCapability: null, migMode: null, migDevices: [] }],
  });

  it('samples at the interval from settings and stops on dispose', async () => {
    vi.useFakeTimers();
    let interval = 5;
    let calls = 0;
    const seen: Array<number | null> = [];
    const sampler = new GpuSampler({
      sample: async () => h100(++calls * 10),
      intervalSeconds: () => interval,
      onSample: (state) => void seen.push(state.gpus[0]?.utilizationPercent ?? null),
      logger,
    });
    sampler.start();
    sampler.start();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual([10]);
    // A new interval applies from the next wait: 5 s already scheduled, then 2 s.
    interval = 2;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(seen).toEqual([10, 20]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(seen).toEqual([10, 20, 30]);
    await sampler.dispose();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seen).toEqual([10, 20, 30]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps sampling after a failed sample', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const seen: GpuState[] = [];
    const sampler = new GpuSampler({
      sample: async () => {
        calls++;
        if (calls === 1) throw new Error('nvidia-smi crashed');
        return h100(50);
      },
      intervalSeconds: () => 1,
      onSample: (state) => void seen.push(state),
      logger,
    });
    sampler.start();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(seen).toHaveLength(1);
    await sampler.dispose();
  });

  it('only samples nvidia-smi and rocm-smi GPUs', () => {
    expect(shouldSampleGpus(h100(0))).toBe(true);
    expect(shouldSampleGpus({ ...h100(0), source: 'systeminformation' })).toBe(false);
    expect(shouldSampleGpus({ status: 'none', source: null, message: 'No GPU detected', hint: null, gpus: [] })).toBe(false);
  });
});
