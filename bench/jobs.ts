// Job runner figures for `npm run bench`: submit-to-first-line latency and per-job overhead.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLathe, type Lathe } from '../main/app';

const PYTHON = '/usr/bin/python3';

async function warmLathe(): Promise<{ lathe: Lathe; home: string }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-jobs-'));
  const lathe = await createLathe({ home, background: false, stopJobsOnDispose: true, stopGraceSeconds: 1, env: { ...process.env, LATHE_PYTHON: PYTHON } });
  await lathe.router.invoke('system.info', { refresh: true }); // the interpreter is chosen before the clock starts
  return { lathe, home };
}

function scriptJob(home: string, name: string, source: string, image = 'lathe:process') {
  const dir = path.join(home, 'src', name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'train.py'), source);
  return {
    TrainingJobName: name,
    AlgorithmSpecification: { TrainingImage: image },
    RoleArn: 'arn:aws:iam::000000000000:role/lathe',
    HyperParameters: { sagemaker_program: '"train.py"', sagemaker_submit_directory: JSON.stringify(`file://${dir}`) },
    OutputDataConfig: { S3OutputPath: 's3://bench/output' },
  };
}

function ended(lathe: Lathe, names: string[]): Promise<void> {
  const open = new Set(names);
  return new Promise((resolve) => {
    const check = () => {
      for (const name of [...open]) {
        const status = lathe.training.describe(name).TrainingJobStatus;
        if (status !== 'InProgress' && status !== 'Stopping') open.delete(name);
      }
      if (open.size === 0) {
        subscription.dispose();
        resolve();
      }
    };
    const subscription = lathe.bus.onEvent((event) => (event === 'jobs.changed' ? check() : undefined));
    check();
  });
}

/** training.create → the first line the user's code prints, as a jobs.log event. */
export async function submitToFirstLine(runs: number, image?: string): Promise<number[]> {
  const { lathe, home } = await warmLathe();
  const samples: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const name = `first-line-${i}`;
      const first = new Promise<number>((resolve) => {
        const subscription = lathe.bus.onEvent((event, payload) => {
          const line = payload as { job?: string; line?: string };
          if (event === 'jobs.log' && line.job === name && line.line === 'hello from user code') {
            subscription.dispose();
            resolve(performance.now());
          }
        });
      });
      const started = performance.now();
      await lathe.router.invoke('training.create', scriptJob(home, name, 'print("hello from user code", flush=True)\n', image));
      samples.push((await first) - started);
      await ended(lathe, [name]);
      const job = lathe.training.describe(name);
      if (job.TrainingJobStatus !== 'Completed') throw new Error(`${name} ended ${job.TrainingJobStatus}: ${job.FailureReason ?? ''}`);
    }
  } finally {
    await lathe.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  }
  return samples;
}

/** n jobs that do nothing, at `concurrency` slots: wall time, and overhead per job beyond Python's own start. */
export async function tinyJobs(n: number, concurrency: number): Promise<{ wallMs: number; perJobMs: number; pythonStartMs: number }> {
  const { lathe, home } = await warmLathe();
  try {
    await lathe.router.invoke('settings.update', { patch: { concurrency: { cpuSlots: concurrency } } });
    const names = Array.from({ length: n }, (_, i) => `tiny-${i}`);
    const requests = names.map((name) => scriptJob(home, name, 'pass\n'));
    const started = performance.now();
    for (const request of requests) await lathe.router.invoke('training.create', request);
    await ended(lathe, names);
    const wallMs = performance.now() - started;
    const failed = names.filter((name) => lathe.training.describe(name).TrainingJobStatus !== 'Completed');
    if (failed.length > 0) throw new Error(`${failed.length} tiny jobs did not complete, e.g. ${failed[0]}: ${lathe.training.describe(failed[0]!).FailureReason ?? ''}`);
    // What `python3 train.py` alone costs here, to separate Lathe's share from the interpreter's.
    const { execFileSync } = await import('node:child_process');
    const t = performance.now();
    for (let i = 0; i < 10; i++) execFileSync(PYTHON, ['-c', 'pass']);
    const pythonStartMs = (performance.now() - t) / 10;
    return { wallMs, perJobMs: (wallMs * concurrency) / n, pythonStartMs };
  } finally {
    await lathe.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  }
}
