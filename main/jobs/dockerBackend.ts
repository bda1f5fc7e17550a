/**
 * Jobs as containers of the local Docker engine: the twin of ProcessBackend. A container keeps
 * running when Lathe exits; what a later Lathe needs to find it again is in the job folder:
 *   docker.json        {containerId, startedAt (ms), maxRuntimeSeconds?, stopGraceSeconds, logFile, logOffset}
 *   stop-reason.json   {reason}: why it was ended from outside (first reason wins)
 *   exit.json          how it ended, written before the container is removed
 * The container's stdout and stderr are appended to the job's log by a log pump that follows
 * `docker logs`; a pump started by a later Lathe skips what the job already wrote (the log's size
 * less `logOffset`, its size at launch), so nothing is written twice and nothing is lost.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Docker from 'dockerode';
import { checkDocker, resolveDockerEndpoint, type DockerEndpoint } from '../system/docker';
import type { JobBackend, JobExit, JobHandle, JobLaunch } from './backend';

type StopReason = NonNullable<JobExit['reason']>;

interface DockerFile {
  containerId: string;
  startedAt: number;
  maxRuntimeSeconds?: number;
  stopGraceSeconds: number;
  logFile: string;
  /** The log file's size in bytes before the container started. */
  logOffset: number;
}

/** How long the log pump may take to drain once the container has ended. */
const DRAIN_MS = 30_000;
const DEFAULT_GRACE_SECONDS = 120;

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

function writeJson(file: string, value: unknown): void {
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, JSON.stringify(value));
  fs.renameSync(partial, file);
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function statusCode(error: unknown): number | undefined {
  return (error as { statusCode?: number } | null)?.statusCode;
}

function errorText(error: unknown): string {
  const err = error as { json?: { message?: string }; message?: string } | null;
  return err?.json?.message ?? err?.message ?? String(error);
}

/** A Docker client for a local endpoint only; every connection field explicit (never DOCKER_HOST). */
function dockerClient(endpoint: DockerEndpoint): Docker {
  const blank = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined, ca: undefined, cert: undefined, key: undefined };
  if (endpoint.kind === 'refused') throw new Error(`${endpoint.message}. ${endpoint.hint}`);
  return endpoint.kind === 'socket'
    ? new Docker({ ...blank, socketPath: endpoint.path })
    : new Docker({ ...blank, host: endpoint.host, port: endpoint.port, protocol: 'http' });
}

function localEndpoint(): DockerEndpoint {
  return resolveDockerEndpoint({ env: process.env, homeDir: os.homedir() });
}

/** A client of this machine's Docker engine (DOCKER_HOST only where it names this machine). */
export function localDockerClient(): Docker {
  return dockerClient(localEndpoint());
}

/** Whether the local engine answers; the message says what to do when it does not. */
export async function dockerAvailable(): Promise<{ ok: true } | { ok: false; message: string }> {
  const state = await checkDocker(localEndpoint());
  return state.available ? { ok: true } : { ok: false, message: state.hint ? `${state.message}. ${state.hint}` : state.message };
}

/** Whether `image` is in the local engine's image store. */
export async function imageExists(image: string, docker: Docker = dockerClient(localEndpoint())): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error) {
    if (statusCode(error) === 404) return false;
    throw error;
  }
}

/**
 * Appends a container's output to the log file, skipping the first `skip` bytes (what an earlier
 * pump already wrote). Never rejects: `done` resolves when the output has ended and is on disk.
 */
class LogPump {
  readonly done: Promise<void>;
  private stream: (NodeJS.ReadableStream & { destroy?: () => void }) | null = null;
  private closed = false;

  constructor(docker: Docker, container: Docker.Container, logFile: string, skip: number) {
    this.done = this.run(docker, container, logFile, skip).catch(() => undefined);
  }

  /** Ends the pump now; what it had not written yet a later pump fetches again. */
  close(): void {
    this.closed = true;
    this.stream?.destroy?.();
  }

