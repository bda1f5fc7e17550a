import os from 'node:os';
import si from 'systeminformation';
import { LatheFault } from '../api/errors';
import type { EventBus } from '../api/eventBus';
import type { PythonEnv, PythonState, Settings, SystemInfo } from '../contract/model';
import type { Logger } from '../log/logger';
import type { Disposable } from '../util/disposable';
import { execFileRunner, type CommandRunner } from './commandRunner';
import { checkDocker, resolveDockerEndpoint } from './docker';
import { detectGpus, GpuSampler, sampleGpus, shouldSampleGpus, type GpuProbeDeps } from './gpu';
import { gpuErrorState } from './gpuSummary';
import { discoverPython, probePythonPath } from './python';
import type { ProbedSystem, SystemSnapshots } from './snapshotStore';

export interface SystemServiceDeps {
  logger: Logger;
  bus: EventBus;
  settings: () => Settings;
  /** Environment for discovery (LATHE_PYTHON, PATH, CONDA_PREFIX, DOCKER_HOST); default process.env. */
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
  cwd?: string;
  runner?: CommandRunner;
  /** A Docker socket path or DOCKER_HOST-style URL that wins over the environment. */
  dockerEndpoint?: string;
  /** systeminformation's graphics(); injectable for tests. */
  graphics?: GpuProbeDeps['graphics'];
  /** The last run's probe, shown at start while a fresh probe runs. */
  snapshots?: SystemSnapshots;
  /**
   * With a snapshot to show, how long start() waits before probing again, so the first screen is
   * not competing with the probe's interpreters for a small machine's cores (default 2 s).
   */
  snapshotRefreshDelayMs?: number;
}

interface ProbedState extends ProbedSystem {
  pythonPath: string | null;
  /** Loaded from the previous run's snapshot; a fresh probe is on its way. */
  fromSnapshot: boolean;
}

interface StaticInfo {
  cpu: { model: string; physicalCores: number; speedGHz: number | null };
  os: { platform: string; distro: string; release: string; arch: string };
}

/**
 * What this machine offers Lathe: CPU, memory, OS, GPUs, Python interpreters and Docker.
 * GPUs, Python and Docker are probed once and cached (refresh on request); CPU load and memory
 * are read on every call. While started, GPU utilization is sampled and pushed as system.changed.
 */
export class SystemService implements Disposable {
  private readonly logger: Logger;
  private readonly env: NodeJS.ProcessEnv;
  private readonly homeDir: string;
  private readonly cwd: string;
  private readonly runner: CommandRunner;
  private readonly abort = new AbortController();
  private state: ProbedState | null = null;
  private inflight: { pythonPath: string | null; promise: Promise<ProbedState> } | null = null;
  /** A probe waiting for the one in flight, because Settings chose another interpreter meanwhile. */
  private queued: Promise<ProbedState> | null = null;
  private staticInfo: Promise<StaticInfo> | null = null;
  private sampler: GpuSampler | null = null;
  private subscription: Disposable | null = null;
  private started = false;
  private deferredProbe: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(private readonly deps: SystemServiceDeps) {
    this.logger = deps.logger;
    this.env = deps.env ?? process.env;
    this.homeDir = deps.homeDir ?? os.homedir();
    this.cwd = deps.cwd ?? process.cwd();
    this.runner = deps.runner ?? execFileRunner;
  }

  /**
   * The machine as Lathe sees it; GPU, Python and Docker from the cached probe unless refresh.
   * Right after start that may be the previous run's probe (fromSnapshot), answered at once while
   * a fresh probe runs; its result follows as system.changed.
   */
  async info(options: { refresh?: boolean } = {}): Promise<SystemInfo> {
    if (this.disposed && !this.state) throw new LatheFault('unavailable', 'Lathe is shutting down');
    this.state ??= this.loadSnapshot();
    if (this.state?.fromSnapshot && !options.refresh) {
      // Started: the fresh probe is scheduled. One-shot use (no start): probe now.
      if (!this.deferredProbe && !this.disposed) this.probe().catch((error: unknown) => this.logger.error('system probe failed', error));
      return this.compose(this.state);
    }
    const state = !this.state || options.refresh ? await this.probe() : this.state;
    return this.compose(state);
  }

