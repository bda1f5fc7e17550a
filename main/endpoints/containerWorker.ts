/**
 * A worker that is a Docker container: the model's image run as `docker run <image> serve`, as
 * SageMaker runs inference images, on the host network (Lathe's engine has no bridge) with the
 * port Lathe picked on 127.0.0.1 in SAGEMAKER_BIND_TO_PORT, the unpacked model read-only at
 * /opt/ml/model, and docker-init as PID 1 so SIGTERM reaches the server. It is ready once GET /ping
 * answers 200. A container outlives a Lathe that crashes; the next one removes it (reapContainers).
 */
import fs from 'node:fs';
import http from 'node:http';
import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import { imageExists } from '../jobs/dockerBackend';
import { freePort } from '../util/net';
import { WorkerBase, type WorkerLimits } from './workers';

export interface ContainerLaunch extends WorkerLimits {
  kind: 'container';
  image: string;
  /** The unpacked model, mounted read-only at /opt/ml/model; none when the image carries its own. */
  modelDir?: string;
  /** A script-mode model's code (folder or .tar.gz), mounted read-only where SAGEMAKER_SUBMIT_DIRECTORY says. */
  code?: { source: string; target: string };
  env: Record<string, string>;
  /** Which endpoint and variant the containers serve, and which Lathe started them (labels). */
  labels: Record<string, string>;
  docker: () => Docker;
}

/** The label every worker container carries: the LATHE_HOME it belongs to. */
export const HOME_LABEL = 'lathe.endpoint.home';
const PID_LABEL = 'lathe.endpoint.pid';
const PING_TIMEOUT_MS = 2000;
const PING_EVERY_MS = 250;
/** SageMaker: SIGTERM, then SIGKILL 30 s later. */
const STOP_GRACE_SECONDS = 30;

function errorText(error: unknown): string {
  const err = error as { json?: { message?: string }; message?: string } | null;
  return err?.json?.message ?? err?.message ?? String(error);
}

function ping(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/ping', timeout: PING_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/**
 * Whether something listens on `port` on every interface rather than 127.0.0.1 only (Linux's
 * /proc/net tables; host networking puts the container's sockets there). Null where unknown.
 */
export function listensOnAllInterfaces(port: number): boolean | null {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let known = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    known = true;
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local?.endsWith(`:${hex}`)) continue;
      if (/^0+:/.test(local)) return true;
    }
  }
  return known ? false : null;
}

export class ContainerWorker extends WorkerBase {
  private container: Docker.Container | null = null;
  private stopWanted: NodeJS.Signals | null = null;
  private readonly log: fs.WriteStream;

  constructor(
    index: number,
    private readonly launch: ContainerLaunch,
  ) {
    super(index);
    this.log = fs.createWriteStream(launch.logFile(index), { flags: 'a' });
    this.log.on('error', () => undefined);
  }

  get id(): string | undefined {
    return this.container?.id.slice(0, 12);
  }

  private note(line: string): void {
    this.log.write(`[lathe] ${line}\n`);
    this.keep(Buffer.from(line));
  }

  async started(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    try {
      await this.create();
    } catch (error) {
      this.note((error as Error).message);
      this.ended(null, null);
      this.log.end();
      throw this.failure((error as Error).message);
    }
    while (!this.exited) {
      if ((await ping(this.port)) === 200) break;
      if (Date.now() > deadline) {
        this.signal('SIGKILL');
        throw this.failure(`(container ${this.id} of ${this.launch.image}) did not answer GET /ping on 127.0.0.1:${this.port} with 200 within ${Math.round(timeoutMs / 1000)} s; the image must serve /ping and /invocations on the port in SAGEMAKER_BIND_TO_PORT when started with \`serve\``);
      }
      await new Promise((resolve) => setTimeout(resolve, PING_EVERY_MS));
    }
    if (this.exited) throw this.failure(`(container of ${this.launch.image}) exited (${this.exitText()}) before it answered /ping`);
    if (listensOnAllInterfaces(this.port)) {
      this.note(`warning: ${this.launch.image} listens on every interface (0.0.0.0:${this.port}), so other machines on your network can reach it; make its server bind 127.0.0.1 (Lathe's own server does)`);
    }
  }