  private async run(docker: Docker, container: Docker.Container, logFile: string, skip: number): Promise<void> {
    const stream = (await container.logs({ follow: true, stdout: true, stderr: true })) as NodeJS.ReadableStream & { destroy?: () => void };
    this.stream = stream;
    if (this.closed) stream.destroy?.();
    const out = fs.createWriteStream(logFile, { flags: 'a' });
    let toSkip = skip;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (toSkip >= chunk.length) {
          toSkip -= chunk.length;
          callback();
          return;
        }
        const rest = toSkip > 0 ? chunk.subarray(toSkip) : chunk;
        toSkip = 0;
        out.write(rest, (error) => callback(error ?? null));
      },
    });
    docker.modem.demuxStream(stream, sink, sink);
    await new Promise<void>((resolve) => {
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        sink.end(() => out.end(resolve));
      };
      stream.once('end', end);
      stream.once('close', end);
      // A log file that cannot be written (its folder removed, a full disk) ends the pump, not Lathe.
      const failed = () => {
        stream.destroy?.();
        out.destroy();
        resolve();
      };
      stream.on('error', failed);
      sink.on('error', failed);
      out.on('error', failed);
    });
  }
}

export interface DockerBackendOptions {
  /** Where the engine is; default: resolved from DOCKER_HOST and the usual sockets (local only). */
  endpoint?: DockerEndpoint;
}

export class DockerBackend implements JobBackend {
  readonly name = 'docker' as const;
  private readonly endpoint: DockerEndpoint;
  private docker: Docker | null = null;
  private readonly pumps = new Map<string, LogPump>();
  private readonly lifetime = new AbortController();

  constructor(options: DockerBackendOptions = {}) {
    this.endpoint = options.endpoint ?? localEndpoint();
  }

  async launch(launch: JobLaunch): Promise<JobHandle> {
    const command = launch.docker;
    if (!command) throw new Error('the Docker backend needs a docker command');
    const docker = this.client();
    if (!(await imageExists(command.image, docker))) {
      throw new Error(`Docker image ${command.image} is not on this machine; build or pull it first (Lathe cannot reach a registry)`);
    }
    for (const stale of ['docker.json', 'exit.json', 'stop-reason.json']) fs.rmSync(path.join(launch.jobDir, stale), { force: true });
    fs.mkdirSync(launch.jobDir, { recursive: true });
    fs.mkdirSync(path.dirname(launch.logFile), { recursive: true });
    const user = process.getuid && process.getgid ? `${process.getuid()}:${process.getgid()}` : undefined;
    const container = await docker.createContainer({
      name: `lathe-${launch.jobName.replace(/[^A-Za-z0-9_.-]/g, '-')}-${Math.random().toString(36).slice(2, 8)}`,
      Image: command.image,
      ...(command.entrypoint ? { Entrypoint: command.entrypoint } : {}),
      Cmd: command.cmd,
      Env: Object.entries(launch.env).map(([key, value]) => `${key}=${value}`),
      ...(command.workingDir ? { WorkingDir: command.workingDir } : {}),
      Labels: { 'lathe.job': launch.jobName, 'lathe.jobDir': launch.jobDir },
      // Files the job writes to the bind mounts belong to the person, not to root.
      ...(user ? { User: user } : {}),
      StopTimeout: launch.stopGraceSeconds,
      HostConfig: {
        Mounts: command.mounts.map((mount) => ({ Type: 'bind' as const, Source: mount.source, Target: mount.target, ReadOnly: mount.readOnly ?? false })),
        NetworkMode: command.network,
        // docker-init as PID 1 passes SIGTERM on; without it `docker stop` always ends in SIGKILL.
        Init: true,
        AutoRemove: false,
        ...(launch.gpus.length > 0 ? { DeviceRequests: [{ Driver: 'nvidia', DeviceIDs: launch.gpus, Capabilities: [['gpu']] }] } : {}),
      },
    }).catch((error: unknown) => {
      throw new Error(`Could not create the container for ${launch.jobName} from ${command.image}: ${errorText(error)}`);
    });
    const file: DockerFile = {
      containerId: container.id,
      startedAt: Date.now(),
      ...(launch.maxRuntimeSeconds !== undefined ? { maxRuntimeSeconds: launch.maxRuntimeSeconds } : {}),
      stopGraceSeconds: launch.stopGraceSeconds,
      logFile: launch.logFile,
      logOffset: sizeOf(launch.logFile),
    };
    writeJson(path.join(launch.jobDir, 'docker.json'), file);
    try {
      await container.start();
    } catch (error) {
      await container.remove({ force: true }).catch(() => undefined);
      fs.rmSync(path.join(launch.jobDir, 'docker.json'), { force: true });
      throw new Error(`Could not start the container for ${launch.jobName} from ${command.image}: ${errorText(error)}`);
    }
    this.ensurePump(container, file);
    return { backend: 'docker', containerId: container.id, jobDir: launch.jobDir };
  }