  /** Conditions a snapshot is valid under: the same interpreter choice and search path. */
  private snapshotKey(pythonPath: string | null): string {
    const { env } = this;
    return JSON.stringify([pythonPath, env.LATHE_PYTHON, env.PATH, env.DOCKER_HOST, this.cwd, this.homeDir, this.deps.dockerEndpoint].map((v) => v ?? null));
  }

  private loadSnapshot(): ProbedState | null {
    const pythonPath = this.deps.settings().pythonPath;
    try {
      const snapshot = this.deps.snapshots?.load(this.snapshotKey(pythonPath));
      return snapshot ? { ...snapshot, pythonPath, fromSnapshot: true } : null;
    } catch (error) {
      this.logger.warn('could not read the last system probe', error);
      return null;
    }
  }

  /** Probes one interpreter the person chose (source 'manual'). */
  probePython(file: string): Promise<PythonEnv> {
    return probePythonPath(file, { homeDir: this.homeDir, cwd: this.cwd }, { runner: this.runner, env: this.env, signal: this.abort.signal });
  }

  /** Starts background work: the first probe, GPU sampling while a GPU exists, re-probing when Settings change Python. */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.subscription = this.deps.bus.onEvent((name, payload) => {
      if (name !== 'settings.changed') return;
      // Compare with the probe in flight, if any: the first probe may still be running.
      const probed = this.inflight ? this.inflight.pythonPath : this.state?.pythonPath;
      if (probed === undefined) return;
      if ((payload as Settings).pythonPath !== probed) {
        this.probe().catch((error: unknown) => this.logger.error('system probe failed', error));
      }
    });
    this.state ??= this.loadSnapshot();
    const first = () => {
      this.deferredProbe = null;
      const probed = this.state && !this.state.fromSnapshot ? Promise.resolve(this.state) : this.probe();
      probed.then(() => this.updateSampler()).catch((error: unknown) => this.logger.error('system probe failed', error));
    };
    if (this.state?.fromSnapshot) this.deferredProbe = setTimeout(first, this.deps.snapshotRefreshDelayMs ?? 2000);
    else first();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.subscription?.dispose();
    if (this.deferredProbe) clearTimeout(this.deferredProbe);
    this.deferredProbe = null;
    this.abort.abort();
    const sampler = this.sampler;
    this.sampler = null;
    await sampler?.dispose();
    await this.inflight?.promise.catch(() => undefined);
    await this.queued?.catch(() => undefined);
  }

  /**
   * One probe at a time: concurrent callers share it. When Settings name another interpreter than
   * the probe in flight used, a fresh probe is queued behind it (one at most) and reads Settings as it starts.
   */
  private probe(): Promise<ProbedState> {
    if (this.queued) return this.queued;
    const pythonPath = this.deps.settings().pythonPath;
    if (this.inflight) {
      if (this.inflight.pythonPath === pythonPath) return this.inflight.promise;
      this.queued = this.inflight.promise
        .catch(() => undefined)
        .then(() => {
          this.queued = null;
          if (!this.disposed) return this.probe();
          if (this.state) return this.state;
          throw new LatheFault('unavailable', 'Lathe is shutting down');
        });
      return this.queued;
    }
    const promise = this.runProbe(pythonPath).finally(() => {
      this.inflight = null;
    });
    this.inflight = { pythonPath, promise };
    return promise;
  }

  private async runProbe(pythonPath: string | null): Promise<ProbedState> {
    const signal = this.abort.signal;
    const [gpu, python, docker] = await Promise.all([
      detectGpus({ runner: this.runner, graphics: this.deps.graphics, logger: this.logger, signal }).catch((error: unknown) => {
        this.logger.error('GPU detection failed', error);
        return gpuErrorState(null, `Could not detect GPUs: ${(error as Error).message}`, null);
      }),
      discoverPython(
        { env: this.env, homeDir: this.homeDir, cwd: this.cwd, settingsPath: pythonPath },
        { runner: this.runner, env: this.env, signal },
      ).catch((error: unknown): PythonState => {
        this.logger.error('Python discovery failed', error);
        return { selected: null, envs: [] };
      }),
      checkDocker(resolveDockerEndpoint({ env: this.env, homeDir: this.homeDir, override: this.deps.dockerEndpoint }), { signal }),
    ]);
    this.state = { gpu, python, docker, pythonPath, probedAt: new Date().toISOString(), fromSnapshot: false };
    if (!this.disposed) this.saveSnapshot(this.state);
    this.logger.info('system probed', {
      gpu: gpu.message,
      python: python.selected,
      interpreters: python.envs.length,
      docker: docker.message,
    });
    if (this.started && !this.disposed) {
      this.updateSampler();
      this.emitChanged();
    }
    return this.state;
  }

  private updateSampler(): void {
    if (!this.started || this.disposed || !this.state) return;
    const wanted = shouldSampleGpus(this.state.gpu);
    if (wanted && !this.sampler) {
      const source = this.state.gpu.source;
      this.sampler = new GpuSampler({
        sample: (signal) => sampleGpus(source, { runner: this.runner, graphics: this.deps.graphics, logger: this.logger, signal }),
        intervalSeconds: () => this.deps.settings().concurrency.gpuSamplingSeconds,
        onSample: (gpu) => {
          if (!this.state || this.disposed) return;
          this.state = { ...this.state, gpu };
          this.emitChanged();
        },
        logger: this.logger,
      });
      this.sampler.start();
    } else if (!wanted && this.sampler) {
      const sampler = this.sampler;
      this.sampler = null;
      void sampler.dispose();
    }
  }

  private saveSnapshot(state: ProbedState): void {
    try {
      const { gpu, python, docker, probedAt } = state;
      this.deps.snapshots?.save(this.snapshotKey(state.pythonPath), { gpu, python, docker, probedAt });
    } catch (error) {
      this.logger.warn('could not keep the system probe for the next start', error);
    }
  }

  private emitChanged(): void {
    const state = this.state;
    if (!state) return;
    this.compose(state)
      .then((info) => {
        if (!this.disposed) this.deps.bus.emit('system.changed', info);
      })
      .catch((error: unknown) => this.logger.warn('could not read system info', error));
  }

  private async compose(state: ProbedState): Promise<SystemInfo> {
    const [fixed, available] = await Promise.all([this.readStatic(), this.availableMemory()]);
    const cpus = os.cpus();
    return {
      cpu: { ...fixed.cpu, logicalCores: cpus.length },
      memory: { totalBytes: os.totalmem(), availableBytes: available },
      os: { ...fixed.os, hostname: os.hostname() },
      gpu: state.gpu,
      python: state.python,
      docker: state.docker,
      probedAt: state.probedAt,
      fromSnapshot: state.fromSnapshot,
      sampledAt: new Date().toISOString(),
    };
  }

  /** MemAvailable (what a new job can use), not MemFree. */
  private async availableMemory(): Promise<number> {
    try {
      const mem = await si.mem();
      return mem.available > 0 ? mem.available : os.freemem();
    } catch {
      return os.freemem();
    }
  }

  private readStatic(): Promise<StaticInfo> {
    this.staticInfo ??= readStaticInfo(this.logger);
    return this.staticInfo;
  }
}

