/**
 * The workers of one endpoint variant: `python -m lathe.serve` processes (on a port of 127.0.0.1
 * each picks and reports, answering only requests that carry its token) or containers of the
 * model's image (workers.ts, containerWorker.ts). A worker is ready once it listens and answers /ping. A worker that dies while the
 * variant runs is replaced; the request it was answering gets a ModelError saying so.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { SageMakerError } from '../compat/errors';
import type { Logger } from '../log/logger';
import { ContainerWorker, type ContainerLaunch } from './containerWorker';
import { ProcessWorker, type ProcessLaunch } from './workers';

/** How a variant's workers start: the built-in server as processes, or a Docker image. */
export type WorkerLaunch = ProcessLaunch | ContainerLaunch;

export interface WorkerAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Time from sending the request to the worker to its last byte. */
  modelMs: number;
}

export interface ForwardRequest {
  body: Buffer;
  headers: Record<string, string>;
}

/** Replacements a variant may make in a minute before it stops replacing dead workers. */
const RESTART_BUDGET = 5;

type Worker = ProcessWorker | ContainerWorker;

export class VariantPool {
  private readonly workers: Worker[] = [];
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private active = false;
  private restarts: number[] = [];
  private nextIndex = 0;
  /** When each invocation arrived (ms), the last few minutes of them: the autoscaler's metric. */
  private arrivals: number[] = [];

  constructor(
    readonly name: string,
    private readonly launch: WorkerLaunch,
    private desired: number,
    private readonly logger: Logger,
  ) {}

  private waking: Promise<void> | null = null;
  /** When the last cold start ended (Date.now()): the autoscaler counts it as a scale-out. */
  lastWokenMs: number | null = null;

  /** Whether a request at zero workers is waiting for the worker it woke. */
  get isWaking(): boolean {
    return this.waking !== null;
  }
  /** Told how long each cold start took (from a request at zero workers to one ready), in ms. */
  onColdStart: ((ms: number) => void) | null = null;

  /** One worker for a variant at zero; concurrent requests share the same start. */
  private wake(): Promise<void> {
    this.waking ??= (async () => {
      const started = performance.now();
      try {
        await this.resize(1);
        if (this.readyCount > 0) this.onColdStart?.(performance.now() - started);
      } finally {
        this.lastWokenMs = Date.now();
        this.waking = null;
      }
    })();
    return this.waking;
  }

  /** Invocations that arrived in the last `seconds`, scaled to a per-minute rate. */
  invocationsPerMinute(seconds: number, now = Date.now()): number {
    this.arrivals = this.arrivals.filter((t) => now - t < 300_000);
    return (this.arrivals.filter((t) => now - t < seconds * 1000).length * 60) / seconds;
  }

  /**
   * Runs `count` workers: starts the missing ones, or drains and stops the idlest extra ones.
   * Resolves once the change is done; a worker that fails to start is logged, not thrown.
   */
  async resize(count: number, drainMs = 30_000): Promise<void> {
    this.desired = count;
    // Workers already on their way out do not count: they finish what they hold and stop.
    const staying = this.workers.filter((w) => !w.retiring);
    const extra = staying.length - count;
    if (extra < 0) {
      await Promise.all(Array.from({ length: -extra }, () => this.spawnWorker().catch((error: Error) => this.logger.error(`variant ${this.name}: a new worker failed: ${error.message}`))));
      return;
    }
    const leaving = staying.sort((a, b) => Number(a.ready) - Number(b.ready) || a.inFlight - b.inFlight).slice(0, extra);
    for (const worker of leaving) {
      worker.ready = false;
      worker.served = false;
      worker.retiring = true;
    }
    await Promise.all(leaving.map((worker) => this.retire(worker, drainMs)));
  }

