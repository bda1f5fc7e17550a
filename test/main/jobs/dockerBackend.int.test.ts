import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DockerCommand, JobHandle, JobLaunch } from '../../../main/jobs/backend';
import { DockerBackend, dockerAvailable, imageExists } from '../../../main/jobs/dockerBackend';
import { writeJobFolder } from '../../../main/jobs/jobLayout';
import { scriptHyperparameters } from '../../../main/jobs/scriptMode';
import { containerEnvironment } from '../../../main/jobs/trainingEnv';
import { resolveDockerEndpoint } from '../../../main/system/docker';
import { pythonResourcesDir } from '../../../main/system/resources';
import { tmpDir } from '../../helpers/tmp';

const IMAGE = 'lathe-python:local';

// Real Docker or nothing: on a machine without the engine or the image every test fails, saying what to run.
let ready: Promise<void> | undefined;
beforeEach(async () => {
  ready ??= (async () => {
    const docker = await dockerAvailable();
    if (!docker.ok) throw new Error(`Docker engine not reachable: run scripts/docker.sh (${docker.message})`);
    if (!(await imageExists(IMAGE))) throw new Error(`Docker image ${IMAGE} is missing: run scripts/docker.sh`);
  })();
  await ready;
});

const backends: DockerBackend[] = [];
function backend(): DockerBackend {
  const made = new DockerBackend();
  backends.push(made);
  return made;
}
const handles: JobHandle[] = [];
afterEach(async () => {
  // Nothing a test started may keep running.
  const cleanup = new DockerBackend();
  for (const handle of handles.splice(0)) {
    await cleanup.interrupt(handle).catch(() => undefined);
    await cleanup.wait(handle).catch(() => undefined);
  }
  for (const made of [...backends.splice(0), cleanup]) await made.dispose();
});

interface Job {
  root: string;
  jobDir: string;
  logFile: string;
}

/** A job folder laid out like /opt/ml, with `train.py` (and any other files) in its code folder. */
async function scriptJob(files: Record<string, string>, hyperParameters: Record<string, string> = {}, channels: Array<{ name: string; source: string }> = []) {
  const base = tmpDir('lathe-docker-');
  const root = path.join(base, 'opt-ml');
  const jobDir = path.join(base, 'job');
  fs.mkdirSync(jobDir, { recursive: true });
  const folder = await writeJobFolder(root, { hyperParameters, channels });
  for (const [name, source] of Object.entries(files)) fs.writeFileSync(path.join(folder.paths.code, name), source);
  const script = scriptHyperparameters(hyperParameters);
  const env = containerEnvironment({
    jobName: 'job-1',
    jobArn: 'arn:aws:sagemaker:local:000000000000:training-job/job-1',
    channels: channels.map((channel) => channel.name),
    hyperParameters: script.user,
    userArgs: script.args,
    numGpus: 0,
    numCpus: 1,
    resourceConfig: folder.resourceConfig,
    inputDataConfig: folder.inputDataConfig,
  });
  return { job: { root, jobDir, logFile: path.join(jobDir, 'training.log') }, env, folder };
}

function launchSpec(job: Job, env: Record<string, string>, docker: Partial<DockerCommand> = {}, extra: Partial<JobLaunch> = {}): JobLaunch {
  return {
    jobName: 'job-1',
    jobDir: job.jobDir,
    logFile: job.logFile,
    env,
    stopGraceSeconds: 10,
    gpus: [],
    docker: {
      image: IMAGE,
      cmd: ['train'],
      mounts: [
        { source: job.root, target: '/opt/ml' },
        { source: pythonResourcesDir(), target: '/opt/lathe/python', readOnly: true },
      ],
      network: 'none',
      ...docker,
    },
    ...extra,
  };
}

function logLines(file: string): string[] {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

async function untilLogHas(file: string, line: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!logLines(file).includes(line)) {
    if (Date.now() > deadline) throw new Error(`the log never showed ${JSON.stringify(line)}; it has:\n${logLines(file).join('\n')}`);
    await sleep(50);
  }
}

