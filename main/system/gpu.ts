import si from 'systeminformation';
import type { GpuSource, GpuState } from '../contract/model';
import type { Logger } from '../log/logger';
import type { Disposable } from '../util/disposable';
import type { CommandResult, CommandRunner } from './commandRunner';
import { gpusFromControllers } from './graphicsControllers';
import { noGpuState } from './gpuSummary';
import {
  NVIDIA_SMI_FIELDS,
  NVIDIA_SMI_LEGACY_FIELDS,
  NVIDIA_SMI_LEGACY_QUERY_ARGS,
  NVIDIA_SMI_LIST_ARGS,
  NVIDIA_SMI_QUERY_ARGS,
  parseNvidiaSmi,
  rejectedField,
  type NvidiaSmiOutcome,
} from './nvidiaSmi';
import { parseRocmSmi, ROCM_SMI_ARGS } from './rocmSmi';

export const GPU_COMMAND_TIMEOUT_MS = 5_000;
const GRAPHICS_TIMEOUT_MS = 10_000;

type GraphicsReader = () => Promise<{ controllers: Parameters<typeof gpusFromControllers>[0] }>;

export interface GpuProbeDeps {
  runner: CommandRunner;
  /** systeminformation's graphics(); injectable for tests. */
  graphics?: GraphicsReader;
  logger?: Logger;
  signal?: AbortSignal;
}

function toOutcome(result: CommandResult, fields: readonly string[]): NvidiaSmiOutcome {
  if (result.kind === 'enoent') return { kind: 'enoent' };
  if (result.kind === 'failed') {
    return { kind: 'failed', detail: result.reason === 'timeout' ? `no answer within ${GPU_COMMAND_TIMEOUT_MS / 1000} s` : result.detail };
  }
  return { kind: 'exit', code: result.code, stdout: result.stdout, stderr: result.stderr, fields };
}

/** Runs nvidia-smi: the query (again without compute_cap on drivers that reject it), then -L when MIG is on. */
export async function queryNvidiaSmi(runner: CommandRunner, signal?: AbortSignal): Promise<NvidiaSmiOutcome> {
  const options = { timeoutMs: GPU_COMMAND_TIMEOUT_MS, signal };
  let outcome = toOutcome(await runner('nvidia-smi', NVIDIA_SMI_QUERY_ARGS, options), NVIDIA_SMI_FIELDS);
  if (rejectedField(outcome) === 'compute_cap') {
    outcome = toOutcome(await runner('nvidia-smi', NVIDIA_SMI_LEGACY_QUERY_ARGS, options), NVIDIA_SMI_LEGACY_FIELDS);
  }
  if (outcome.kind === 'exit' && outcome.code === 0 && /\bEnabled\b/i.test(outcome.stdout)) {
    const list = await runner('nvidia-smi', NVIDIA_SMI_LIST_ARGS, options);
    if (list.kind === 'exit' && list.code === 0) outcome = { ...outcome, listStdout: list.stdout };
  }
  return outcome;
}

/** rocm-smi's view, or null when it is absent or failed (the caller falls back). */
export async function queryRocmSmi(deps: GpuProbeDeps): Promise<GpuState | null> {
  const result = await deps.runner('rocm-smi', ROCM_SMI_ARGS, { timeoutMs: GPU_COMMAND_TIMEOUT_MS, signal: deps.signal });
  if (result.kind === 'enoent') return null;
  if (result.kind !== 'exit' || result.code !== 0) {
    deps.logger?.warn('rocm-smi failed', result.kind === 'exit' ? { code: result.code, stderr: result.stderr.slice(0, 500) } : result);
    return null;
  }
  return parseRocmSmi(result.stdout);
}

async function readGraphics(deps: GpuProbeDeps): Promise<GpuState> {
  const graphics: GraphicsReader = deps.graphics ?? (() => si.graphics());
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('systeminformation graphics() timed out')), GRAPHICS_TIMEOUT_MS);
    });
    const data = await Promise.race([graphics(), timeout]);
    return gpusFromControllers(data.controllers);
  } catch (error) {
    deps.logger?.warn('could not list graphics controllers', error);
    return noGpuState('No GPU detected');
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The machine's GPUs: nvidia-smi, then rocm-smi, then systeminformation's controller list.
 * An nvidia-smi that exists but fails (driver mismatch, no driver) is reported as it is.
 */
export async function detectGpus(deps: GpuProbeDeps): Promise<GpuState> {
  const nvidia = parseNvidiaSmi(await queryNvidiaSmi(deps.runner, deps.signal));
  if (nvidia.status !== 'none') return nvidia;
  const rocm = await queryRocmSmi(deps);
  if (rocm && rocm.status !== 'none') return rocm;
  const graphics = await readGraphics(deps);
  if (graphics.status === 'ok') return graphics;
  return noGpuState('No GPU detected');
}

/** A fresh reading from the tool that found the GPUs; only nvidia-smi and rocm-smi report utilization. */
export async function sampleGpus(source: GpuSource | null, deps: GpuProbeDeps): Promise<GpuState> {
  if (source === 'nvidia-smi') return parseNvidiaSmi(await queryNvidiaSmi(deps.runner, deps.signal));
  if (source === 'rocm-smi') return (await queryRocmSmi(deps)) ?? noGpuState('No GPU detected');
  return detectGpus(deps);
}

/** Pure: whether periodic sampling is worth running for this state. */
export function shouldSampleGpus(state: GpuState): boolean {
  return state.status === 'ok' && (state.source === 'nvidia-smi' || state.source === 'rocm-smi');
}

export interface GpuSamplerOptions {
  sample: (signal: AbortSignal) => Promise<GpuState>;
  /** Read before each wait, so a Settings change applies from the next sample. */
  intervalSeconds: () => number;
  onSample: (state: GpuState) => void | Promise<void>;
  logger: Logger;
}

/** Samples GPU utilization on a timer; one sample at a time; dispose() stops it and waits for the last one. */
export class GpuSampler implements Disposable {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private started = false;
  private disposed = false;
  private readonly abort = new AbortController();

  constructor(private readonly options: GpuSamplerOptions) {}

  get isRunning(): boolean {
    return this.started && !this.disposed;
  }

  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.disposed) return;
    const seconds = Math.max(1, Number(this.options.intervalSeconds()) || 5);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.tick().finally(() => {
        this.running = null;
        this.schedule();
      });
    }, seconds * 1000);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      const state = await this.options.sample(this.abort.signal);
      if (!this.disposed) await this.options.onSample(state);
    } catch (error) {
      this.options.logger.warn('GPU sample failed', error);
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    await this.running;
  }
}
