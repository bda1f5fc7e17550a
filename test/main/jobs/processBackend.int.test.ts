/**
 * Jobs as local processes under Lathe's supervisor (resources/python/lathe/supervise.py), with real
 * processes: how a job ends (exit code, stop, MaxRuntime, interruption), what it leaves behind, and
 * how a later Lathe (a new backend with only the stored handle) learns how it ended.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobHandle, JobLaunch } from '../../../main/jobs/backend';
import { isSupervisor, ProcessBackend } from '../../../main/jobs/processBackend';
import { pythonResourcesDir } from '../../../main/system/resources';
import { tmpDir } from '../../helpers/tmp';

const PYTHON = '/usr/bin/python3';

interface Started {
  handle: JobHandle & { backend: 'process' };
  launch: JobLaunch;
  log: () => string;
}

const started: Started[] = [];
afterEach(() => {
  // Nothing a test started may outlive it, whatever it asserted.
  for (const { handle } of started.splice(0)) {
    const file = readSupervisorFile(handle.jobDir);
    if (file) tryKill(-file.childPid);
    if (isSupervisor(handle.pid, handle.jobDir)) tryKill(handle.pid);
  }
});

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

function readSupervisorFile(jobDir: string): { pid: number; childPid: number } | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(jobDir, 'supervisor.json'), 'utf8')) as { pid: number; childPid: number };
  } catch {
    return null;
  }
}

async function start(
  backend: ProcessBackend,
  source: string,
  options: Partial<Omit<JobLaunch, 'process'>> & { cwd?: string; file?: string; args?: string[] } = {},
): Promise<Started> {
  const root = tmpDir('lathe-process-');
  const jobDir = options.jobDir ?? path.join(root, 'job');
  fs.mkdirSync(jobDir, { recursive: true });
  const launch: JobLaunch = {
    jobName: 'test-job',
    jobDir,
    logFile: options.logFile ?? path.join(jobDir, 'log.txt'),
    env: options.env ?? {},
    stopGraceSeconds: options.stopGraceSeconds ?? 1,
    gpus: options.gpus ?? [],
    ...(options.maxRuntimeSeconds === undefined ? {} : { maxRuntimeSeconds: options.maxRuntimeSeconds }),
    process: {
      file: options.file ?? PYTHON,
      args: options.args ?? ['-u', '-c', source],
      cwd: options.cwd ?? root,
      python: PYTHON,
      pythonPath: pythonResourcesDir(),
    },
  };
  const handle = (await backend.launch(launch)) as JobHandle & { backend: 'process' };
  const job: Started = { handle, launch, log: () => (fs.existsSync(launch.logFile) ? fs.readFileSync(launch.logFile, 'utf8') : '') };
  started.push(job);
  return job;
}

/** Whether pid has ended: no such process, or a zombie waiting to be collected by its new parent. */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    return /^\d+ \(.*\) [ZX] /s.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** The pid a job printed as `<name>=<pid>` in its log. */
async function printedPid(job: Started, name: string): Promise<number> {
  await expect.poll(() => new RegExp(`${name}=\\d+`).test(job.log()), { timeout: 15_000 }).toBe(true);
  return Number(new RegExp(`${name}=(\\d+)`).exec(job.log())![1]);
}

const IGNORE_TERM = `
import signal, time
signal.signal(signal.SIGTERM, lambda *_: print("got SIGTERM, carrying on", flush=True))
print("ready", flush=True)
for _ in range(600):
    time.sleep(0.1)
`;

