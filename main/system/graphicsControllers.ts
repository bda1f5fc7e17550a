import type { Systeminformation } from 'systeminformation';
import type { GpuDevice, GpuState } from '../contract/model';
import { noGpuState, okGpuState } from './gpuSummary';

type Controller = Pick<Systeminformation.GraphicsControllerData, 'vendor' | 'model' | 'bus' | 'vram' | 'vramDynamic'> &
  Partial<Pick<Systeminformation.GraphicsControllerData, 'name' | 'memoryTotal' | 'memoryUsed' | 'utilizationGpu' | 'driverVersion'>>;

/** Integrated AMD graphics (APUs) share system memory: not a GPU for ML jobs. */
const AMD_INTEGRATED = /renoir|cezanne|barcelo|rembrandt|phoenix|raphael|picasso|raven|lucienne|mendocino|van gogh|hawk point|strix|vega (mobile|series)|radeon graphics/i;

export function controllerVendor(controller: Controller): GpuDevice['vendor'] {
  const text = `${controller.vendor} ${controller.model} ${controller.name ?? ''}`;
  if (/nvidia/i.test(text)) return 'nvidia';
  if (/advanced micro devices|\bamd\b|\bati\b|radeon|instinct/i.test(text)) return 'amd';
  return 'other';
}

/** "GA102 [GeForce RTX 3080]" → "NVIDIA GeForce RTX 3080"; lspci keeps the marketing name in brackets. */
function displayName(controller: Controller, vendor: 'nvidia' | 'amd'): string {
  const raw = controller.name?.trim() || controller.model.trim();
  const bracketed = /\[([^\]]+)\]\s*$/.exec(raw)?.[1];
  const base = (bracketed ?? raw).trim() || 'GPU';
  const prefix = vendor === 'nvidia' ? 'NVIDIA' : 'AMD';
  return base.toUpperCase().startsWith(prefix) ? base : `${prefix} ${base}`;
}

function isDiscrete(controller: Controller, vendor: GpuDevice['vendor']): vendor is 'nvidia' | 'amd' {
  if (vendor === 'other' || controller.vramDynamic) return false;
  if (vendor === 'amd') {
    if (controller.bus === 'Onboard' || controller.bus === 'Built-In') return false;
    if (AMD_INTEGRATED.test(`${controller.model} ${controller.name ?? ''}`)) return false;
  }
  return true;
}

/** Pure: the discrete NVIDIA and AMD GPUs among systeminformation's graphics controllers. */
export function gpusFromControllers(controllers: readonly Controller[]): GpuState {
  const gpus: GpuDevice[] = [];
  for (const controller of controllers) {
    const vendor = controllerVendor(controller);
    if (!isDiscrete(controller, vendor)) continue;
    gpus.push({
      index: gpus.length,
      name: displayName(controller, vendor),
      vendor,
      uuid: null,
      memoryTotalMiB: controller.memoryTotal ?? controller.vram ?? null,
      memoryUsedMiB: controller.memoryUsed ?? null,
      utilizationPercent: controller.utilizationGpu ?? null,
      driverVersion: controller.driverVersion || null,
      computeCapability: null,
      migMode: null,
      migDevices: [],
    });
  }
  if (gpus.length === 0) return noGpuState('No GPU detected');
  const hint = gpus.some((gpu) => gpu.vendor === 'nvidia')
    ? 'nvidia-smi was not found: install the NVIDIA driver so jobs can use the GPU'
    : 'rocm-smi was not found: install ROCm so jobs can use the GPU';
  return okGpuState('systeminformation', gpus, hint);
}
