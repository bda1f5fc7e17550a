// Real-time endpoint figures for `npm run bench`: the seed fraud model served three ways, side by
// side in one run, with the same workers and threads:
//   (a) a Lathe endpoint, called the way a client calls SageMaker: SigV4-signed
//       POST {lathe.url}/endpoints/{name}/invocations;
//   (b) the same xgboost-model served by Flask under gunicorn (bench/endpointsFlask.py: SageMaker's
//       framework containers' stack minus nginx), POST /invocations;
//   (c) xgboost's in-process Booster.predict on one row, the floor.
// The client runs in a worker thread (its own event loop, keep-alive sockets), so it neither shares
// Lathe's event loop nor favours one stack.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createLathe, type Lathe } from '../main/app';
import { signSigV4 } from '../main/compat/sigv4';
import { pythonResourcesDir } from '../main/system/resources';
import { freePort } from '../main/util/net';
import { buildServeImage, SERVE_IMAGE } from '../test/helpers/serveImage';

const PYTHON = '/usr/bin/python3';
const PAYLOAD = '200.0,14,0.85,5';
const ENDPOINT = 'bench-fraud';
const BUCKET = 'bench-endpoints';
const CONCURRENCIES = [1, 16] as const;
const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
/** One compute thread per worker process, for every stack (Lathe's workers default to the same). */
const ONE_THREAD = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

interface Phase {
  /** Client latency of each measured request, send to last byte, ms. */
  ms: number[];
  /** x-amzn-requestid of each measured request (Lathe only). */
  ids: string[];
  wallMs: number;
  failed: number;
  firstError: string;
  /** The first answer's body. */
  answer: string;
}

/** The load generator, plain JS for an eval'd worker thread: `warmup` requests, then `requests` measured, `concurrency` at a time. */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, route, headers, body, concurrency, warmup, requests } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const length = String(Buffer.byteLength(body));
function once() {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: route, agent, headers: { ...headers, 'content-length': length } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode, id: String(res.headers['x-amzn-requestid'] || ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error) => resolve({ ms: NaN, status: 0, id: '', text: error.message }));
    });
    req.on('error', (error) => resolve({ ms: NaN, status: 0, id: '', text: error.message }));
    req.end(body);
  });
}
async function phase(total, keep) {
  let next = 0;
  const out = { ms: [], ids: [], wallMs: 0, failed: 0, firstError: '', answer: '' };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next++;
      const r = await once();
      if (r.status !== 200) {
        out.failed++;
        if (!out.firstError) out.firstError = r.status + ' ' + r.text.slice(0, 300);
        continue;
      }
      if (!out.answer) out.answer = r.text;
      if (keep) { out.ms.push(r.ms); out.ids.push(r.id); }
    }
  }));
  out.wallMs = performance.now() - started;
  return out;
}
(async () => {
  await phase(warmup, false);
  const result = await phase(requests, true);
  agent.destroy();
  parentPort.postMessage(result);
})().catch((error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
`;

function load(options: { port: number; route: string; headers: Record<string, string>; concurrency: number; warmup: number; requests: number }): Promise<Phase> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT, { eval: true, workerData: { ...options, body: PAYLOAD } });
    worker.once('message', (message: Phase | { error: string }) => {
      void worker.terminate();
      if ('error' in message) reject(new Error(`the load client failed: ${message.error}`));
      else resolve(message);
    });
    worker.once('error', reject);
  });
}

/** Nearest-rank percentile. */
function pct(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const rps = (phase: Phase) => phase.ms.length / (phase.wallMs / 1000);
const ratio = (a: number, b: number) => `×${(a / b).toFixed(2)}`;

async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, what: string, limitMs = 180_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function python(args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(PYTHON, args, { env: { ...process.env, ...ONE_THREAD, PYTHONPATH: pythonResourcesDir(), ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message.split('\n')[0]} ${stderr.trim().split('\n').slice(-1)[0] ?? ''}`)) : resolve(stdout),
    ),
  );
}