describe('ProcessBackend', () => {
  it('runs a job to its end and appends its stdout and stderr to the log', async () => {
    const backend = new ProcessBackend();
    const job = await start(backend, 'import sys\nprint("to stdout")\nprint("to stderr", file=sys.stderr)', { stopGraceSeconds: 5 });
    fs.appendFileSync(job.launch.logFile, ''); // the log is appended to, not replaced
    expect(job.handle).toEqual({ backend: 'process', pid: expect.any(Number) as number, jobDir: job.launch.jobDir });

    const exit = await backend.wait(job.handle);

    expect(exit).toMatchObject({ exitCode: 0, signal: null, reason: null });
    // The job's own start and end, for a job that ends while no Lathe is watching.
    expect(exit.endedAt! - exit.startedAt!).toBeGreaterThanOrEqual(0);
    expect(Math.abs(Date.now() - exit.endedAt!)).toBeLessThan(60_000);
    expect(job.log()).toBe('to stdout\nto stderr\n');
    const record = JSON.parse(fs.readFileSync(path.join(job.launch.jobDir, 'exit.json'), 'utf8')) as { endedAt: number; startedAt: number };
    expect(record.endedAt).toBeGreaterThanOrEqual(record.startedAt);
  });

  it('appends to an existing log rather than replacing it', async () => {
    const backend = new ProcessBackend();
    const jobDir = path.join(tmpDir(), 'job');
    fs.mkdirSync(jobDir);
    const logFile = path.join(jobDir, 'log.txt');
    fs.writeFileSync(logFile, 'attempt 1\n');
    const job = await start(backend, 'print("attempt 2")', { jobDir, logFile });
    await backend.wait(job.handle);
    expect(job.log()).toBe('attempt 1\nattempt 2\n');
  });

  it('reports a non-zero exit code', async () => {
    const backend = new ProcessBackend();
    const job = await start(backend, 'import sys\nprint("bad data")\nsys.exit(3)');
    expect(await backend.wait(job.handle)).toMatchObject({ exitCode: 3, signal: null, reason: null });
    expect(job.log()).toContain('bad data');
  });

  it('records exit code 127 when the command cannot be started', async () => {
    const backend = new ProcessBackend();
    const job = await start(backend, '', { file: '/nonexistent/train', args: [] });
    expect(await backend.wait(job.handle)).toMatchObject({ exitCode: 127, signal: null, reason: null });
    expect(job.log()).toContain('Lathe could not start /nonexistent/train');
  });

  it('rejects the launch when the supervisor Python does not exist', async () => {
    const backend = new ProcessBackend();
    const jobDir = tmpDir();
    const launch: JobLaunch = {
      jobName: 'x',
      jobDir,
      logFile: path.join(jobDir, 'log.txt'),
      env: {},
      stopGraceSeconds: 1,
      gpus: [],
      process: { file: PYTHON, args: [], cwd: jobDir, python: '/nonexistent/python3', pythonPath: pythonResourcesDir() },
    };
    await expect(backend.launch(launch)).rejects.toThrow('could not start /nonexistent/python3');
  });

  it('stops a job that ignores SIGTERM with SIGKILL after the grace period, reason Stopped', async () => {
    const backend = new ProcessBackend();
    const job = await start(backend, IGNORE_TERM, { stopGraceSeconds: 3 });
    await expect.poll(job.log, { timeout: 15_000 }).toContain('ready');

    await backend.stop(job.handle);
    const exit = await backend.wait(job.handle);

    expect(exit).toMatchObject({ exitCode: null, signal: 'SIGKILL', reason: 'Stopped' });
    // It was asked first (SIGTERM), and killed only when it did not go.
    expect(job.log()).toContain('got SIGTERM, carrying on');
  });

  it('lets a job that honours SIGTERM end by it, reason Stopped', async () => {
    const backend = new ProcessBackend();
    const job = await start(backend, 'import time\nprint("ready", flush=True)\ntime.sleep(60)', { stopGraceSeconds: 60 });
    await expect.poll(job.log, { timeout: 15_000 }).toContain('ready');
    await backend.stop(job.handle);
    expect(await backend.wait(job.handle)).toMatchObject({ exitCode: null, signal: 'SIGTERM', reason: 'Stopped' });
  });

  it('ends a job past its maximum runtime, reason MaxRuntimeExceeded', async () => {
    const backend = new ProcessBackend();
    const job = await start(backend, 'import time\ntime.sleep(60)', { maxRuntimeSeconds: 1, stopGraceSeconds: 1 });
    expect(await backend.wait(job.handle)).toMatchObject({ exitCode: null, signal: 'SIGTERM', reason: 'MaxRuntimeExceeded' });
  });

  it('interrupts at once, without the grace period, reason Interrupted', async () => {
    const backend = new ProcessBackend();
    // A grace period longer than the test's timeout: only an immediate SIGKILL ends it in time.
    const job = await start(backend, IGNORE_TERM, { stopGraceSeconds: 600 });
    await expect.poll(job.log, { timeout: 15_000 }).toContain('ready');

    await backend.interrupt(job.handle);

    expect(await backend.wait(job.handle)).toMatchObject({ exitCode: null, signal: 'SIGKILL', reason: 'Interrupted' });
    expect(job.log()).not.toContain('got SIGTERM');
  });

  it('keeps the first reason when a stopped job is then interrupted', async () => {
    const backend = new ProcessBackend();
    const job = await start(backend, IGNORE_TERM, { stopGraceSeconds: 600 });
    await expect.poll(job.log, { timeout: 15_000 }).toContain('ready');
    await backend.stop(job.handle);
    await expect.poll(job.log, { timeout: 15_000 }).toContain('got SIGTERM');
    await backend.interrupt(job.handle); // ignored: the job is already being stopped
    await backend.stop(job.handle);
    // Still running (grace 600 s): end it from outside the backend for the test's sake.
    process.kill(-readSupervisorFile(job.handle.jobDir)!.childPid, 'SIGKILL');
    expect(await backend.wait(job.handle)).toMatchObject({ exitCode: null, signal: 'SIGKILL', reason: 'Stopped' });
  });

  it('lets a new backend (a later Lathe) wait on a stored handle', async () => {
    const first = new ProcessBackend();
    const job = await start(first, 'import time\nprint("ready", flush=True)\ntime.sleep(5)\nraise SystemExit(4)');
    await first.dispose(); // Lathe quits; the job runs on
    await expect.poll(job.log, { timeout: 15_000 }).toContain('ready');
    expect(isSupervisor(job.handle.pid, job.handle.jobDir)).toBe(true);

    const stored = JSON.parse(JSON.stringify(job.handle)) as JobHandle;
    const later = new ProcessBackend();
    expect(await later.wait(stored)).toMatchObject({ exitCode: 4, signal: null, reason: null });
    // And once more, from exit.json alone, long after the supervisor has gone.
    expect(await new ProcessBackend().wait(stored)).toMatchObject({ exitCode: 4, signal: null, reason: null });
  });

  it('reports a job whose supervisor was killed as vanished, and kills the job left behind', async () => {
    const backend = new ProcessBackend();
    const job = await start(backend, 'import os, time\nprint(f"job={os.getpid()}", flush=True)\ntime.sleep(60)');
    const jobPid = await printedPid(job, 'job');
    expect(gone(jobPid)).toBe(false);

    process.kill(job.handle.pid, 'SIGKILL');
    const exit = await backend.wait(job.handle);

    expect(exit).toMatchObject({ exitCode: null, signal: null, reason: null, vanished: true });
    await expect.poll(() => gone(jobPid), { timeout: 10_000 }).toBe(true);
  });

  it('reports a job as vanished when its supervisor and its process group were both killed', async () => {
    const backend = new ProcessBackend();
    const job = await start(backend, 'import time\ntime.sleep(60)');
    const { childPid } = readSupervisorFile(job.handle.jobDir)!;
    process.kill(-childPid, 'SIGKILL');
    process.kill(job.handle.pid, 'SIGKILL');
    expect(await new ProcessBackend().wait(job.handle)).toMatchObject({ exitCode: null, signal: null, reason: null, vanished: true });
  });

  it('tells its own supervisor from an unrelated process', async () => {
    const backend = new ProcessBackend();
    const job = await start(backend, 'import time\ntime.sleep(60)');
    expect(isSupervisor(job.handle.pid, job.handle.jobDir)).toBe(true);
    expect(isSupervisor(job.handle.pid, path.join(job.handle.jobDir, 'other'))).toBe(false);
    expect(isSupervisor(process.pid, job.handle.jobDir)).toBe(false);
    expect(isSupervisor(2 ** 22 + 1, job.handle.jobDir)).toBe(false); // above pid_max

    // Signals for a handle whose pid is not the supervisor are not sent to that pid.
    const impostor: JobHandle = { backend: 'process', pid: process.pid, jobDir: job.handle.jobDir };
    await backend.stop(impostor);
    await backend.interrupt(impostor);
    expect(isSupervisor(job.handle.pid, job.handle.jobDir)).toBe(true);
    await backend.interrupt(job.handle);
    expect((await backend.wait(job.handle)).reason).toBe('Interrupted');
  });

  it('kills the processes a job started when the job is stopped', async () => {
    const backend = new ProcessBackend();
    const source = `
import signal, subprocess, sys, time
worker = subprocess.Popen([sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"])
print(f"worker={worker.pid}", flush=True)
time.sleep(60)
`;
    const job = await start(backend, source, { stopGraceSeconds: 60 });
    const worker = await printedPid(job, 'worker');
    expect(gone(worker)).toBe(false);

    await backend.stop(job.handle);
    // The job itself dies of SIGTERM; its worker ignores it and must not be left running.
    expect(await backend.wait(job.handle)).toMatchObject({ exitCode: null, signal: 'SIGTERM', reason: 'Stopped' });
    await expect.poll(() => gone(worker), { timeout: 10_000 }).toBe(true);
  });

  it('kills what a job left running in the background when it exits on its own', async () => {
    const backend = new ProcessBackend();
    const source = `
import subprocess, sys
worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print(f"worker={worker.pid}", flush=True)
`;
    const job = await start(backend, source);
    const worker = await printedPid(job, 'worker');
    expect(await backend.wait(job.handle)).toMatchObject({ exitCode: 0, signal: null, reason: null });
    await expect.poll(() => gone(worker), { timeout: 10_000 }).toBe(true);
  });

  it("passes the launch's environment and working folder to the job", async () => {
    const backend = new ProcessBackend();
    const cwd = fs.realpathSync(tmpDir('lathe-cwd-'));
    const source = 'import json, os\nprint(json.dumps({"cwd": os.getcwd(), "foo": os.environ.get("FOO"), "home": os.environ.get("LATHE_TEST_HOME")}))';
    const job = await start(backend, source, { cwd, env: { FOO: 'bar baz', LATHE_TEST_HOME: '/somewhere' } });
    await backend.wait(job.handle);
    expect(JSON.parse(job.log())).toEqual({ cwd, foo: 'bar baz', home: '/somewhere' });
  });

  it.each([
    ['no GPUs', [], {}, ''],
    ['GPUs 0 and 1', ['0', '1'], {}, '0,1'],
    ['GPU 1 although the environment names another', ['1'], { CUDA_VISIBLE_DEVICES: '3' }, '1'],
    ['no GPUs, keeping what the environment sets', [], { CUDA_VISIBLE_DEVICES: 'MIG-abc' }, 'MIG-abc'],
  ])('sets CUDA_VISIBLE_DEVICES for %s', async (_what, gpus, env, expected) => {
    const backend = new ProcessBackend();
    const job = await start(backend, 'import json, os\nprint(json.dumps(os.environ.get("CUDA_VISIBLE_DEVICES")))', { gpus, env });
    await backend.wait(job.handle);
    expect(JSON.parse(job.log())).toBe(expected);
  });

  it('returns once the job runs, recording the supervisor and job pids', async () => {
    const backend = new ProcessBackend();
    const job = await start(backend, 'import time\ntime.sleep(60)');
    const file = readSupervisorFile(job.handle.jobDir);
    expect(file?.pid).toBe(job.handle.pid);
    expect(gone(file!.childPid)).toBe(false);
    expect(fs.existsSync(path.join(job.handle.jobDir, 'exit.json'))).toBe(false);
  });

  it('clears the files of an earlier attempt before launching again', async () => {
    const backend = new ProcessBackend();
    const first = await start(backend, 'raise SystemExit(1)');
    expect((await backend.wait(first.handle)).exitCode).toBe(1);
    const again = await start(backend, 'import time\nprint("ready", flush=True)\ntime.sleep(60)', { jobDir: first.launch.jobDir });
    // A stale exit.json would have ended this wait at once with exit code 1.
    const abort = new AbortController();
    const waiting = backend.wait(again.handle, abort.signal);
    await expect.poll(again.log, { timeout: 15_000 }).toContain('ready');
    abort.abort(new Error('gave up waiting'));
    await expect(waiting).rejects.toThrow('gave up waiting');
  });
});
