/**
 * One model-server worker of a variant, as the pool sees it: a port on 127.0.0.1, a token, the last
 * lines of its output, and how it ended. Two kinds: a `python -m lathe.serve` process (the built-in
 * server, which reports its port in a ready line) and a Docker container started with `serve`
 * (containerWorker.ts, which is given its port in SAGEMAKER_BIND_TO_PORT).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const TAIL_LINES = 20;

export interface WorkerLimits {
  /** Where worker `index` of this variant writes its output. */
  logFile: (index: number) => string;
  startupTimeoutMs: number;
  /** The model's time limit per request (SageMaker: 60 s). */
  invocationTimeoutMs: number;
}

export interface ProcessLaunch extends WorkerLimits {
  kind?: 'process';
  python: string;
  pythonPath: string;
  /** The model.tar.gz or folder the worker loads. */
  modelPath: string;
  env: Record<string, string>;
}

export abstract class WorkerBase {
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
  private readonly exitWaiters: Array<() => void> = [];
  private readonly exitListeners: Array<() => void> = [];

  constructor(readonly index: number) {}

  /** An id for diagnostics and tests: the process id, or the container's short id. */
  abstract get id(): string | number | undefined;
  /** Resolves once the worker listens; rejects when it exits or times out first. */
  abstract started(timeoutMs: number): Promise<void>;
  /** Sends a signal to the worker and whatever it started. */
  abstract signal(signal: NodeJS.Signals): void;

  protected keep(chunk: Buffer): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.tail.push(line);
    this.tail.splice(0, Math.max(0, this.tail.length - TAIL_LINES));
  }

  protected ended(code: number | null, signal: string | null): void {
    if (this.exited) return;
    this.exited = { code, signal };
    this.ready = false;
    for (const waiter of this.exitWaiters.splice(0)) waiter();
    for (const listener of this.exitListeners.splice(0)) listener();
  }

  onExit(listener: () => void): void {
    if (this.exited) listener();
    else this.exitListeners.push(listener);
  }

  exitText(): string {
    return this.exited?.signal ? `signal ${this.exited.signal}` : `code ${this.exited?.code ?? '?'}`;
  }

  whenExited(): Promise<void> {
    return this.exited ? Promise.resolve() : new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  protected failure(why: string): Error {
    return new Error(`worker ${this.index} ${why}${this.tail.length > 0 ? `; its last output: ${this.tail.slice(-5).join(' | ')}` : ''}`);
  }
}

/** `python -m lathe.serve` in its own process group, on a port it picks and reports in its ready line. */
export class ProcessWorker extends WorkerBase {
  readonly process: ChildProcess;

  constructor(index: number, launch: ProcessLaunch) {
    super(index);
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
      this.keep(chunk);
    };
    this.process.stdout!.on('data', keep);
    this.process.stderr!.on('data', keep);
    this.process.on('exit', (code, signal) => this.ended(code, signal));
    this.process.on('close', () => log.end());
    // A process that could not be started emits error (and close) but never exit.
    this.process.on('error', (error) => {
      this.tail.push(`could not start ${launch.python}: ${error.message}`);
      if (this.process.pid === undefined) {
        this.ended(null, null);
        this.process.emit('exit', null, null);
      }
    });
  }

  get id(): number | undefined {
    return this.process.pid;
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
        reject(this.failure(why));
      };
      this.process.stdout!.on('data', onData);
      this.process.on('exit', onExit);
    });
  }
}
