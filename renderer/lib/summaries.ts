/** Pure one-line summaries of the machine, for the status bar and the Home headings. */
import type { DockerState, GpuDevice, GpuState, PythonEnv, PythonPackageStatus, PythonState } from '../../main/contract/model';
import { majorMinor } from './format';

const VENDOR = /^(NVIDIA|AMD|Intel)\s+/i;
const NOISE = /^(\d+\s?GB|HBM\d*e?|PCIe|SXM\d*|NVL)$/i;

/** "NVIDIA H100 80GB HBM3" → "H100"; "NVIDIA A100-SXM4-40GB" → "A100"; "NVIDIA GeForce RTX 4090" → "GeForce RTX 4090". */
export function shortGpuName(name: string): string {
  const words = name
    .trim()
    .replace(VENDOR, '')
    .replace(/-(SXM\d*|PCIE)(-\d+GB)?$/i, '')
    .replace(/-\d+GB$/i, '')
    .split(/\s+/)
    .filter((word) => !NOISE.test(word));
  return words.length > 0 ? words.join(' ') : name.trim();
}

/** "No GPU", "1 GPU · H100", "2 GPUs · H100", "3 GPUs", or "GPU: error". */
export function gpuSummary(gpu: GpuState): string {
  if (gpu.status === 'error') return 'GPU: error';
  if (gpu.status === 'none' || gpu.gpus.length === 0) return 'No GPU';
  const count = `${gpu.gpus.length} GPU${gpu.gpus.length === 1 ? '' : 's'}`;
  const names = new Set(gpu.gpus.map((device: GpuDevice) => shortGpuName(device.name)));
  return names.size === 1 ? `${count} · ${[...names][0]}` : count;
}

/** The interpreter Lathe uses, or the first discovered one when none is healthy. */
export function selectedEnv(python: PythonState): PythonEnv | null {
  return python.envs.find((env) => env.path === python.selected) ?? python.envs[0] ?? null;
}

export function missingPackages(env: PythonEnv): PythonPackageStatus[] {
  return env.packages.filter((pkg) => pkg.version === null);
}

/** "Python 3.11 ✓", "Python: xgboost missing", "Python: 3 packages missing", "Python: not found". */
export function pythonSummary(python: PythonState): string {
  const env = selectedEnv(python);
  if (!env) return 'Python: not found';
  if (env.error !== null || env.pythonVersion === null) return 'Python: not working';
  const missing = missingPackages(env);
  if (env.ok) return `Python ${majorMinor(env.pythonVersion)} ✓`;
  if (missing.length === 0) return 'Python: not working';
  if (missing.length <= 2) return `Python: ${missing.map((pkg) => pkg.name).join(', ')} missing`;
  return `Python: ${missing.length} packages missing`;
}

/** "Docker 28.2" or "Docker: not running". */
export function dockerSummary(docker: DockerState): string {
  if (!docker.available) return 'Docker: not running';
  return docker.version ? `Docker ${majorMinor(docker.version)}` : 'Docker';
}
