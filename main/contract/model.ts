/** Response and event payload shapes shared by main and the renderer. Plain data only. */

export interface AppInfo {
  name: string;
  version: string;
  home: string;
  logsDir: string;
  storePath: string;
  pid: number;
  startedAt: string;
}

export type GpuStatus = 'none' | 'ok' | 'error';
export type GpuSource = 'nvidia-smi' | 'rocm-smi' | 'systeminformation';

export interface MigDevice {
  name: string;
  uuid: string;
}

export interface GpuDevice {
  index: number;
  name: string;
  vendor: 'nvidia' | 'amd' | 'other';
  uuid: string | null;
  memoryTotalMiB: number | null;
  memoryUsedMiB: number | null;
  utilizationPercent: number | null;
  driverVersion: string | null;
  computeCapability: string | null;
  migMode: 'enabled' | 'disabled' | null;
  migDevices: MigDevice[];
}

export interface GpuState {
  status: GpuStatus;
  source: GpuSource | null;
  /** One line for the status bar and Home: "1 × NVIDIA H100 (driver 550.54)", "No GPU detected", or what went wrong. */
  message: string;
  /** What to do next, when something is wrong. */
  hint: string | null;
  gpus: GpuDevice[];
}

export type PythonSource = 'LATHE_PYTHON' | 'settings' | 'venv' | 'conda' | 'PATH' | 'manual';

export interface PythonPackageStatus {
  /** Display name, e.g. scikit-learn. */
  name: string;
  /** Import name, e.g. sklearn. */
  module: string;
  version: string | null;
  /** The exact command that installs it into this interpreter, when it is missing. */
  installCommand: string | null;
}

export interface PythonEnv {
  path: string;
  realPath: string;
  source: PythonSource;
  /** True when the interpreter runs and every package Lathe needs is present. */
  ok: boolean;
  pythonVersion: string | null;
  packages: PythonPackageStatus[];
  /** Why the interpreter could not be probed at all. */
  error: string | null;
}

export interface PythonState {
  /** The interpreter Lathe uses for jobs and notebooks: the first healthy one by priority. */
  selected: string | null;
  envs: PythonEnv[];
}

export interface DockerState {
  available: boolean;
  version: string | null;
  apiVersion: string | null;
  endpoint: string;
  message: string;
  hint: string | null;
}

export interface SystemInfo {
  cpu: { model: string; logicalCores: number; physicalCores: number; speedGHz: number | null };
  memory: { totalBytes: number; availableBytes: number };
  os: { platform: string; distro: string; release: string; arch: string; hostname: string };
  gpu: GpuState;
  python: PythonState;
  docker: DockerState;
  /** When GPUs, Python and Docker were last probed. */
  probedAt: string;
  /**
   * True right after start: the previous run's probe, shown while a fresh one runs; a
   * system.changed with the fresh result follows.
   */
  fromSnapshot: boolean;
  /** When CPU and memory were read. */
  sampledAt: string;
}

export type Theme = 'system' | 'light' | 'dark';

export interface Settings {
  pythonPath: string | null;
  theme: Theme;
  dataFolders: string[];
  concurrency: { cpuSlots: number; gpuSamplingSeconds: number };
}

export interface EventLogEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  detail: Record<string, unknown> | null;
}