  private async retire(worker: Worker, drainMs: number): Promise<void> {
    const deadline = Date.now() + drainMs;
    while (worker.inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (worker.exited) return;
    worker.signal('SIGTERM');
    const killer = setTimeout(() => worker.signal('SIGKILL'), 5000);
    await worker.whenExited();
    clearTimeout(killer);
  }

  get readyCount(): number {
    return this.workers.filter((w) => w.ready).length;
  }

  get desiredCount(): number {
    return this.desired;
  }

  /** Starts every worker and waits until each answers /ping; on any failure stops them all and throws why. */
  async start(): Promise<void> {
    this.active = true;
    fs.mkdirSync(path.dirname(this.launch.logFile(0)), { recursive: true });
    try {
      await Promise.all(Array.from({ length: this.desired }, () => this.spawnWorker()));
    } catch (error) {
      await this.stop(0);
      throw new Error(`variant ${this.name}: ${(error as Error).message}`);
    }
  }

  private async spawnWorker(): Promise<Worker> {
    const launch = this.launch;
    const worker = launch.kind === 'container' ? new ContainerWorker(this.nextIndex++, launch) : new ProcessWorker(this.nextIndex++, launch);
    this.workers.push(worker);
    worker.onExit(() => this.onExit(worker));
    try {
      await worker.started(this.launch.startupTimeoutMs);
      const ping = await this.send(worker, 'GET', '/ping', { body: Buffer.alloc(0), headers: {} }, 5000);
      if (ping.status !== 200) throw new Error(`worker ${worker.index} answered /ping with ${ping.status}: ${ping.body.toString('utf8').slice(0, 200)}`);
    } catch (error) {
      worker.signal('SIGKILL');
      throw error;
    }
    if (!this.active) {
      worker.signal('SIGTERM');
      throw new Error(`variant ${this.name} was stopped while worker ${worker.index} started`);
    }
    worker.ready = true;
    worker.served = true;
    return worker;
  }

  private onExit(worker: Worker): void {
    const index = this.workers.indexOf(worker);
    if (index >= 0) this.workers.splice(index, 1);
    if (!this.active || !worker.served || this.workers.filter((w) => !w.retiring).length >= this.desired) return;
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < 60_000);
    if (this.restarts.length >= RESTART_BUDGET) {
      this.logger.error(`variant ${this.name}: worker ${worker.index} exited (${worker.exitText()}); ${RESTART_BUDGET} replacements in a minute already, so no more`);
      return;
    }
    this.restarts.push(now);
    this.logger.warn(`variant ${this.name}: worker ${worker.index} exited (${worker.exitText()}); starting a replacement`);
    this.spawnWorker().catch((error: Error) => this.logger.error(`variant ${this.name}: the replacement worker failed: ${error.message}`));
  }

  /** Sends one invocation to the least busy ready worker. */
  async invoke(request: ForwardRequest): Promise<WorkerAnswer> {
    const now = Date.now();
    this.arrivals.push(now);
    // Kept for five minutes, pruned as they come (every pool counts, scaled or not).
    if (this.arrivals.length > 1024 && now - this.arrivals[0]! > 300_000) this.arrivals = this.arrivals.filter((t) => now - t < 300_000);
    let ready = this.workers.filter((w) => w.ready);
    // Scaled to zero: this request wakes one worker and waits for it (a cold start), as serverless does.
    if (ready.length === 0 && this.desired === 0 && this.active) {
      await this.wake();
      ready = this.workers.filter((w) => w.ready);
    }
    if (ready.length === 0) {
      throw new SageMakerError('ModelNotReadyException', `Variant ${this.name} has no worker ready to answer; it is starting or replacing its workers. Retry shortly.`, 429);
    }
    const worker = ready.reduce((best, w) => (w.inFlight < best.inFlight ? w : best));
    return this.send(worker, 'POST', '/invocations', request, this.launch.invocationTimeoutMs);
  }

  private send(worker: Worker, method: string, route: string, request: ForwardRequest, timeoutMs: number): Promise<WorkerAnswer> {
    worker.inFlight++;
    const started = performance.now();
    return new Promise<WorkerAnswer>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: worker.port, method, path: route, agent: this.agent, headers: { ...request.headers, 'x-lathe-worker-token': worker.token, 'content-length': String(request.body.length) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks), modelMs: performance.now() - started }));
          res.on('error', reject);
        },
      );
      req.setTimeout(timeoutMs, () => {
        req.destroy();
        reject(new SageMakerError('ModelError', `Your invocation timed out while waiting for a response from variant ${this.name} (worker ${worker.index}) after ${Math.round(timeoutMs / 1000)} s.`, 424));
      });
      req.on('error', (error) => {
        // The worker may have died under this request: wait briefly to say so rather than "socket hang up".
        setTimeout(() => {
          const why = worker.exited
            ? `worker ${worker.index} of variant ${this.name} exited (${worker.exitText()}) while answering this request; Lathe is starting a replacement. Retry the request.`
            : `worker ${worker.index} of variant ${this.name} dropped the request: ${error.message}`;
          reject(new SageMakerError('ModelError', why, 424, { OriginalStatusCode: 500, OriginalMessage: why }));
        }, worker.exited ? 0 : 50);
      });
      req.end(request.body);
    }).finally(() => {
      worker.inFlight--;
    });
  }

  /** Stops taking work; waits up to `drainMs` for requests in flight, then stops every worker. */
  async stop(drainMs: number): Promise<void> {
    this.active = false;
    const deadline = Date.now() + drainMs;
    while (this.workers.some((w) => w.inFlight > 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const workers = [...this.workers];
    for (const worker of workers) worker.ready = false;
    await Promise.all(workers.map((worker) => this.retire(worker, 0)));
    this.agent.destroy();
  }

  /** The ready workers' ids (process ids, or short container ids), for tests and diagnostics. */
  workerIds(): Array<number | string> {
    return this.workers.filter((w) => w.ready && w.id !== undefined).map((w) => w.id!);
  }

  /** The ready worker processes' ids (built-in server only), for tests and diagnostics. */
  pids(): number[] {
    return this.workerIds().filter((id): id is number => typeof id === 'number');
  }
}