describe('a job run as a Docker container', () => {
  it('runs a SageMaker script-mode train.py in lathe-python:local: channel, argv, model file owned by the person, log once', async () => {
    const data = path.join(tmpDir(), 'rows.csv');
    fs.writeFileSync(data, '1,2\n3,4\n5,6\n');
    const { job, env, folder } = await scriptJob(
      {
        'train.py': `import argparse, json, os
p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int); p.add_argument("--lr", type=float)
a = p.parse_args()
rows = open(os.path.join(os.environ["SM_CHANNEL_TRAIN"], "rows.csv")).read().split()
with open(os.path.join(os.environ["SM_MODEL_DIR"], "model.json"), "w") as f:
    json.dump({"epochs": a.epochs, "lr": a.lr, "rows": len(rows), "cwd": os.getcwd()}, f)
print("trained %d epochs at lr %s on %d rows" % (a.epochs, a.lr, len(rows)))
`,
      },
      { epochs: '3', lr: '0.1', sagemaker_program: '"train.py"' },
      [{ name: 'train', source: data }],
    );
    // The entry point comes from sagemaker_program; SM_USER_ARGS is "--epochs 3 --lr 0.1".
    expect(env.SM_CHANNEL_TRAIN).toBe('/opt/ml/input/data/train');
    expect(JSON.parse(env.SM_USER_ARGS ?? 'null')).toEqual(['--epochs', '3', '--lr', '0.1']);
    const docker = backend();
    const handle = await docker.launch(launchSpec(job, env));
    handles.push(handle);
    expect(handle).toMatchObject({ backend: 'docker', jobDir: job.jobDir });
    const exit = await docker.wait(handle);
    expect(exit).toMatchObject({ exitCode: 0, signal: null, reason: null });
    expect(exit.endedAt! - exit.startedAt!).toBeGreaterThanOrEqual(0);

    const model = path.join(folder.paths.model, 'model.json');
    expect(JSON.parse(fs.readFileSync(model, 'utf8'))).toEqual({ epochs: 3, lr: 0.1, rows: 3, cwd: '/opt/ml/code' });
    expect(fs.statSync(model).uid).toBe(process.getuid!());
    expect(fs.existsSync(path.join(folder.paths.output, 'success'))).toBe(true);
    const lines = logLines(job.logFile);
    expect(lines.filter((line) => line === 'trained 3 epochs at lr 0.1 on 3 rows')).toHaveLength(1);
    // The container is removed once its logs are in.
    expect(await fetchContainer(handle)).toBeNull();
    expect(JSON.parse(fs.readFileSync(path.join(job.jobDir, 'exit.json'), 'utf8'))).toEqual(exit);
  });

  it('stops a sleeping job within the grace period with reason Stopped (SIGTERM reaches the script)', async () => {
    const { job, env } = await scriptJob({ 'train.py': 'import time\nprint("sleeping", flush=True)\ntime.sleep(600)\n' });
    const docker = backend();
    const handle = await docker.launch(launchSpec(job, { ...env, SM_USER_ENTRY_POINT: 'train.py' }));
    handles.push(handle);
    await untilLogHas(job.logFile, 'sleeping');
    const stopping = Date.now();
    await docker.stop(handle);
    // stop() asks for the stop and returns: it does not sit out the 10 s grace (generous for a busy dockerd).
    expect(Date.now() - stopping).toBeLessThan(5_000);
    const exit = await docker.wait(handle);
    // 143 (SIGTERM), not 137: the script got SIGTERM and ended within the grace, not SIGKILLed after it.
    expect(exit).toMatchObject({ exitCode: 128 + 15, signal: null, reason: 'Stopped' });
  });

  it('gives no stop reason to a job that had already ended when stop() came', async () => {
    const { job, env } = await scriptJob({ 'train.py': 'print("done")\n' });
    const docker = backend();
    const handle = await docker.launch(launchSpec(job, { ...env, SM_USER_ENTRY_POINT: 'train.py' }));
    handles.push(handle);
    while ((await fetchContainer(handle))?.State.Running !== false) await sleep(50);
    await docker.stop(handle);
    await docker.interrupt(handle);
    expect(await docker.wait(handle)).toMatchObject({ exitCode: 0, signal: null, reason: null });
  });

  it('interrupts a job at once with SIGKILL and reason Interrupted', async () => {
    const { job, env } = await scriptJob({ 'train.py': 'import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint("sleeping", flush=True)\ntime.sleep(600)\n' });
    const docker = backend();
    const handle = await docker.launch(launchSpec(job, { ...env, SM_USER_ENTRY_POINT: 'train.py' }, {}, { stopGraceSeconds: 60 }));
    handles.push(handle);
    await untilLogHas(job.logFile, 'sleeping');
    await docker.interrupt(handle);
    expect(await docker.wait(handle)).toMatchObject({ exitCode: 137, signal: null, reason: 'Interrupted' });
  });

  it('says which mount is missing when the container cannot be created', async () => {
    const { job, env } = await scriptJob({});
    const gone = path.join(tmpDir(), 'gone');
    const launch = launchSpec(job, env);
    launch.docker!.mounts.push({ source: gone, target: '/data' });
    await expect(backend().launch(launch)).rejects.toThrow(`Could not create the container for job-1 from ${IMAGE}: `);
    await expect(backend().launch(launch)).rejects.toThrow(gone);
  });

  it('ends a job that outlives MaxRuntime with reason MaxRuntimeExceeded', async () => {
    const { job, env } = await scriptJob({ 'train.py': 'import time\ntime.sleep(600)\n' });
    const docker = backend();
    const handle = await docker.launch(launchSpec(job, { ...env, SM_USER_ENTRY_POINT: 'train.py' }, {}, { maxRuntimeSeconds: 1 }));
    handles.push(handle);
    expect(await docker.wait(handle)).toMatchObject({ exitCode: 143, signal: null, reason: 'MaxRuntimeExceeded' });
  });

  it('lets a later Lathe wait on a running container and append the rest of its log without duplicates', async () => {
    const { job, env } = await scriptJob({
      'train.py': `import os, time
for i in range(5): print("line", i)
print("partial", end="", flush=True)
while not os.path.exists("/opt/ml/code/go"): time.sleep(0.05)
print(" line")
for i in range(5, 10): print("line", i)
`,
    });
    const first = backend();
    const handle = await first.launch(launchSpec(job, { ...env, SM_USER_ENTRY_POINT: 'train.py' }));
    handles.push(handle);
    await untilLogHas(job.logFile, 'line 4');
    // Lathe exits: its pump goes, the container keeps running and writes more while no one listens.
    await first.dispose();
    fs.writeFileSync(path.join(job.root, 'code', 'go'), '');
    const deadline = Date.now() + 30_000;
    while ((await fetchContainer(handle))?.State.Running) {
      if (Date.now() > deadline) throw new Error('the container never ended');
      await sleep(50);
    }
    expect(logLines(job.logFile).some((line) => line.startsWith('line 5'))).toBe(false);

    const exit = await backend().wait(handle);
    expect(exit).toMatchObject({ exitCode: 0, signal: null, reason: null });
    const lines = logLines(job.logFile).filter((line) => !line.startsWith('lathe.toolkit:'));
    expect(lines).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4', 'partial line', ...[5, 6, 7, 8, 9].map((i) => `line ${i}`)]);
    expect(logLines(job.logFile).filter((line) => line.startsWith('lathe.toolkit: running'))).toHaveLength(1);
  });

  it('refuses an image that is not on this machine, saying so', async () => {
    const { job, env } = await scriptJob({});
    await expect(backend().launch(launchSpec(job, env, { image: 'lathe-missing:nope' }))).rejects.toThrow(
      'Docker image lathe-missing:nope is not on this machine; build or pull it first (Lathe cannot reach a registry)',
    );
    expect(fs.existsSync(path.join(job.jobDir, 'docker.json'))).toBe(false);
  });

  it('gives a container on network none no way out: only loopback, no route, and not the host’s 127.0.0.1', async () => {
    const server = net.createServer((socket) => socket.end('host\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const { job, env } = await scriptJob({});
      const probe = `import errno, json, socket
result = {"interfaces": sorted(name for _, name in socket.if_nameindex())}
try:
    socket.create_connection(("127.0.0.1", ${port}), timeout=5); result["host"] = "connected"
except OSError as e:
    result["host"] = errno.errorcode.get(e.errno, str(e))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    u.connect(("192.0.2.1", 9)); result["route"] = "routed"
except OSError as e:
    result["route"] = errno.errorcode.get(e.errno, str(e))
print(json.dumps(result))
`;
      const docker = backend();
      const handle = await docker.launch(launchSpec(job, env, { entrypoint: ['python3', '-c', probe], cmd: [] }));
      handles.push(handle);
      expect(await docker.wait(handle)).toMatchObject({ exitCode: 0, signal: null, reason: null });
      // The same connection from the host works: the container's refusal is isolation, not a dead server.
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.once('data', (data) => resolve(String(data))));
        socket.once('error', reject);
      });
      expect(reply).toBe('host\n');
      expect(JSON.parse(logLines(job.logFile).at(-1)!)).toEqual({ interfaces: ['lo'], host: 'ECONNREFUSED', route: 'ENETUNREACH' });
    } finally {
      server.close();
    }
  });
});

/** The container behind a handle as the engine reports it; null once it is gone. */
async function fetchContainer(handle: JobHandle): Promise<Docker.ContainerInspectInfo | null> {
  const endpoint = resolveDockerEndpoint({ env: process.env, homeDir: os.homedir() });
  if (endpoint.kind !== 'socket' || handle.backend !== 'docker') throw new Error(`unexpected endpoint ${endpoint.display} or handle`);
  try {
    return await new Docker({ socketPath: endpoint.path }).getContainer(handle.containerId).inspect();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw error;
  }
}
