import type { GpuDevice, GpuSource, GpuState } from '../contract/model';

/** Pure: the one-line description of a set of GPUs, e.g. "8 × NVIDIA H100 80GB HBM3 (driver 550.54.15)". */
export function summarizeGpus(gpus: readonly GpuDevice[]): string {
  if (gpus.length === 0) return 'No GPU detected';
  const groups = new Map<string, number>();
  for (const gpu of gpus) groups.set(gpu.name, (groups.get(gpu.name) ?? 0) + 1);
  let text = [...groups].map(([name, count]) => `${count} × ${name}`).join(', ');
  const drivers = new Set(gpus.map((gpu) => gpu.driverVersion));
  const [driver] = [...drivers];
  if (drivers.size === 1 && driver) text += ` (driver ${driver})`;
  const migGpus = gpus.filter((gpu) => gpu.migMode === 'enabled');
  if (migGpus.length > 0) {
    const instances = migGpus.reduce((sum, gpu) => sum + gpu.migDevices.length, 0);
    text += `, MIG enabled: ${instances} ${instances === 1 ? 'instance' : 'instances'}`;
  }
  return text;
}

/** Pure: an 'ok' state for detected GPUs, with a hint when MIG is on but no instance exists. */
export function okGpuState(source: GpuSource, gpus: GpuDevice[], hint: string | null = null): GpuState {
  const emptyMig = gpus.some((gpu) => gpu.migMode === 'enabled' && gpu.migDevices.length === 0);
  return {
    status: 'ok',
    source,
    message: summarizeGpus(gpus),
    hint:
      hint ??
      (emptyMig
        ? 'MIG is enabled but no MIG instance exists: create one (sudo nvidia-smi mig -cgi <profile> -C) before running GPU jobs'
        : null),
    gpus,
  };
}

export function noGpuState(message = 'No GPU detected', source: GpuSource | null = null): GpuState {
  return { status: 'none', source, message, hint: null, gpus: [] };
}

export function gpuErrorState(source: GpuSource | null, message: string, hint: string | null): GpuState {
  return { status: 'error', source, message, hint, gpus: [] };
}

/** Pure: null for nvidia-smi / rocm-smi placeholders such as "[N/A]", "[Not Supported]", "N/A". */
export function presentValue(raw: string | undefined | null): string | null {
  if (raw === undefined || raw === null) return null;
  const value = raw.trim();
  if (value === '' || /^\[.*\]$/.test(value) || /^n\/a$/i.test(value)) return null;
  return value;
}

export function numberValue(raw: string | undefined | null): number | null {
  const value = presentValue(raw);
  if (value === null) return null;
  const parsed = Number(value.replace(/\s*(MiB|%|W)$/i, ''));
  return Number.isFinite(parsed) ? parsed : null;
}
