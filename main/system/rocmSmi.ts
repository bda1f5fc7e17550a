import type { GpuDevice, GpuState } from '../contract/model';
import { gpuErrorState, noGpuState, numberValue, okGpuState, presentValue } from './gpuSummary';

export const ROCM_SMI_ARGS: readonly string[] = ['--showproductname', '--showmeminfo', 'vram', '--showuse', '--json'];

type Card = Record<string, unknown>;

/** rocm-smi renamed keys between releases ("Card series" → "Card Series"): look them up case-insensitively. */
function field(card: Card, ...names: string[]): string | null {
  const wanted = names.map((name) => name.toLowerCase());
  for (const [key, value] of Object.entries(card)) {
    if (wanted.includes(key.toLowerCase()) && (typeof value === 'string' || typeof value === 'number')) {
      const present = presentValue(String(value));
      if (present !== null) return present;
    }
  }
  return null;
}

function mib(bytes: string | null): number | null {
  const value = numberValue(bytes);
  return value === null ? null : Math.round(value / (1024 * 1024));
}

function cardName(card: Card, index: number): string {
  const candidates = [field(card, 'Marketing Name'), field(card, 'Card Series'), field(card, 'Card Model')];
  const name = candidates.find((value) => value !== null && !/^0x[0-9a-f]+$/i.test(value));
  return name ?? `AMD GPU ${index}`;
}

/** rocm-smi may print warnings around its JSON; keep the outermost object. */
function extractJson(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error('no JSON object');
  return JSON.parse(text.slice(start, end + 1));
}

/** Pure: GpuState from `rocm-smi --showproductname --showmeminfo vram --showuse --json` (text or parsed). */
export function parseRocmSmi(json: string | unknown): GpuState {
  let data: unknown;
  try {
    data = typeof json === 'string' ? extractJson(json) : json;
  } catch {
    return gpuErrorState('rocm-smi', 'Could not read the output of rocm-smi', 'Run rocm-smi in a terminal to check that the AMD driver works');
  }
  if (typeof data !== 'object' || data === null) return noGpuState('No AMD GPU detected (rocm-smi found no devices)', 'rocm-smi');
  const record = data as Record<string, unknown>;
  const system = (typeof record.system === 'object' && record.system !== null ? record.system : {}) as Card;
  const driverVersion = field(system, 'Driver version');
  const gpus: GpuDevice[] = [];
  for (const [key, value] of Object.entries(record)) {
    const match = /^card(\d+)$/i.exec(key);
    if (!match || typeof value !== 'object' || value === null) continue;
    const card = value as Card;
    const index = Number(match[1]);
    gpus.push({
      index,
      name: cardName(card, index),
      vendor: 'amd',
      uuid: field(card, 'Unique ID', 'GUID'),
      memoryTotalMiB: mib(field(card, 'VRAM Total Memory (B)')),
      memoryUsedMiB: mib(field(card, 'VRAM Total Used Memory (B)')),
      utilizationPercent: numberValue(field(card, 'GPU use (%)')),
      driverVersion,
      computeCapability: field(card, 'GFX Version'),
      migMode: null,
      migDevices: [],
    });
  }
  gpus.sort((a, b) => a.index - b.index);
  if (gpus.length === 0) return noGpuState('No AMD GPU detected (rocm-smi found no devices)', 'rocm-smi');
  return okGpuState('rocm-smi', gpus);
}
