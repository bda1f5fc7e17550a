/**
 * One Jupyter server for one Python environment, under STYLE.md §6's template: idempotent start
 * (concurrent calls share it), a free port on 127.0.0.1 with port_retries=0, the token in
 * JUPYTER_TOKEN only, ready when GET /jupyter/api/status answers 200 within a deadline, restarted a
 * few times per window when it dies on its own and then `failed` with its last output, and stopped
 * gracefully (SIGTERM: it shuts its kernels down) before everything it started is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NotebookServerState, NotebookServerStatus } from '../contract/notebooks';
import { redact, type Logger } from '../log/logger';
import { descendants, isAlive, markedProcesses, signalTree } from './processTree';
import { freePort } from '../util/net';
import { BASE_URL, launchCommand, MARKER_VARIABLE, serverArgs, serverEnv, type LaunchSpec } from './serverLaunch';

const TAIL_LINES = 60;
const SHOWN_LINES = 20;

export interface NotebookServerDeps {
  python: string;
  workspace: string;
  /** Lathe's jupyter_server config (TCP_NODELAY on kernel WebSockets). */
  configFile: string;
  /** resources/python. */
  pythonPath: string;
  /** LATHE_HOME/notebooks/runtime: connection files, the server's info file. */
  runtimeDir: string;
  /** Where the server's output is appended. */
  logFile: string;
  baseEnv: NodeJS.ProcessEnv;
  /** LATHE_URL and LATHE_TOKEN of the serving Lathe, read at each spawn. */
  latheEnv: () => Record<string, string>;
  logger: Logger;
  onState: (state: NotebookServerState) => void;
  readyTimeoutMs?: number;
  stopGraceMs?: number;
  /** How many restarts after dying on its own within restartWindowMs before `failed`. */
  restartLimit?: number;
  restartWindowMs?: number;
}

type Attempt = { kind: 'ready' } | { kind: 'exited'; code: number | null; signal: string | null } | { kind: 'timeout' } | { kind: 'stopped' };

export class NotebookServer {
  private state: NotebookServerState = 'stopped';
  private intent: 'run' | 'stop' = 'stop';
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private port = 0;
  private token = '';
  private marker = '';
  /** Good for /jupyter/ on Lathe's loopback server; new at each start a person asks for. */
  proxyToken = '';
  private startedAt: string | undefined;
  private readyMs: number | undefined;
  private failureReason: string | undefined;
  private lastOutput: string[] | undefined;
  private readonly tail: string[] = [];
  private crashes: number[] = [];
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;

  constructor(private readonly deps: NotebookServerDeps) {}

  get python(): string {
    return this.deps.python;
  }

  get currentState(): NotebookServerState {
    return this.state;
  }

  /** The server itself, while it is ready: its port and its own token (for the proxy and the runner). */
  direct(): { port: number; token: string; url: string } | null {
    return this.state === 'ready' ? { port: this.port, token: this.token, url: `http://127.0.0.1:${this.port}${BASE_URL}` } : null;
  }

  private spec(port: number): LaunchSpec {
    return { python: this.deps.python, port, workspace: this.deps.workspace, configFile: this.deps.configFile, root: process.getuid?.() === 0 };
  }

  status(): Omit<NotebookServerStatus, 'Url'> {
    const ready = this.state === 'ready';
    return {
      State: this.state,
      Python: this.deps.python,
      ...(ready ? { Token: this.proxyToken, DirectUrl: `http://127.0.0.1:${this.port}${BASE_URL}`, Pid: this.child?.pid } : {}),
      Workspace: this.deps.workspace,
      LaunchCommand: launchCommand(this.spec(this.port || 8888), this.deps.pythonPath),
      ...(this.startedAt && this.state !== 'stopped' ? { StartedAt: this.startedAt } : {}),
      ...(ready && this.readyMs !== undefined ? { ReadyMs: this.readyMs } : {}),
      ...(this.failureReason ? { FailureReason: this.failureReason } : {}),
      ...(this.lastOutput ? { LastOutput: this.lastOutput } : {}),
      Restarts: this.recentCrashes().length,
    };
  }

  /** A method, so that the compiler does not narrow `intent` across awaits. */
  private stopAsked(): boolean {
    return this.intent === 'stop';
  }

  private setState(state: NotebookServerState): void {
    if (this.state === state) return;
    this.state = state;
    this.deps.onState(state);
  }

