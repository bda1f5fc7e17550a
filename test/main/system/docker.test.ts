import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDocker, describeDockerError, resolveDockerEndpoint, type DockerEndpoint } from '../../../main/system/docker';
import { tmpDir } from '../../helpers/tmp';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A stand-in engine on a unix socket: answers /version like dockerd, or never answers. */
async function fakeEngine(socket: string, answer: boolean): Promise<string[]> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    if (!answer) return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ Version: '20.10.24+dfsg1', ApiVersion: '1.41', Os: 'linux', Arch: 'amd64' }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return paths;
}

describe('resolveDockerEndpoint', () => {
  const none = () => false;
  const cases: Array<[string, NodeJS.ProcessEnv, Partial<DockerEndpoint>]> = [
    ['the default socket', {}, { kind: 'socket', path: '/var/run/docker.sock', display: 'unix:///var/run/docker.sock' }],
    ['a unix DOCKER_HOST', { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, { kind: 'socket', path: '/run/user/1000/docker.sock' }],
    ['a loopback tcp DOCKER_HOST', { DOCKER_HOST: 'tcp://127.0.0.1:2375' }, { kind: 'tcp', host: '127.0.0.1', port: 2375 }],
    ['localhost without a port', { DOCKER_HOST: 'tcp://localhost' }, { kind: 'tcp', host: '127.0.0.1', port: 2375 }],
    ['IPv6 loopback', { DOCKER_HOST: 'tcp://[::1]:2375' }, { kind: 'tcp', host: '::1', port: 2375 }],
  ];
  for (const [scenario, env, expected] of cases) {
    it(`uses ${scenario}`, () => {
      expect(resolveDockerEndpoint({ env, homeDir: '/home/ada', exists: none })).toMatchObject(expected);
    });
  }

  it('finds a Docker Desktop or rootless socket when the system one is absent', () => {
    const exists = (file: string) => file === '/run/user/1000/docker.sock';
    expect(resolveDockerEndpoint({ env: { XDG_RUNTIME_DIR: '/run/user/1000' }, homeDir: '/home/ada', exists })).toMatchObject({
      kind: 'socket',
      path: '/run/user/1000/docker.sock',
    });
  });

  it('refuses a remote engine', () => {
    for (const host of ['tcp://10.0.0.5:2375', 'tcp://docker.example.com:2376', 'ssh://ada@build-box']) {
      const endpoint = resolveDockerEndpoint({ env: { DOCKER_HOST: host }, homeDir: '/home/ada', exists: none });
      expect(endpoint.kind).toBe('refused');
      if (endpoint.kind === 'refused') expect(endpoint.message).toMatch(/^Lathe only uses a local Docker engine; DOCKER_HOST points at /);
    }
  });

  it('lets an explicit endpoint win over DOCKER_HOST', () => {
    expect(resolveDockerEndpoint({ env: { DOCKER_HOST: 'tcp://10.0.0.5:2375' }, homeDir: '/h', override: '/tmp/x.sock' })).toMatchObject({
      kind: 'socket',
      path: '/tmp/x.sock',
    });
  });
});

describe('describeDockerError', () => {
  const socket: DockerEndpoint = { kind: 'socket', path: '/var/run/docker.sock', display: 'unix:///var/run/docker.sock' };
  it('points at the docker group on permission denied', () => {
    const state = describeDockerError(Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' }), socket);
    expect(state).toEqual({
      available: false,
      version: null,
      apiVersion: null,
      endpoint: 'unix:///var/run/docker.sock',
      message: 'Permission denied on /var/run/docker.sock',
      hint: 'Add your user to the docker group (sudo usermod -aG docker $USER), then log out and in again',
    });
  });

  it('says the engine is not running on connection refused', () => {
    const state = describeDockerError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), socket);
    expect(state.message).toBe('Docker engine not running (connection refused at /var/run/docker.sock)');
    expect(state.hint).toMatch(/dockerd/);
  });

  it('passes on the engine’s own error message', () => {
    const state = describeDockerError({ statusCode: 500, json: { message: 'client version 1.99 is too new' } }, socket);
    expect(state.message).toBe('Docker engine answered with an error: client version 1.99 is too new');
  });
});

describe('checkDocker', () => {
  it('explains a missing socket', async () => {
    const socket = path.join(tmpDir(), 'docker.sock');
    const state = await checkDocker({ kind: 'socket', path: socket, display: `unix://${socket}` });
    expect(state).toEqual({
      available: false,
      version: null,
      apiVersion: null,
      endpoint: `unix://${socket}`,
      message: `Docker engine not running (no socket at ${socket})`,
      hint: 'Install docker.io and start the engine: sudo dockerd --bridge=none --iptables=false &',
    });
  });

  it('reads the version from a local engine', async () => {
    const socket = path.join(tmpDir(), 'docker.sock');
    const paths = await fakeEngine(socket, true);
    const state = await checkDocker(resolveDockerEndpoint({ env: {}, homeDir: '/h', override: `unix://${socket}` }));
    expect(state).toEqual({
      available: true,
      version: '20.10.24+dfsg1',
      apiVersion: '1.41',
      endpoint: `unix://${socket}`,
      message: 'Docker 20.10.24+dfsg1 (API 1.41)',
      hint: null,
    });
    expect(paths).toEqual(['/version']);
  });

  it('gives up on an engine that never answers', async () => {
    const socket = path.join(tmpDir(), 'docker.sock');
    await fakeEngine(socket, false);
    const state = await checkDocker({ kind: 'socket', path: socket, display: `unix://${socket}` }, { timeoutMs: 200 });
    expect(state.available).toBe(false);
    expect(state.message).toBe(`Docker engine did not answer within 0.2 s at ${socket}`);
    expect(state.hint).toMatch(/systemctl status docker/);
  });

  it('says the engine is not running when nothing listens on the socket path', async () => {
    const socket = path.join(tmpDir(), 'docker.sock');
    fs.writeFileSync(socket, '');
    const state = await checkDocker({ kind: 'socket', path: socket, display: `unix://${socket}` });
    expect(state.message).toBe(`Docker engine not running (connection refused at ${socket})`);
  });

  it('never connects to a remote DOCKER_HOST', async () => {
    const state = await checkDocker(resolveDockerEndpoint({ env: { DOCKER_HOST: 'tcp://192.0.2.10:2375' }, homeDir: '/h' }));
    expect(state).toMatchObject({
      available: false,
      endpoint: 'tcp://192.0.2.10:2375',
      message: 'Lathe only uses a local Docker engine; DOCKER_HOST points at 192.0.2.10, which is not this machine',
    });
  });
});