/** The seed's fraud data as train/ and test/ under s3://bench-endpoints, as bench/registry.ts writes it. */
function writeData(home: string): void {
  const script = `import sys, os, shutil
from lathe.datasets import write_seed_fraud_csv
home, bucket = sys.argv[1], sys.argv[2]
paths = write_seed_fraud_csv(os.path.join(home, "tmp"))
for name in ("train", "test"):
    os.makedirs(os.path.join(home, "s3", bucket, name))
    shutil.copy(paths[name], os.path.join(home, "s3", bucket, name))`;
  execFileSync(PYTHON, ['-c', script, home, BUCKET], { env: { ...process.env, PYTHONPATH: pythonResourcesDir() } });
}

async function trainSeedModel(lathe: Lathe): Promise<string> {
  await lathe.router.invoke('training.create', {
    TrainingJobName: 'bench-fraud',
    AlgorithmSpecification: { AlgorithmName: 'xgboost', TrainingInputMode: 'File' },
    RoleArn: 'arn:aws:iam::000000000000:role/lathe',
    HyperParameters: { num_round: '100', max_depth: '5', eta: '0.2', objective: 'binary:logistic', eval_metric: 'auc', subsample: '0.8' },
    InputDataConfig: ['train', 'test'].map((channel) => ({ ChannelName: channel === 'test' ? 'validation' : 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${BUCKET}/${channel}` } } })),
    OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/output` },
    ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 5 },
  });
  const job = await until(() => lathe.training.describe('bench-fraud'), (j) => j.TrainingJobStatus !== 'InProgress', 'the seed fraud training job');
  if (job.TrainingJobStatus !== 'Completed') throw new Error(`the seed fraud training job ${job.TrainingJobStatus}: ${job.FailureReason ?? ''}`);
  const tarball = path.join(lathe.home, 's3', BUCKET, 'output', 'bench-fraud', 'output', 'model.tar.gz');
  if (!fs.existsSync(tarball)) throw new Error(`the training job left no ${tarball}`);
  return `s3://${BUCKET}/output/bench-fraud/output/model.tar.gz`;
}

async function deployLathe(lathe: Lathe, modelDataUrl: string, workers: number): Promise<void> {
  await lathe.router.invoke('endpoints.createModel', { ModelName: `${ENDPOINT}-model`, PrimaryContainer: { Image: 'xgboost', ModelDataUrl: modelDataUrl } });
  await lathe.router.invoke('endpoints.createConfig', { EndpointConfigName: `${ENDPOINT}-config`, ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: `${ENDPOINT}-model`, InitialInstanceCount: workers }] });
  lathe.endpoints.createEndpoint({ EndpointName: ENDPOINT, EndpointConfigName: `${ENDPOINT}-config` });
  const endpoint = await until(() => lathe.endpoints.describeEndpoint(ENDPOINT), (e) => e.EndpointStatus !== 'Creating', `endpoint ${ENDPOINT}`);
  if (endpoint.EndpointStatus !== 'InService') throw new Error(`endpoint ${ENDPOINT} is ${endpoint.EndpointStatus}: ${endpoint.FailureReason ?? ''}`);
}

/** xgboost in-process: Booster.predict on one row (its DMatrix included) in a Python loop, one thread. */
async function floor(modelDir: string, requests: number, warmup: number): Promise<{ ms: number[]; perSecond: number; prediction: number }> {
  const script = `import json, os, sys, time
import numpy as np, xgboost as xgb
booster = xgb.Booster()
booster.load_model(os.path.join(sys.argv[1], "xgboost-model"))
row = np.array([[float(v) for v in sys.argv[4].split(",")]], dtype=np.float64)
for _ in range(int(sys.argv[3])):
    booster.predict(xgb.DMatrix(row, missing=np.nan))
times = []
started = time.perf_counter()
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    p = booster.predict(xgb.DMatrix(row, missing=np.nan))
    times.append((time.perf_counter() - t) * 1000)
wall = time.perf_counter() - started
print(json.dumps({"ms": times, "perSecond": len(times) / wall, "prediction": float(p[0])}))`;
  return JSON.parse(await python(['-c', script, modelDir, String(requests), String(warmup), PAYLOAD])) as { ms: number[]; perSecond: number; prediction: number };
}

interface Gunicorn {
  port: number;
  versions: string;
  stop(): Promise<void>;
}