async function readStaticInfo(logger: Logger): Promise<StaticInfo> {
  const cpus = os.cpus();
  const nodeSpeed = cpus[0]?.speed ? Math.round(cpus[0].speed / 10) / 100 : null;
  const fallback: StaticInfo = {
    cpu: { model: cpus[0]?.model.trim() || 'Unknown CPU', physicalCores: cpus.length, speedGHz: nodeSpeed },
    os: { platform: process.platform, distro: os.type(), release: os.release(), arch: os.arch() },
  };
  const [cpu, osInfo] = await Promise.all([
    si.cpu().catch((error: unknown) => {
      logger.warn('could not read CPU details', error);
      return null;
    }),
    si.osInfo().catch((error: unknown) => {
      logger.warn('could not read OS details', error);
      return null;
    }),
  ]);
  return {
    cpu: {
      model: cpu ? [cpu.manufacturer, cpu.brand].filter(Boolean).join(' ').trim() || fallback.cpu.model : fallback.cpu.model,
      physicalCores: cpu?.physicalCores || fallback.cpu.physicalCores,
      speedGHz: cpu?.speed || fallback.cpu.speedGHz,
    },
    os: {
      platform: process.platform,
      distro: osInfo?.distro || fallback.os.distro,
      release: osInfo?.release || fallback.os.release,
      arch: os.arch(),
    },
  };
}
