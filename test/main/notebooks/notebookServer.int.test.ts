/**
 * The Jupyter server for real (Debian's jupyter_server 1.23 and ipykernel): one per interpreter,
 * started once however many ask, ready with everything a person needs to see, restarted when it
 * dies on its own, and stopped with every process it started, kernels and what their cells ran.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../main/api/eventBus';
import type { Lathe } from '../../../main/app';
import type { NotebookChange } from '../../../main/contract/notebooks';
import { createLogger } from '../../../main/log/logger';
import { NotebookService } from '../../../main/notebooks/notebookService';
import { pythonResourcesDir } from '../../../main/system/resources';
import { tmpDir } from '../../helpers/tmp';
import { execute, isRunning, jupyterTokenOf, proxiedKernel, PYTHON, servedLathe, testEnv, until } from './notebookTesting';

let lathe: Lathe;
let close: () => Promise<void>;
const changes: NotebookChange[] = [];

beforeAll(async () => {
  ({ lathe, close } = await servedLathe());
  lathe.bus.onEvent((name, payload) => (name === 'notebooks.changed' ? void changes.push(payload as NotebookChange) : undefined));
});
afterAll(async () => {
  const last = await lathe.router.invoke('notebooks.server').finally(() => close());
  // Disposing Lathe stopped its notebook server.
  if (last.Pid) expect(isRunning(last.Pid)).toBe(false);
});

/** A kernel through the proxy that started `sleep 300`; its pid and the sleep's. */
async function kernelWithChild(status: Awaited<ReturnType<Lathe['notebooks']['start']>>) {
  const { kernel } = await proxiedKernel(status);
  const ran = await execute(kernel, "import os, subprocess\np = subprocess.Popen(['sleep', '300'])\nprint(os.getpid(), p.pid)");
  const [kernelPid, sleepPid] = ran.text.trim().split(' ').map(Number) as [number, number];
  return { kernel, kernelPid, sleepPid };
}