  private async create(): Promise<void> {
    const { image, docker: client } = this.launch;
    const docker = client();
    let present: boolean;
    try {
      present = await imageExists(image, docker);
    } catch (error) {
      throw new Error(`cannot reach the Docker engine to run ${image}: ${errorText(error)}. Start it (bash scripts/docker.sh, or sudo dockerd --bridge=none --iptables=false &) and deploy again`);
    }
    if (!present) throw new Error(`Docker image ${image} is not on this machine; build it (docker build -t ${image} .) or load it (docker load -i FILE), then deploy again. Lathe cannot pull from a registry`);
    this.port = await freePort();
    const env = { ...this.launch.env, SAGEMAKER_BIND_TO_PORT: String(this.port), LATHE_WORKER_TOKEN: this.token };
    const container = await docker
      .createContainer({
        Image: image,
        Cmd: ['serve'],
        Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
        Labels: { ...this.launch.labels, [HOME_LABEL]: this.launch.labels[HOME_LABEL] ?? '', [PID_LABEL]: String(process.pid) },
        StopTimeout: STOP_GRACE_SECONDS,
        HostConfig: {
          NetworkMode: 'host',
          Init: true,
          AutoRemove: false,
          Mounts: [
            ...(this.launch.modelDir ? [{ Type: 'bind' as const, Source: this.launch.modelDir, Target: '/opt/ml/model', ReadOnly: true }] : []),
            ...(this.launch.code ? [{ Type: 'bind' as const, Source: this.launch.code.source, Target: this.launch.code.target, ReadOnly: true }] : []),
          ],
        },
      })
      .catch((error: unknown) => {
        throw new Error(`could not create a container from ${image}: ${errorText(error)}`);
      });
    this.container = container;
    const stream = (await container.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        this.log.write(chunk);
        this.keep(chunk);
        callback();
      },
    });
    docker.modem.demuxStream(stream, sink, sink);
    stream.on('error', () => undefined);
    try {
      await container.start();
    } catch (error) {
      await container.remove({ force: true }).catch(() => undefined);
      this.container = null;
      throw new Error(`could not start ${image} with \`serve\`: ${errorText(error)}`);
    }
    this.note(`container ${this.id} of ${image} started with \`serve\`, SAGEMAKER_BIND_TO_PORT=${this.port}${this.launch.modelDir ? `, the model at /opt/ml/model` : ''}${this.launch.code ? `, its code at ${this.launch.code.target}` : ''}`);
    void container
      .wait()
      .then((result: { StatusCode?: number }) => result.StatusCode ?? null)
      .catch(() => null)
      .then(async (code) => {
        this.ended(code, this.stopWanted);
        // The output of its last moments first, then the container goes.
        await new Promise((resolve) => setTimeout(resolve, 100));
        this.log.end();
        await container.remove({ force: true }).catch(() => undefined);
      });
    if (this.stopWanted) this.signal(this.stopWanted);
  }

  /** `docker kill --signal`: docker-init passes it to the server. */
  signal(signal: NodeJS.Signals): void {
    if (this.exited) return;
    this.stopWanted = signal;
    this.container?.kill({ signal }).catch(() => undefined);
  }
}

/**
 * Removes the worker containers of this LATHE_HOME whose Lathe is gone (it crashed or was killed):
 * they would hold their ports and memory for nothing. Never throws.
 */
export async function reapContainers(docker: Docker, home: string): Promise<number> {
  try {
    const found = await docker.listContainers({ all: true, filters: { label: [`${HOME_LABEL}=${home}`] } });
    const orphans = found.filter((c) => {
      const pid = Number(c.Labels[PID_LABEL]);
      if (pid === process.pid) return false;
      if (!Number.isInteger(pid) || pid <= 0) return true;
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    });
    await Promise.all(orphans.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    return orphans.length;
  } catch {
    return 0;
  }
}