  private recentCrashes(): number[] {
    const window = this.deps.restartWindowMs ?? 5 * 60_000;
    this.crashes = this.crashes.filter((at) => Date.now() - at < window);
    return this.crashes;
  }

  /** Starts the server, or joins the start in progress; resolves once it is ready or has failed. */
  async start(): Promise<void> {
    if (this.stopping) await this.stopping;
    this.intent = 'run';
    if (this.state === 'ready') return;
    if (this.starting) return this.starting;
    this.crashes = [];
    this.proxyToken = randomBytes(24).toString('hex');
    this.starting = this.launch().finally(() => (this.starting = null));
    return this.starting;
  }

  private async launch(): Promise<void> {
    this.token = randomBytes(24).toString('hex');
    this.marker = randomBytes(12).toString('hex');
    this.failureReason = undefined;
    this.lastOutput = undefined;
    this.readyMs = undefined;
    this.setState('starting');
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      if (this.stopAsked()) return;
      const outcome = await this.attempt(port);
      if (outcome.kind === 'ready' || outcome.kind === 'stopped') return;
      // Another program took the port between Node's check and the server's bind: try another.
      if (outcome.kind === 'exited' && attempt < 2 && this.tail.some((line) => /address already in use|port .* is already in use/i.test(line))) continue;
      const took = Math.round((this.deps.readyTimeoutMs ?? 60_000) / 1000);
      return this.fail(
        outcome.kind === 'timeout'
          ? `the Jupyter server did not answer ${BASE_URL}api/status within ${took} s, so Lathe stopped it; its last output is below`
          : `the Jupyter server ${exitText(outcome)} before it was ready; its last output is below`,
      );
    }
  }

  private fail(reason: string): void {
    this.failureReason = reason + hint(this.tail);
    this.lastOutput = this.tail.slice(-SHOWN_LINES);
    this.deps.logger.warn(`${this.failureReason}\n${this.lastOutput.join('\n')}`);
    this.setState('failed');
  }

  private keep(text: string): void {
    const clean = redact(text, [this.token, this.proxyToken]);
    for (const line of clean.split(/\r?\n/)) if (line.trim()) this.tail.push(line.slice(0, 2000));
    this.tail.splice(0, Math.max(0, this.tail.length - TAIL_LINES));
  }

  /** One spawn: resolves when it is ready, exits, runs past the deadline, or is stopped meanwhile. */
  private async attempt(port: number): Promise<Attempt> {
    const spec = this.spec(port);
    this.port = port;
    this.tail.length = 0;
    fs.mkdirSync(this.deps.runtimeDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.deps.workspace, { recursive: true });
    const log = fs.createWriteStream(this.deps.logFile, { flags: 'a', mode: 0o600 });
    log.on('error', () => undefined);
    log.write(`--- ${new Date().toISOString()} ${launchCommand(spec, this.deps.pythonPath)}\n`);
    const env = serverEnv({ base: this.deps.baseEnv, token: this.token, marker: this.marker, pythonPath: this.deps.pythonPath, lathe: this.deps.latheEnv(), runtimeDir: this.deps.runtimeDir });
    const spawnedAt = performance.now();
    const child = spawn(this.deps.python, serverArgs(spec), { cwd: this.deps.workspace, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let exit: { code: number | null; signal: string | null } | null = null;
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        exit = { code, signal };
        log.end();
        resolve();
      });
    });
    const keep = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log.write(redact(text, [this.token, this.proxyToken]));
      this.keep(text);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('error', (error) => this.keep(`could not start ${this.deps.python}: ${error.message}`));
    child.once('exit', (code, signal) => {
      if (this.child === child && this.state === 'ready' && this.intent === 'run') void this.crashed(code, signal);
    });

    const deadline = Date.now() + (this.deps.readyTimeoutMs ?? 60_000);
    const statusUrl = `http://127.0.0.1:${port}${BASE_URL}api/status`;
    for (;;) {
      if (this.stopAsked()) {
        await this.terminate(child);
        return { kind: 'stopped' };
      }
      if (exit !== null || child.exitCode !== null || child.signalCode !== null) {
        await this.exited;
        return { kind: 'exited', ...(exit ?? { code: child.exitCode, signal: child.signalCode }) };
      }
      if (Date.now() > deadline) {
        await this.terminate(child);
        return { kind: 'timeout' };
      }
      if (await answers(statusUrl, this.token)) break;
      await Promise.race([sleep(50), this.exited]);
    }
    if (this.stopAsked()) {
      await this.terminate(child);
      return { kind: 'stopped' };
    }
    this.readyMs = Math.round(performance.now() - spawnedAt);
    this.startedAt = new Date().toISOString();
    this.deps.logger.info(`Jupyter server for ${this.deps.python} ready on 127.0.0.1:${port} in ${this.readyMs} ms (pid ${child.pid})`);
    this.setState('ready');
    return { kind: 'ready' };
  }

  /** It died on its own: its kernels are orphans now. Restart it within the budget, else `failed`. */
  private async crashed(code: number | null, signal: string | null): Promise<void> {
    const how = exitText({ code, signal });
    this.deps.logger.warn(`the Jupyter server for ${this.deps.python} ${how} on its own`);
    this.crashes.push(Date.now());
    const limit = this.deps.restartLimit ?? 3;
    const giveUp = this.recentCrashes().length > limit;
    // No longer `ready`: the proxy and the runner must not reach for its port meanwhile.
    if (!giveUp) this.setState('starting');
    await this.exited;
    await this.killLeftovers([]);
    if (giveUp) {
      const minutes = Math.round((this.deps.restartWindowMs ?? 5 * 60_000) / 60_000);
      return this.fail(`the Jupyter server stopped on its own ${this.crashes.length} times within ${minutes} min (last: it ${how}); Lathe stopped restarting it. Start it again when the cause is fixed; its last output is below`);
    }
    if (this.intent !== 'run' || this.starting) return;
    this.starting = this.launch().finally(() => (this.starting = null));
    await this.starting;
  }

  /** Stops the server and everything it started. */
  async stop(): Promise<void> {
    this.intent = 'stop';
    this.stopping ??= (async () => {
      const child = this.child;
      if (child) await this.terminate(child);
      else await this.killLeftovers([]);
      await this.starting?.catch(() => undefined);
      this.proxyToken = '';
      this.failureReason = undefined;
      this.lastOutput = undefined;
      this.setState('stopped');
    })().finally(() => (this.stopping = null));
    return this.stopping;
  }

  /** SIGTERM (the server shuts its kernels down), SIGKILL after the grace, then whatever is left of the tree. */
  private async terminate(child: ChildProcess): Promise<void> {
    const pid = child.pid;
    if (pid === undefined) return;
    const running = () => child.exitCode === null && child.signalCode === null;
    // Without /proc the tree is known only while the server is its root: note it first.
    const tree = fs.existsSync('/proc') ? [] : descendants(pid);
    if (running()) {
      signalTree(pid, 'SIGTERM');
      await Promise.race([this.exited, sleep(this.deps.stopGraceMs ?? 5_000)]);
    }
    if (running()) {
      signalTree(pid, 'SIGKILL');
      await Promise.race([this.exited, sleep(2_000)]);
    }
    await this.killLeftovers(tree);
  }

  /** SIGKILLs what the server left (kernels, their children) and waits, up to 2 s, until it is gone. */
  private async killLeftovers(tree: number[]): Promise<void> {
    const left = (this.marker ? markedProcesses(MARKER_VARIABLE, this.marker) : null) ?? tree;
    for (const pid of left) if (isAlive(pid)) signalTree(pid, 'SIGKILL');
    if (left.length === 0) return;
    this.deps.logger.info(`killed ${left.length} process(es) the Jupyter server left behind`);
    const deadline = Date.now() + 2_000;
    while (left.some(isAlive) && Date.now() < deadline) await sleep(20);
  }

  async dispose(): Promise<void> {
    await this.stop();
  }
}

function exitText(exit: { code: number | null; signal: string | null }): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code ?? '?'}`;
}

/** A fix for the failures people meet, from the server's output. */
function hint(lines: readonly string[]): string {
  const text = lines.join('\n');
  if (/No module named '?jupyter_server/.test(text)) return ' (jupyter_server is not installed for this interpreter: see notebooks.environment for the command that installs it)';
  if (/Running as root is not recommended/.test(text)) return ' (running as root needs --allow-root)';
  return '';
}

async function answers(url: string, token: string): Promise<boolean> {
  try {
    const response = await fetch(url, { headers: { authorization: `token ${token}` }, signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}