  async wait(handle: JobHandle, signal?: AbortSignal): Promise<JobExit> {
    if (handle.backend !== 'docker') throw new Error('not a Docker job');
    const abort = signal ? AbortSignal.any([signal, this.lifetime.signal]) : this.lifetime.signal;
    abort.throwIfAborted();
    const timer: { id?: NodeJS.Timeout } = {};
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(abort.reason ?? new Error('aborted'));
      abort.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([this.waitFor(handle, abort, timer), aborted]);
    } finally {
      clearTimeout(timer.id);
      if (onAbort) abort.removeEventListener('abort', onAbort);
    }
  }

  stop(handle: JobHandle): Promise<void> {
    return this.end(handle, 'Stopped');
  }

  async interrupt(handle: JobHandle): Promise<void> {
    if (handle.backend !== 'docker' || !(await this.running(handle.containerId))) return;
    this.writeReason(handle.jobDir, 'Interrupted');
    try {
      await this.client().getContainer(handle.containerId).kill({ signal: 'SIGKILL' });
    } catch (error) {
      // 404: gone; 409: not running. wait() reports how it ended.
      if (statusCode(error) !== 404 && statusCode(error) !== 409) throw error;
    }
  }

  async dispose(): Promise<void> {
    this.lifetime.abort(new Error('the Docker backend was disposed'));
    const pumps = [...this.pumps.values()];
    this.pumps.clear();
    for (const pump of pumps) pump.close();
    await Promise.all(pumps.map((pump) => pump.done));
  }

  private client(): Docker {
    this.docker ??= dockerClient(this.endpoint);
    return this.docker;
  }

  private async waitFor(handle: JobHandle & { backend: 'docker' }, abortSignal: AbortSignal, timer: { id?: NodeJS.Timeout }): Promise<JobExit> {
    const container = this.client().getContainer(handle.containerId);
    const file = readJson<DockerFile>(path.join(handle.jobDir, 'docker.json'));
    let info: Docker.ContainerInspectInfo;
    try {
      info = await container.inspect({ abortSignal });
    } catch (error) {
      if (statusCode(error) === 404) return this.recordedExit(handle.jobDir);
      throw error;
    }
    if (info.State.Status === 'created') {
      // Created but never started (Lathe stopped between the two): it never ran.
      await container.remove({ force: true }).catch(() => undefined);
      return { exitCode: null, signal: null, reason: null, vanished: true };
    }
    const pump = file ? this.ensurePump(container, file) : null;
    if (file?.maxRuntimeSeconds !== undefined && info.State.Running) {
      const left = file.startedAt + file.maxRuntimeSeconds * 1000 - Date.now();
      timer.id = setTimeout(() => void this.end(handle, 'MaxRuntimeExceeded').catch(() => undefined), Math.max(0, left));
    }
    try {
      await container.wait({ abortSignal });
    } catch (error) {
      if (statusCode(error) === 404) return this.recordedExit(handle.jobDir);
      throw error;
    }
    clearTimeout(timer.id);
    if (pump) await this.drain(handle.containerId, pump);
    let state: Docker.ContainerInspectInfo['State'];
    try {
      state = (await container.inspect({ abortSignal })).State;
    } catch (error) {
      if (statusCode(error) === 404) return this.recordedExit(handle.jobDir);
      throw error;
    }
    const time = (iso: string | undefined) => (iso && Date.parse(iso) > 0 ? { value: Date.parse(iso) } : null);
    const started = time(state.StartedAt);
    const ended = time(state.FinishedAt);
    const exit: JobExit = {
      exitCode: state.ExitCode,
      signal: null,
      reason: this.readReason(handle.jobDir),
      ...(started ? { startedAt: started.value } : {}),
      ...(ended ? { endedAt: ended.value } : {}),
    };
    writeJson(path.join(handle.jobDir, 'exit.json'), exit);
    await container.remove().catch((error: unknown) => {
      // Another wait() may have removed it already.
      if (statusCode(error) !== 404 && statusCode(error) !== 409) throw error;
    });
    return exit;
  }

  /** The end a wait() recorded before it removed the container; else the container vanished. */
  private recordedExit(jobDir: string): JobExit {
    const exit = readJson<JobExit>(path.join(jobDir, 'exit.json'));
    if (exit) return exit;
    return { exitCode: null, signal: null, reason: null, vanished: true };
  }

  /** This Lathe's pump for the container, started (skipping what the log already has) if need be. */
  private ensurePump(container: Docker.Container, file: DockerFile): LogPump {
    const running = this.pumps.get(file.containerId);
    if (running) return running;
    const skip = Math.max(0, sizeOf(file.logFile) - file.logOffset);
    const pump = new LogPump(this.client(), container, file.logFile, skip);
    this.pumps.set(file.containerId, pump);
    // A pump that ended (the container did, or the engine went away) is replaced by the next wait().
    void pump.done.then(() => {
      if (this.pumps.get(file.containerId) === pump) this.pumps.delete(file.containerId);
    });
    return pump;
  }

  private async drain(containerId: string, pump: LogPump): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        pump.close();
        resolve();
      }, DRAIN_MS);
    });
    await Promise.race([pump.done, late]);
    clearTimeout(timer);
    if (this.pumps.get(containerId) === pump) this.pumps.delete(containerId);
  }

  /** Whether the container is running; a job that has ended (or is gone) gets no stop reason. */
  private async running(containerId: string): Promise<boolean> {
    try {
      return (await this.client().getContainer(containerId).inspect()).State.Running;
    } catch (error) {
      if (statusCode(error) === 404) return false;
      throw error;
    }
  }

  /** Records why the job is ended from outside and asks Docker to stop it (SIGTERM, then SIGKILL). */
  private async end(handle: JobHandle, reason: StopReason): Promise<void> {
    if (handle.backend !== 'docker' || !(await this.running(handle.containerId))) return;
    this.writeReason(handle.jobDir, reason);
    const file = readJson<DockerFile>(path.join(handle.jobDir, 'docker.json'));
    // Docker answers once the container has stopped (up to the grace period later): do not hold the caller.
    this.client()
      .getContainer(handle.containerId)
      .stop({ t: file?.stopGraceSeconds ?? DEFAULT_GRACE_SECONDS })
      .catch(() => {
        // 304: already stopped; 404: gone. wait() reports how it ended.
      });
  }

  private writeReason(jobDir: string, reason: StopReason): void {
    try {
      fs.writeFileSync(path.join(jobDir, 'stop-reason.json'), JSON.stringify({ reason }), { flag: 'wx' });
    } catch {
      // EEXIST: the first reason stands. (A job folder that is gone has no one left to tell.)
    }
  }

  private readReason(jobDir: string): StopReason | null {
    return readJson<{ reason: StopReason }>(path.join(jobDir, 'stop-reason.json'))?.reason ?? null;
  }
}
