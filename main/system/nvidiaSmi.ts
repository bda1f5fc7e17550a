import type { GpuDevice, GpuState, MigDevice } from '../contract/model';
import { gpuErrorState, noGpuState, numberValue, okGpuState, presentValue } from './gpuSummary';

/** The fields Lathe queries, in column order. */
export const NVIDIA_SMI_FIELDS = [
  'index',
  'name',
  'uuid',
  'memory.total',
  'memory.used',
  'utilization.gpu',
  'driver_version',
  'compute_cap',
  'mig.mode.current',
] as const;

/** Drivers before R510 reject compute_cap: the wiring retries with this list. */
export const NVIDIA_SMI_LEGACY_FIELDS: readonly string[] = NVIDIA_SMI_FIELDS.filter((field) => field !== 'compute_cap');

const queryArgs = (fields: readonly string[]) => [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'];

export const NVIDIA_SMI_QUERY_ARGS: readonly string[] = queryArgs(NVIDIA_SMI_FIELDS);
export const NVIDIA_SMI_LEGACY_QUERY_ARGS: readonly string[] = queryArgs(NVIDIA_SMI_LEGACY_FIELDS);
export const NVIDIA_SMI_LIST_ARGS: readonly string[] = ['-L'];

export type NvidiaSmiOutcome =
  | { kind: 'enoent' }
  | {
      kind: 'exit';
      code: number;
      stdout: string;
      stderr: string;
      /** stdout of `nvidia-smi -L`, for MIG devices. */
      listStdout?: string;
      /** The fields queried; NVIDIA_SMI_FIELDS when omitted. */
      fields?: readonly string[];
    }
  | { kind: 'failed'; detail: string };

const SOURCE = 'nvidia-smi' as const;

interface KnownFailure {
  pattern: RegExp;
  state: (text: string) => GpuState;
}

/** nvidia-smi failures users meet, most specific first. nvidia-smi prints most of them on stdout. */
const KNOWN_FAILURES: KnownFailure[] = [
  {
    pattern: /Driver\/library version mismatch/i,
    state: (text) => {
      const library = /NVML library version:\s*([\d.]+)/i.exec(text)?.[1];
      return gpuErrorState(
        SOURCE,
        `NVIDIA driver/library version mismatch: the loaded kernel driver does not match the installed NVIDIA library${library ? ` (${library})` : ''}`,
        'Reboot, or reload the nvidia kernel module, so the driver matches the NVIDIA library (this usually follows a driver upgrade)',
      );
    },
  },
  {
    pattern: /couldn't communicate with the NVIDIA driver/i,
    state: () =>
      gpuErrorState(
        SOURCE,
        'nvidia-smi could not communicate with the NVIDIA driver',
        'Install the NVIDIA driver and make sure its kernel module is loaded (sudo modprobe nvidia), then refresh',
      ),
  },
  {
    pattern: /No devices were found/i,
    state: () => noGpuState('No NVIDIA GPU detected (nvidia-smi found no devices)', SOURCE),
  },
  {
    pattern: /Insufficient Permissions/i,
    state: () =>
      gpuErrorState(
        SOURCE,
        'nvidia-smi has no permission to open the GPU devices',
        'Give your user access to /dev/nvidia* (usually by joining the video group), then log in again',
      ),
  },
  {
    pattern: /GPU is lost/i,
    state: () =>
      gpuErrorState(SOURCE, 'A GPU has fallen off the bus (nvidia-smi: GPU is lost)', 'Reboot the machine; if it happens again, check the GPU power and cooling'),
  },
  {
    pattern: /Failed to initialize NVML: Unknown Error/i,
    state: () =>
      gpuErrorState(
        SOURCE,
        'nvidia-smi could not initialize NVML (Unknown Error)',
        'Inside a container, start it with GPU access (--gpus all and the NVIDIA container toolkit); otherwise reboot so the driver loads cleanly',
      ),
  },
];

/** Pure: the field an older nvidia-smi rejected, e.g. "compute_cap", or null. */
export function rejectedField(outcome: NvidiaSmiOutcome): string | null {
  if (outcome.kind !== 'exit' || outcome.code === 0) return null;
  return /Field "([^"]+)" is not a valid field to query/i.exec(`${outcome.stdout}\n${outcome.stderr}`)?.[1] ?? null;
}

