// Experiment tracking figures for `npm run bench`: metric points per second through the lathe SDK
// over the loopback server, through MLflow's log-batch route, and straight into the store.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLathe } from '../main/app';
import { pythonResourcesDir } from '../main/system/resources';

const POINTS = 100_000;

export async function trackingFigures(): Promise<string[]> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-exp-'));
  const lathe = await createLathe({ home, serve: true, staticDir: null, background: false, runJobs: false });
  try {
    // SDK: 100,000 points over 10 keys, from the first call to everything acknowledged (flush).
    const script = `import time, lathe.tracking as lt
with lt.start_run(run_name="bench", experiment_name="bench") as run:
    t = time.perf_counter()
    for step in range(${POINTS / 10}):
        for k in range(10):
            lt.log_metric("m%d" % k, step * 0.001 + k, step=step)
    lt.flush(timeout=120)
    print(time.perf_counter() - t)`;
    // Asynchronously: the server answering the script runs in this very process.
    const { stdout } = await promisify(execFile)('/usr/bin/python3', ['-c', script], {
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: pythonResourcesDir(), LATHE_URL: lathe.url!, LATHE_TOKEN: lathe.token, LATHE_SPOOL_DIR: path.join(home, 'spool') },
    });
    const sdkSeconds = Number(stdout.trim());

    // MLflow log-batch: 100 requests of 1,000 points.
    const experiment = lathe.experiments.ensureExperiment('bench-mlflow');
    const run = lathe.experiments.createRun({ experimentId: experiment.experimentId, runName: 'mlflow', source: { kind: 'mlflow' } });
    let started = performance.now();
    for (let batch = 0; batch < POINTS / 1000; batch++) {
      const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: `m${i % 10}`, value: i, timestamp: Date.now(), step: batch * 100 + Math.floor(i / 10) }));
      const response = await fetch(`${lathe.url}/api/2.0/mlflow/runs/log-batch`, {
        method: 'POST',
        headers: { authorization: `Bearer ${lathe.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ run_id: run.runId, metrics }),
      });
      if (response.status !== 200) throw new Error(`log-batch answered ${response.status}: ${await response.text()}`);
    }
    const mlflowSeconds = (performance.now() - started) / 1000;

    // Straight into the store: the same points in batches of 10,000.
    const direct = lathe.experiments.createRun({ experimentId: experiment.experimentId, runName: 'direct', source: { kind: 'sdk' } });
    started = performance.now();
    for (let batch = 0; batch < POINTS / 10_000; batch++) {
      lathe.experiments.logMetrics(direct.runId, Array.from({ length: 10_000 }, (_, i) => ({ key: `m${i % 10}`, value: i, timestamp: 0, step: batch * 1000 + Math.floor(i / 10) })));
    }
    const storeSeconds = (performance.now() - started) / 1000;

    // The downsampled query of a 1,000,000-point series, through the store.
    const long = lathe.experiments.createRun({ experimentId: experiment.experimentId, runName: 'long', source: { kind: 'sdk' } });
    for (let i = 0; i < 1_000_000; i += 100_000) {
      lathe.experiments.logMetrics(long.runId, Array.from({ length: 100_000 }, (_, j) => ({ key: 'loss', value: 1 / (1 + (i + j) / 1000), timestamp: 0, step: i + j })));
    }
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      lathe.experiments.metricHistory(long.runId, 'loss', 800);
      samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    const rate = (seconds: number) => `${Math.round(POINTS / seconds).toLocaleString('en')} points/s`;
    return [
      `metric points through the lathe SDK over the loopback server: ${rate(sdkSeconds)} (${POINTS.toLocaleString('en')} points, 10 keys)`,
      `metric points through MLflow log-batch (1,000 per request):     ${rate(mlflowSeconds)}`,
      `metric points straight into the store (10,000 per call):        ${rate(storeSeconds)}`,
      `runs.metricHistory of a 1,000,000-point series at width 800:    median ${samples[2]!.toFixed(0)} ms (read + downsample)`,
    ];
  } finally {
    await lathe.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  }
}