describe('the notebook server', () => {
  it('reports the environment: packages, kernelspecs, ready', async () => {
    const env = await lathe.router.invoke('notebooks.environment');
    expect(env).toMatchObject({ Python: PYTHON, Ready: true, Problems: expect.any(Array) });
    expect(env.Version).toMatch(/^3\.\d+\.\d+$/);
    expect(env.Packages.find((p) => p.Name === 'jupyter_server')).toMatchObject({ Required: true, Version: expect.stringMatching(/^\d/) });
    expect(env.Packages.find((p) => p.Name === 'ipykernel')).toMatchObject({ Required: true, Version: expect.stringMatching(/^\d/) });
    expect(env.Packages.map((p) => p.Name)).toEqual(expect.arrayContaining(['matplotlib', 'numpy', 'pandas', 'xgboost', 'scikit-learn', 'boto3']));
    expect(env.Kernelspecs).toContainEqual({ Name: 'python3', DisplayName: expect.stringContaining('Python 3'), Language: 'python' });
  });

  it('starts once for concurrent callers and answers with the URLs, token, command and readiness', async () => {
    expect(await lathe.router.invoke('notebooks.server')).toMatchObject({ State: 'stopped', Python: PYTHON, Restarts: 0 });
    const [a, b, c] = await Promise.all([lathe.router.invoke('notebooks.start'), lathe.router.invoke('notebooks.start'), lathe.router.invoke('notebooks.start')]);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a).toMatchObject({ State: 'ready', Python: PYTHON, Url: `${lathe.url}/jupyter/`, Workspace: `${lathe.home}/workspace`, Restarts: 0 });
    expect(a.DirectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/jupyter\/$/);
    expect(a.Token).toMatch(/^[0-9a-f]{48}$/);
    expect(a.ReadyMs).toEqual(expect.any(Number));
    expect(fs.existsSync(a.Workspace)).toBe(true);
    const port = new URL(a.DirectUrl!).port;
    expect(a.LaunchCommand).toContain(`JUPYTER_TOKEN=... `);
    expect(a.LaunchCommand).toContain(`${PYTHON} -m jupyter_server`);
    expect(a.LaunchCommand).toContain(`--ServerApp.port=${port} --ServerApp.port_retries=0 --ServerApp.ip=127.0.0.1`);
    expect(a.LaunchCommand).toContain(`--ServerApp.base_url=/jupyter/ --ServerApp.root_dir=${a.Workspace}`);
    const jupyterToken = jupyterTokenOf(a.Pid!);
    expect(JSON.stringify(a)).not.toContain(jupyterToken);
    expect(fs.readFileSync(`/proc/${a.Pid}/cmdline`, 'utf8')).not.toContain(jupyterToken);
    // The server itself wants its own token; the proxy token is no good there.
    expect((await fetch(`${a.DirectUrl}api/status`, { headers: { authorization: `token ${a.Token}` } })).status).toBe(403);
    expect((await fetch(`${a.DirectUrl}api/status`, { headers: { authorization: `token ${jupyterToken}` } })).status).toBe(200);
    expect(await lathe.router.invoke('notebooks.start')).toEqual(a);
    expect(await lathe.router.invoke('notebooks.server')).toEqual(a);
    expect(changes.filter((c) => c.kind === 'server').map((c) => c.State)).toEqual(['starting', 'ready']);
  });

  it('gives kernels the lathe SDK, Lathe\'s URL and token, boto3 credentials and the inline plot backend', async () => {
    const status = await lathe.router.invoke('notebooks.start');
    const { kernel } = await proxiedKernel(status);
    const ran = await execute(
      kernel,
      "import os, json, lathe, matplotlib\nprint(json.dumps({k: os.environ.get(k) for k in ['LATHE_URL', 'AWS_ACCESS_KEY_ID', 'AWS_DEFAULT_REGION', 'AWS_EC2_METADATA_DISABLED', 'PYDEVD_DISABLE_FILE_VALIDATION']}))\nprint(os.environ['LATHE_TOKEN'] == os.environ['AWS_SECRET_ACCESS_KEY'], lathe.__file__, matplotlib.get_backend(), os.getcwd())",
    );
    const [vars, rest] = ran.text.trim().split('\n') as [string, string];
    expect(JSON.parse(vars)).toEqual({ LATHE_URL: lathe.url, AWS_ACCESS_KEY_ID: 'lathe', AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', PYDEVD_DISABLE_FILE_VALIDATION: '1' });
    expect(rest.split(' ')).toEqual(['True', expect.stringContaining('resources/python/lathe/__init__.py'), 'module://matplotlib_inline.backend_inline', status.Workspace]);
    await kernel.shutdown();
    kernel.dispose();
  });

  it('restarts a server that dies on its own, and kills the kernels it left behind', async () => {
    const before = await lathe.router.invoke('notebooks.start');
    const orphan = await kernelWithChild(before);
    process.kill(before.Pid!, 'SIGKILL');
    const after = await until(() => lathe.router.invoke('notebooks.server'), (s) => s.State === 'ready' && s.Pid !== before.Pid, 'the restarted server');
    orphan.kernel.dispose();
    expect(after.Restarts).toBe(1);
    expect(after.Token).toBe(before.Token);
    expect(after.DirectUrl).not.toBe(before.DirectUrl);
    await until(() => [orphan.kernelPid, orphan.sleepPid].filter(isRunning), (left) => left.length === 0, 'the orphaned kernel to be killed');
    const { kernel } = await proxiedKernel(after);
    expect((await execute(kernel, '1+1')).text).toBe('2');
    kernel.dispose();
  });

  it('stops with every process it started, and refuses its proxy token afterwards', async () => {
    const status = await lathe.router.invoke('notebooks.start');
    const one = await kernelWithChild(status);
    const two = await kernelWithChild(status);
    const pids = [status.Pid!, one.kernelPid, one.sleepPid, two.kernelPid, two.sleepPid];
    expect(pids.every(isRunning)).toBe(true);
    const stopped = await lathe.router.invoke('notebooks.stop');
    one.kernel.dispose();
    two.kernel.dispose();
    expect(stopped).toMatchObject({ State: 'stopped', Python: PYTHON });
    expect(stopped.Token).toBeUndefined();
    expect(pids.filter(isRunning)).toEqual([]);
    const refused = await fetch(`${lathe.url}/jupyter/api/kernels`, { headers: { authorization: `token ${status.Token}` } });
    expect(refused.status).toBe(401);
    const unavailable = await fetch(`${lathe.url}/jupyter/api/kernels`, { headers: { authorization: `Bearer ${lathe.token}` } });
    expect(unavailable.status).toBe(503);
    expect(((await unavailable.json()) as { error: { message: string } }).error.message).toBe('the notebook server is not running; start it with notebooks.start');
    const again = await lathe.router.invoke('notebooks.start');
    expect(again.State).toBe('ready');
    expect(again.Token).not.toBe(status.Token);
  });

  it('gives up restarting a server that keeps dying, and says so with its last output', async () => {
    const home = tmpDir();
    const states: string[] = [];
    const bus = new EventBus();
    bus.onEvent((name, payload) => (name === 'notebooks.changed' ? void states.push(String((payload as NotebookChange).State)) : undefined));
    const service = new NotebookService({
      home,
      bus,
      logger: createLogger('test'),
      python: async () => PYTHON,
      pythonPath: pythonResourcesDir(),
      latheEnv: () => ({}),
      loopbackUrl: () => null,
      env: testEnv(home),
      restartLimit: 1,
    });
    try {
      const first = await service.start();
      expect(first).toMatchObject({ State: 'ready', Workspace: path.join(home, 'workspace') });
      expect(first.Url).toBeUndefined();
      process.kill(first.Pid!, 'SIGKILL');
      const second = await until(() => service.status(), (s) => s.State === 'ready' && s.Pid !== first.Pid, 'the first restart');
      expect(second.Restarts).toBe(1);
      process.kill(second.Pid!, 'SIGKILL');
      const failed = await until(() => service.status(), (s) => s.State === 'failed', 'the server to be given up');
      expect(failed.FailureReason).toMatch(/^the Jupyter server stopped on its own 2 times within 5 min \(last: it was killed by SIGKILL\); Lathe stopped restarting it/);
      expect(failed.LastOutput?.some((line) => line.includes('Jupyter Server'))).toBe(true);
      expect(failed.Restarts).toBe(2);
      expect(states).toEqual(['starting', 'ready', 'starting', 'ready', 'failed']);
      const again = await service.start();
      expect(again).toMatchObject({ State: 'ready', Restarts: 0 });
      await service.dispose();
      expect(isRunning(again.Pid!)).toBe(false);
    } finally {
      await service.dispose();
    }
  });
});