/** Pure: MIG devices from `nvidia-smi -L`, keyed by parent GPU UUID and by parent GPU index. */
export function parseMigList(listStdout: string): { byUuid: Map<string, MigDevice[]>; byIndex: Map<number, MigDevice[]> } {
  const byUuid = new Map<string, MigDevice[]>();
  const byIndex = new Map<number, MigDevice[]>();
  let current: MigDevice[] | null = null;
  for (const line of listStdout.split(/\r?\n/)) {
    const gpu = /^GPU (\d+):.*\(UUID: ([^)]+)\)\s*$/.exec(line);
    if (gpu) {
      current = [];
      byIndex.set(Number(gpu[1]), current);
      byUuid.set((gpu[2] ?? '').trim(), current);
      continue;
    }
    const mig = /^\s+MIG\s+(\S+)\s+Device\s+(\d+):\s*\(UUID: ([^)]+)\)/.exec(line);
    if (mig && current) current.push({ name: `MIG ${mig[1]} Device ${mig[2]}`, uuid: (mig[3] ?? '').trim() });
  }
  return { byUuid, byIndex };
}

function parseMigMode(raw: string | undefined): GpuDevice['migMode'] {
  const value = presentValue(raw)?.toLowerCase();
  if (value === 'enabled') return 'enabled';
  if (value === 'disabled') return 'disabled';
  return null;
}

/** Pure: one GpuDevice per CSV row, or null when a row does not have the queried columns. */
export function parseQueryCsv(stdout: string, fields: readonly string[] = NVIDIA_SMI_FIELDS): GpuDevice[] | null {
  const rows = stdout.split(/\r?\n/).filter((line) => line.trim() !== '');
  const gpus: GpuDevice[] = [];
  for (const row of rows) {
    const cells = row.split(',').map((cell) => cell.trim());
    if (cells.length !== fields.length) return null;
    const cell = (field: string) => cells[fields.indexOf(field)];
    const index = numberValue(cell('index'));
    const name = presentValue(cell('name'));
    if (index === null || name === null) return null;
    gpus.push({
      index,
      name,
      vendor: 'nvidia',
      uuid: presentValue(cell('uuid')),
      memoryTotalMiB: numberValue(cell('memory.total')),
      memoryUsedMiB: numberValue(cell('memory.used')),
      utilizationPercent: numberValue(cell('utilization.gpu')),
      driverVersion: presentValue(cell('driver_version')),
      computeCapability: fields.includes('compute_cap') ? presentValue(cell('compute_cap')) : null,
      migMode: parseMigMode(cell('mig.mode.current')),
      migDevices: [],
    });
  }
  return gpus;
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find((line) => line !== '') ?? ''
  );
}

/** Pure: what nvidia-smi's answer means for the person at the machine. */
export function parseNvidiaSmi(outcome: NvidiaSmiOutcome): GpuState {
  if (outcome.kind === 'enoent') return noGpuState('No NVIDIA GPU detected (nvidia-smi not found)');
  if (outcome.kind === 'failed') {
    return gpuErrorState(
      SOURCE,
      `nvidia-smi failed: ${outcome.detail}`,
      'The NVIDIA driver may be hung: run nvidia-smi in a terminal, and reboot if it hangs there too',
    );
  }
  const text = `${outcome.stdout}\n${outcome.stderr}`;
  if (outcome.code !== 0) {
    const known = KNOWN_FAILURES.find((failure) => failure.pattern.test(text));
    if (known) return known.state(text);
    const detail = firstLine(outcome.stderr) || firstLine(outcome.stdout) || 'no output';
    return gpuErrorState(SOURCE, `nvidia-smi failed (exit ${outcome.code}): ${detail}`, 'Run nvidia-smi in a terminal to see the full error');
  }
  const gpus = parseQueryCsv(outcome.stdout, outcome.fields ?? NVIDIA_SMI_FIELDS);
  if (gpus === null) {
    const known = KNOWN_FAILURES.find((failure) => failure.pattern.test(text));
    if (known) return known.state(text);
    return gpuErrorState(
      SOURCE,
      `Could not read the output of nvidia-smi: ${firstLine(outcome.stdout) || 'no output'}`,
      'Run nvidia-smi in a terminal to check that the driver works',
    );
  }
  if (gpus.length === 0) return noGpuState('No NVIDIA GPU detected (nvidia-smi found no devices)', SOURCE);
  if (outcome.listStdout) {
    const mig = parseMigList(outcome.listStdout);
    for (const gpu of gpus) {
      if (gpu.migMode !== 'enabled') continue;
      gpu.migDevices = (gpu.uuid ? mig.byUuid.get(gpu.uuid) : undefined) ?? mig.byIndex.get(gpu.index) ?? [];
    }
  }
  return okGpuState(SOURCE, gpus);
}
