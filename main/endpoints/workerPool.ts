/**
 * The worker processes of one endpoint variant: `python -m lathe.serve` each, on a port of
 * 127.0.0.1 it picks itself and reports in its ready line, answering only requests that carry its
 * token. A worker is ready once it has reported and answered /ping. A worker that dies while the
 * variant runs is replaced; the request it was answering gets a ModelError saying so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { SageMakerError } from '../compat/errors';
import type { Logger } from '../log/logger';

export interface WorkerLaunch {
  python: string;
  pythonPath: string;
  /** The model.tar.gz or folder the worker loads. */
  modelPath: string;
  env: Record<string, string>;
  /** Where worker `index` of this variant writes its output. */
  logFile: (index: number) => string;
  startupTimeoutMs: number;
  /** The model's time limit per request (SageMaker: 60 s). */
  invocationTimeoutMs: number;
}

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

const TAIL_LINES = 20;
/** Replacements a variant may make in a minute before it stops replacing dead workers. */
const RESTART_BUDGET = 5;

class Worker {
  port = 0;
  inFlight = 0;
  ready = false;
  /** Whether it ever served: only a worker that did is replaced when it dies. */
  served = false;
  /** Being drained and stopped by a scale-in. */
  retiring = false;
  exited: { code: number | null; signal: string | null } | null = null;
  readonly tail: string[] = [];
  readonly token = randomBytes(24).toString('hex');
  readonly process: ChildProcess;
  private readonly exitWaiters: Array<() => void> = [];

  constructor(
    readonly index: number,
    launch: WorkerLaunch,
  ) {
    // Output goes to the log through a stream: it stays open until the pipes close, so a line that
    // arrives after the worker exits (from a child it started) is still written there and nowhere else.
    const log = fs.createWriteStream(launch.logFile(index), { flags: 'a' });
    log.on('error', () => undefined);
    this.process = spawn(launch.python, ['-m', 'lathe.serve', '--model', launch.modelPath, '--host', '127.0.0.1', '--port', '0'], {
      env: {
        ...(process.env as Record<string, string>),
        OMP_NUM_THREADS: '1',
        ...launch.env,
        PYTHONPATH: [launch.pythonPath, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter),
        PYTHONUNBUFFERED: '1',
        LATHE_WORKER_TOKEN: this.token,
      },
      // Its own process group, so stopping it stops whatever its model code started too.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      log.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.tail.push(line);
      this.tail.splice(0, Math.max(0, this.tail.length - TAIL_LINES));
    };
    this.process.stdout!.on('data', keep);
    this.process.stderr!.on('data', keep);
    const ended = (code: number | null, signal: string | null) => {
      if (this.exited) return;
      this.exited = { code, signal };
      this.ready = false;
      for (const waiter of this.exitWaiters.splice(0)) waiter();
    };
    this.process.on('exit', ended);
    this.process.on('close', () => log.end());
    // A process that could not be started emits error (and close) but never exit.
    this.process.on('error', (error) => {
      this.tail.push(`could not start ${launch.python}: ${error.message}`);
      if (this.process.pid === undefined) {
        ended(null, null);
        this.process.emit('exit', null, null);
      }
    });
  }

  /** Signals the worker's whole process group (it and what its model code started). */
  signal(signal: NodeJS.Signals): void {
    const pid = this.process.pid;
    if (pid === undefined || this.exited) return;
    try {
      process.kill(-pid, signal);
    } catch {
      this.process.kill(signal);
    }
  }

  /** Resolves with the port from the worker's ready line; rejects when it exits or times out first. */
  started(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      let buffer = '';
      const timer = setTimeout(() => fail(`did not become ready within ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
      const onData = (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        for (const line of buffer.split('\n').slice(0, -1)) {
          try {
            const event = JSON.parse(line) as { event?: string; port?: number };
            if (event.event === 'ready' && typeof event.port === 'number') {
              this.port = event.port;
              done();
              return resolve();
            }
          } catch {
            // Not the ready line.
          }
        }
        buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
      };
      const onExit = () => fail(`exited (${this.exitText()}) before it was ready`);
      const done = () => {
        clearTimeout(timer);
        this.process.stdout!.off('data', onData);
        this.process.off('exit', onExit);
      };
      const fail = (why: string) => {
        done();
        reject(new Error(`worker ${this.index} ${why}${this.tail.length > 0 ? `; its last output: ${this.tail.slice(-5).join(' | ')}` : ''}`));
      };
      this.process.stdout!.on('data', onData);
      this.process.on('exit', onExit);
    });
  }

  exitText(): string {
    return this.exited?.signal ? `signal ${this.exited.signal}` : `code ${this.exited?.code ?? '?'}`;
  }

  whenExited(): Promise<void> {
    return this.exited ? Promise.resolve() : new Promise((resolve) => this.exitWaiters.push(resolve));
  }
}

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
    const worker = new Worker(this.nextIndex++, this.launch);
    this.workers.push(worker);
    worker.process.on('exit', () => this.onExit(worker));
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

  /** The worker processes' ids, for tests and diagnostics. */
  pids(): number[] {
    return this.workers.filter((w) => w.ready).map((w) => w.process.pid!);
  }
}
