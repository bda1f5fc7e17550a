import fs from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import type { DockerState } from '../contract/model';

export const DOCKER_TIMEOUT_MS = 3_000;
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';
const START_HINT = 'Install docker.io and start the engine: sudo dockerd --bridge=none --iptables=false &';

export type DockerEndpoint =
  | { kind: 'socket'; path: string; display: string }
  | { kind: 'tcp'; host: string; port: number; display: string }
  | { kind: 'refused'; display: string; message: string; hint: string };

export interface DockerEndpointContext {
  env: NodeJS.ProcessEnv;
  homeDir: string;
  /** A socket path or DOCKER_HOST-style URL that wins over the environment (tests, settings). */
  override?: string;
  exists?: (file: string) => boolean;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

function socketEndpoint(file: string): DockerEndpoint {
  return { kind: 'socket', path: file, display: `unix://${file}` };
}

/** Pure (given `exists`): where Lathe talks to Docker. Only a local socket or a loopback TCP port. */
export function resolveDockerEndpoint(context: DockerEndpointContext): DockerEndpoint {
  const exists = context.exists ?? fs.existsSync;
  const raw = (context.override ?? context.env.DOCKER_HOST ?? '').trim();
  if (!raw) {
    const candidates = [
      DEFAULT_DOCKER_SOCKET,
      path.join(context.homeDir, '.docker', 'run', 'docker.sock'),
      ...(context.env.XDG_RUNTIME_DIR ? [path.join(context.env.XDG_RUNTIME_DIR, 'docker.sock')] : []),
    ];
    return socketEndpoint(candidates.find((file) => exists(file)) ?? DEFAULT_DOCKER_SOCKET);
  }
  if (raw.startsWith('/')) return socketEndpoint(raw);
  if (raw.startsWith('unix://')) return socketEndpoint(raw.slice('unix://'.length) || DEFAULT_DOCKER_SOCKET);
  let url: URL;
  try {
    url = new URL(raw.includes('://') ? raw : `tcp://${raw}`);
  } catch {
    return { kind: 'refused', display: raw, message: `DOCKER_HOST is not a valid address: ${raw}`, hint: 'Set DOCKER_HOST to unix:///var/run/docker.sock, or unset it' };
  }
  const display = `${url.protocol}//${url.host}`;
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:') {
    return {
      kind: 'refused',
      display,
      message: `Lathe only uses a local Docker engine; DOCKER_HOST points at ${display}`,
      hint: 'Unset DOCKER_HOST (or point it at unix:///var/run/docker.sock) and run the engine on this machine',
    };
  }
  if (!LOOPBACK.test(url.hostname)) {
    return {
      kind: 'refused',
      display,
      message: `Lathe only uses a local Docker engine; DOCKER_HOST points at ${url.hostname}, which is not this machine`,
      hint: 'Unset DOCKER_HOST (or point it at unix:///var/run/docker.sock or tcp://127.0.0.1) and run the engine on this machine',
    };
  }
  const host = /^localhost$/i.test(url.hostname) ? '127.0.0.1' : url.hostname.replace(/^\[|\]$/g, '');
  return { kind: 'tcp', host, port: url.port ? Number(url.port) : 2375, display };
}

function unavailable(endpoint: string, message: string, hint: string | null): DockerState {
  return { available: false, version: null, apiVersion: null, endpoint, message, hint };
}

/** Pure: a Docker client error, in words the person can act on. */
export function describeDockerError(error: unknown, endpoint: DockerEndpoint): DockerState {
  const where = endpoint.kind === 'socket' ? endpoint.path : endpoint.display;
  const err = error as { code?: string; statusCode?: number; message?: string; json?: { message?: string }; timeoutMs?: number } | null;
  const code = err?.code;
  if (code === 'EACCES' || code === 'EPERM') {
    return unavailable(
      endpoint.display,
      `Permission denied on ${where}`,
      'Add your user to the docker group (sudo usermod -aG docker $USER), then log out and in again',
    );
  }
  if (code === 'ENOENT') return unavailable(endpoint.display, `Docker engine not running (no socket at ${where})`, START_HINT);
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET') {
    return unavailable(endpoint.display, `Docker engine not running (connection refused at ${where})`, START_HINT);
  }
  if (code === 'LATHE_TIMEOUT') {
    return unavailable(
      endpoint.display,
      `Docker engine did not answer within ${Math.round((err?.timeoutMs ?? DOCKER_TIMEOUT_MS) / 100) / 10} s at ${where}`,
      'Check that dockerd is healthy (sudo systemctl status docker), or restart it',
    );
  }
  if (typeof err?.statusCode === 'number') {
    const said = err.json?.message ?? err.message ?? `HTTP ${err.statusCode}`;
    return unavailable(endpoint.display, `Docker engine answered with an error: ${said}`, 'Check the engine logs (journalctl -u docker)');
  }
  return unavailable(endpoint.display, `Could not reach the Docker engine at ${where}: ${err?.message ?? String(error)}`, START_HINT);
}

const NO_ENV_DEFAULTS: Docker.DockerOptions = {
  socketPath: undefined,
  host: undefined,
  port: undefined,
  protocol: undefined,
  ca: undefined,
  cert: undefined,
  key: undefined,
};

export interface DockerCheckOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Asks the engine for its version; never throws and never waits longer than the timeout. */
export async function checkDocker(endpoint: DockerEndpoint, options: DockerCheckOptions = {}): Promise<DockerState> {
  if (endpoint.kind === 'refused') return unavailable(endpoint.display, endpoint.message, endpoint.hint);
  if (endpoint.kind === 'socket' && !fs.existsSync(endpoint.path)) {
    return unavailable(endpoint.display, `Docker engine not running (no socket at ${endpoint.path})`, START_HINT);
  }
  const timeoutMs = options.timeoutMs ?? DOCKER_TIMEOUT_MS;
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    // Every connection field is explicit: dockerode would otherwise merge in process.env.DOCKER_HOST.
    // Its own socket timeout is a backstop; the deadline below decides.
    const docker =
      endpoint.kind === 'socket'
        ? new Docker({ ...NO_ENV_DEFAULTS, socketPath: endpoint.path, timeout: timeoutMs + 1_000 })
        : new Docker({ ...NO_ENV_DEFAULTS, host: endpoint.host, port: endpoint.port, protocol: 'http', timeout: timeoutMs + 1_000 });
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(Object.assign(new Error('timed out'), { code: 'LATHE_TIMEOUT', timeoutMs }));
      }, timeoutMs);
    });
    const client = docker as unknown as { version(options: { abortSignal: AbortSignal }): Promise<Docker.DockerVersion> };
    const version = await Promise.race([client.version({ abortSignal: abort.signal }), deadline]);
    return {
      available: true,
      version: version.Version ?? null,
      apiVersion: version.ApiVersion ?? null,
      endpoint: endpoint.display,
      message: `Docker ${version.Version ?? 'engine'}${version.ApiVersion ? ` (API ${version.ApiVersion})` : ''}`,
      hint: null,
    };
  } catch (error) {
    return describeDockerError(error, endpoint);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