/** gunicorn + Flask serving bench/endpointsFlask.py with `workers` sync workers; throws why when it cannot. */
async function startGunicorn(modelDir: string, workers: number): Promise<Gunicorn> {
  const versions = await new Promise<string>((resolve, reject) =>
    execFile(PYTHON, ['-c', 'import importlib.metadata as m, flask, gunicorn; print("gunicorn %s + Flask %s" % (m.version("gunicorn"), m.version("flask")))'], (error, stdout, stderr) =>
      error
        ? reject(new Error(`${PYTHON} cannot import Flask and gunicorn (${stderr.trim().split('\n').slice(-1)[0] || error.message}); on Debian: apt-get install python3-flask gunicorn, or scripts/setup.sh test`))
        : resolve(stdout.trim()),
    ),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(PYTHON, ['-m', 'gunicorn', '-w', String(workers), '-b', `127.0.0.1:${port}`, '--chdir', BENCH_DIR, 'endpointsFlask:app'], {
    env: { ...process.env, ...ONE_THREAD, MODEL_DIR: modelDir },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  const tail: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => tail.push(...chunk.toString('utf8').split('\n').filter((l) => l.trim())));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exit.then(() => (exited = true));
  child.once('error', (error) => tail.push(error.message));
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, 10_000);
    await exit;
    clearTimeout(timer);
  };
  const ping = () =>
    fetch(`http://127.0.0.1:${port}/ping`)
      .then((res) => res.status)
      .catch(() => 0);
  try {
    await until(async () => (exited ? -1 : await ping()), (status) => status === 200 || status === -1, 'gunicorn to answer /ping', 60_000);
    if (exited) throw new Error(`gunicorn exited: ${tail.slice(-3).join(' | ')}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, versions, stop };
}

/** The Lathe runtime wire, SigV4-signed as boto3 signs it (the same signature serves the whole phase: SigV4 allows 15 minutes). */
function signedHeaders(lathe: Lathe, route: string): Record<string, string> {
  const host = new URL(lathe.url!).host;
  const headers = { host, 'content-type': 'text/csv', accept: 'text/csv' };
  return signSigV4({ method: 'POST', url: route, headers, body: Buffer.from(PAYLOAD) }, { secret: lathe.token, now: new Date(), region: 'us-east-1', service: 'sagemaker' }) as Record<string, string>;
}

/**
 * The same model served by a Docker image (test/fixtures/serve-image, its own Python HTTP server):
 * CreateEndpoint to InService with `workers` containers, then the load through Lathe's runtime wire.
 */
async function containerFigures(lathe: Lathe, modelDataUrl: string, workers: number, requests: number, warmup: number, expected: number): Promise<string[]> {
  try {
    await buildServeImage();
  } catch (error) {
    return [`  Docker image endpoint: not measured: ${(error as Error).message.split('\n')[0]}`];
  }
  const name = 'bench-container';
  await lathe.router.invoke('endpoints.createModel', { ModelName: `${name}-model`, PrimaryContainer: { Image: SERVE_IMAGE, ModelDataUrl: modelDataUrl } });
  await lathe.router.invoke('endpoints.createConfig', { EndpointConfigName: `${name}-config`, ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: `${name}-model`, InitialInstanceCount: workers }] });
  const started = performance.now();
  lathe.endpoints.createEndpoint({ EndpointName: name, EndpointConfigName: `${name}-config` });
  const endpoint = await until(() => lathe.endpoints.describeEndpoint(name), (e) => e.EndpointStatus !== 'Creating', `endpoint ${name}`);
  const readyMs = performance.now() - started;
  if (endpoint.EndpointStatus !== 'InService') return [`  Docker image endpoint: Failed: ${endpoint.FailureReason ?? ''}`];
  const lines = [`  Docker image endpoint (${SERVE_IMAGE}, ${workers} containers, host network): CreateEndpoint → InService ${ms(readyMs)} ms`];
  const route = `/endpoints/${name}/invocations`;
  for (const concurrency of CONCURRENCIES) {
    const phase = await load({ port: Number(new URL(lathe.url!).port), route, headers: signedHeaders(lathe, route), concurrency, warmup, requests });
    checkAnswer('the Docker image endpoint', phase, expected);
    lines.push(`  Docker image endpoint via Lathe  c=${String(concurrency).padEnd(2)}: ${rps(phase).toFixed(0).padStart(5)} req/s  total p50 ${ms(pct(phase.ms, 50))} ms p99 ${ms(pct(phase.ms, 99))} ms`);
  }
  lathe.endpoints.deleteEndpoint(name);
  return lines;
}

const firstNumber = (body: string) => Number(body.trim().split(/[\n,]/)[0]);

function checkAnswer(stack: string, phase: Phase, expected: number): void {
  if (phase.failed > 0) throw new Error(`${stack}: ${phase.failed} requests failed, first: ${phase.firstError}`);
  if (firstNumber(phase.answer) !== expected) throw new Error(`${stack} answered ${JSON.stringify(phase.answer)}, xgboost itself ${expected}`);
}

export async function endpointFigures(requests = Number(process.env.BENCH_ENDPOINT_REQUESTS ?? 2000), warmup = 200): Promise<string[]> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-endpoints-'));
  const modelDir = path.join(home, 'flask-model');
  const workers = os.cpus().length;
  let lathe: Lathe | null = null;
  let gunicorn: Gunicorn | null = null;
  try {
    writeData(home);
    lathe = await createLathe({ home, serve: true, staticDir: null, background: false, stopJobsOnDispose: true, stopGraceSeconds: 1, env: { ...process.env, LATHE_PYTHON: PYTHON } });
    const modelDataUrl = await trainSeedModel(lathe);
    fs.mkdirSync(modelDir);
    execFileSync('tar', ['-xzf', path.join(home, 's3', BUCKET, 'output', 'bench-fraud', 'output', 'model.tar.gz'), '-C', modelDir]);
    await deployLathe(lathe, modelDataUrl, workers);

    const base = await floor(modelDir, requests, warmup);
    const floorP50 = pct(base.ms, 50);

    // The worker round trip of each request (Lathe → worker → last byte), by the request id the wire answers with.
    const service = lathe.endpoints;
    const original = service.invoke;
    const workerMs = new Map<string, number>();
    service.invoke = async (request) => {
      const result = await original.call(service, request);
      workerMs.set(request.requestId, result.modelMs);
      return result;
    };
    const route = `/endpoints/${ENDPOINT}/invocations`;
    const latheUrl = new URL(lathe.url!);
    const latheRuns = new Map<number, Phase>();
    try {
      for (const concurrency of CONCURRENCIES) {
        const phase = await load({ port: Number(latheUrl.port), route, headers: signedHeaders(lathe, route), concurrency, warmup, requests });
        checkAnswer('the Lathe endpoint', phase, base.prediction);
        latheRuns.set(concurrency, phase);
      }
    } finally {
      service.invoke = original;
    }

    // Lathe's own OverheadLatencyMs, as the test console shows it (in-process, no HTTP).
    const consoleOverhead: number[] = [];
    for (let i = 0; i < Math.min(requests, 500); i++) {
      const answer = await lathe.endpoints.invokeConsole({ EndpointName: ENDPOINT, Body: PAYLOAD, BodyEncoding: 'utf8', ContentType: 'text/csv', Accept: 'text/csv' });
      if (i >= 50) consoleOverhead.push(answer.OverheadLatencyMs);
    }

    const containerLines = await containerFigures(lathe, modelDataUrl, workers, requests, warmup, base.prediction);

    const gunicornRuns = new Map<number, Phase>();
    let gunicornWhy = '';
    try {
      gunicorn = await startGunicorn(modelDir, workers);
      for (const concurrency of CONCURRENCIES) {
        const phase = await load({ port: gunicorn.port, route: '/invocations', headers: { host: `127.0.0.1:${gunicorn.port}`, 'content-type': 'text/csv', accept: 'text/csv' }, concurrency, warmup, requests });
        checkAnswer('gunicorn', phase, base.prediction);
        gunicornRuns.set(concurrency, phase);
      }
    } catch (error) {
      gunicornWhy = `not measured: ${(error as Error).message.split('\n')[0]}`;
    }

    const stackName = { lathe: 'Lathe endpoint (SigV4 POST /endpoints/…/invocations)', gunicorn: `${gunicorn?.versions ?? 'gunicorn + Flask'} (sync workers, no nginx)` };
    const width = Math.max(stackName.lathe.length, stackName.gunicorn.length);
    const lines = [
      `endpoints: seed fraud xgboost model, payload "${PAYLOAD}", ${workers} worker processes per stack, OMP_NUM_THREADS=1, ${requests.toLocaleString('en')} requests after ${warmup} warm-up per row, keep-alive client in a worker thread; latencies are client-side send → last byte`,
    ];
    for (const concurrency of CONCURRENCIES) {
      const phase = latheRuns.get(concurrency)!;
      const overhead = phase.ms.map((total, i) => total - (workerMs.get(phase.ids[i]!) ?? NaN)).filter((v) => !Number.isNaN(v));
      lines.push(
        `  ${stackName.lathe.padEnd(width)}  c=${String(concurrency).padEnd(2)}: ${rps(phase).toFixed(0).padStart(5)} req/s  total p50 ${ms(pct(phase.ms, 50))} ms p99 ${ms(pct(phase.ms, 99))} ms  OverheadLatency (total − Lathe→worker round trip) p50 ${ms(pct(overhead, 50))} ms p99 ${ms(pct(overhead, 99))} ms (n=${overhead.length})  total − floor p50: p50 ${ms(pct(phase.ms, 50) - floorP50)} ms p99 ${ms(pct(phase.ms, 99) - floorP50)} ms`,
      );
    }
    for (const concurrency of CONCURRENCIES) {
      const phase = gunicornRuns.get(concurrency);
      lines.push(
        phase
          ? `  ${stackName.gunicorn.padEnd(width)}  c=${String(concurrency).padEnd(2)}: ${rps(phase).toFixed(0).padStart(5)} req/s  total p50 ${ms(pct(phase.ms, 50))} ms p99 ${ms(pct(phase.ms, 99))} ms  (the whole stack is the model server: no separate model time)  total − floor p50: p50 ${ms(pct(phase.ms, 50) - floorP50)} ms p99 ${ms(pct(phase.ms, 99) - floorP50)} ms`
          : `  ${stackName.gunicorn.padEnd(width)}  c=${String(concurrency).padEnd(2)}: ${gunicornWhy}`,
      );
    }
    lines.push(
      `  xgboost in-process floor: Booster.predict on one row (DMatrix included), Python loop, 1 thread: p50 ${ms(floorP50)} ms p99 ${ms(pct(base.ms, 99))} ms, ${base.perSecond.toFixed(0)} calls/s per process (×${workers} processes: ${(base.perSecond * workers).toFixed(0)} calls/s)`,
      `  Lathe endpoints.invoke (test console, in-process, no HTTP) OverheadLatencyMs: p50 ${ms(pct(consoleOverhead, 50))} ms p99 ${ms(pct(consoleOverhead, 99))} ms (n=${consoleOverhead.length})`,
    );
    lines.push(...containerLines);
    for (const concurrency of CONCURRENCIES) {
      const ours = latheRuns.get(concurrency)!;
      const theirs = gunicornRuns.get(concurrency);
      const ceiling = concurrency === 1 ? base.perSecond : base.perSecond * workers;
      lines.push(
        `  ratios c=${String(concurrency).padEnd(2)}: ` +
          (theirs
            ? `Lathe / gunicorn req/s ${ratio(rps(ours), rps(theirs))}, total p50 ${ratio(pct(ours.ms, 50), pct(theirs.ms, 50))}, p99 ${ratio(pct(ours.ms, 99), pct(theirs.ms, 99))};  `
            : `Lathe / gunicorn not measured;  `) +
          `vs floor (${concurrency === 1 ? '1 process' : `${workers} processes`}): req/s Lathe ${ratio(rps(ours), ceiling)}${theirs ? `, gunicorn ${ratio(rps(theirs), ceiling)}` : ''}; total p50 Lathe ${ratio(pct(ours.ms, 50), floorP50)}${theirs ? `, gunicorn ${ratio(pct(theirs.ms, 50), floorP50)}` : ''}`,
      );
    }
    return lines;
  } finally {
    await gunicorn?.stop();
    await lathe?.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  }
}
