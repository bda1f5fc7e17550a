/**
 * Notebooks: one Jupyter server per Python environment (the interpreter Lathe uses for notebooks),
 * the workspace it serves, notebooks run from the API, and who may reach a server through the
 * loopback server's /jupyter/ proxy. Changes go out as `notebooks.changed`.
 */
import path from 'node:path';
import { precondition } from '../api/errors';
import type { EventBus } from '../api/eventBus';
import type { NotebookEnvironment, NotebookRunResult, NotebookServerStatus } from '../contract/notebooks';
import type { Logger } from '../log/logger';
import { tokensEqual } from '../server/auth';
import type { JupyterRoute } from '../server/jupyterProxy';
import { execFileRunner, type CommandRunner } from '../system/commandRunner';
import { NotebookServer } from './jupyterServer';
import { notebookEnvironment, requireNotebookPackages } from './notebookEnvironment';
import { runNotebook, type RunRequest } from './notebookRunner';
import { BASE_URL, launchCommand } from './serverLaunch';
import { Workspace } from './workspace';

export interface NotebookServiceDeps {
  home: string;
  bus: EventBus;
  logger: Logger;
  /** The interpreter notebooks use, asked at each start. */
  python: () => Promise<string | null>;
  /** resources/python. */
  pythonPath: string;
  /** LATHE_URL and LATHE_TOKEN while Lathe serves (empty otherwise). */
  latheEnv: () => Record<string, string>;
  /** http://127.0.0.1:PORT of the loopback server, when serving. */
  loopbackUrl: () => string | null;
  env: NodeJS.ProcessEnv;
  /** Default LATHE_HOME/workspace. */
  workspace?: string;
  runner?: CommandRunner;
  readyTimeoutMs?: number;
  stopGraceMs?: number;
  restartLimit?: number;
}

export class NotebookService {
  readonly workspace: Workspace;
  private readonly servers = new Map<string, NotebookServer>();
  /** The server of the last start: where Lathe's own credential leads through the proxy. */
  private current: NotebookServer | null = null;
  /** Interpreters already seen with jupyter_server and ipykernel (a package does not vanish often). */
  private readonly checked = new Set<string>();
  private readonly starts = new Map<string, Promise<NotebookServerStatus>>();
  private readonly abort = new AbortController();
  private disposed = false;

  constructor(private readonly deps: NotebookServiceDeps) {
    this.workspace = new Workspace({
      root: deps.workspace ?? path.join(deps.home, 'workspace'),
      trash: path.join(deps.home, 'trash', 'notebooks'),
      onChange: (changed) => deps.bus.emit('notebooks.changed', { kind: 'file', path: changed }),
    });
  }

  private get runnerDeps() {
    return { runner: this.deps.runner ?? execFileRunner, env: this.deps.env };
  }

  private serverFor(python: string): NotebookServer {
    let server = this.servers.get(python);
    if (!server) {
      server = new NotebookServer({
        python,
        workspace: this.workspace.root,
        configFile: path.join(this.deps.pythonPath, 'lathe', 'jupyter', 'jupyter_server_config.py'),
        pythonPath: this.deps.pythonPath,
        runtimeDir: path.join(this.deps.home, 'notebooks', 'runtime'),
        logFile: path.join(this.deps.home, 'logs', 'jupyter-server.log'),
        baseEnv: this.deps.env,
        latheEnv: this.deps.latheEnv,
        logger: this.deps.logger.child('jupyter'),
        onState: (state) => this.deps.bus.emit('notebooks.changed', { kind: 'server', State: state }),
        ...(this.deps.readyTimeoutMs !== undefined ? { readyTimeoutMs: this.deps.readyTimeoutMs } : {}),
        ...(this.deps.stopGraceMs !== undefined ? { stopGraceMs: this.deps.stopGraceMs } : {}),
        ...(this.deps.restartLimit !== undefined ? { restartLimit: this.deps.restartLimit } : {}),
      });
      this.servers.set(python, server);
    }
    return server;
  }

  private statusOf(server: NotebookServer): NotebookServerStatus {
    const status = server.status();
    const loopback = this.deps.loopbackUrl();
    return status.State === 'ready' && loopback ? { ...status, Url: `${loopback}${BASE_URL}` } : status;
  }

  environment(): Promise<NotebookEnvironment> {
    return this.deps.python().then((python) => notebookEnvironment(python, this.runnerDeps));
  }

  /** The server of the interpreter notebooks use now (stopped when none was started for it). */
  async status(): Promise<NotebookServerStatus> {
    const python = await this.deps.python();
    const server = python ? this.servers.get(python) : undefined;
    if (server) return this.statusOf(server);
    const workspace = this.workspace.root;
    const spec = { python: python ?? 'python3', port: 8888, workspace, configFile: path.join(this.deps.pythonPath, 'lathe', 'jupyter', 'jupyter_server_config.py'), root: process.getuid?.() === 0 };
    return { State: 'stopped', Python: python, Workspace: workspace, LaunchCommand: launchCommand(spec, this.deps.pythonPath), Restarts: 0 };
  }

  /**
   * Starts the server for the notebook interpreter, or joins the start in progress. An interpreter
   * without jupyter_server or ipykernel is refused at once with the command that installs them; a
   * server that fails to come up is answered with State failed and its last output.
   */
  async start(): Promise<NotebookServerStatus> {
    if (this.disposed) throw precondition('Lathe is shutting down');
    const python = await this.deps.python();
    if (!python || !this.checked.has(python)) {
      await requireNotebookPackages(python, this.runnerDeps);
      this.checked.add(python as string);
    }
    const key = python as string;
    const inflight = this.starts.get(key);
    if (inflight) return inflight;
    const server = this.serverFor(key);
    this.current = server;
    const start = server
      .start()
      .then(() => this.statusOf(server))
      .finally(() => this.starts.delete(key));
    this.starts.set(key, start);
    return start;
  }

  /** Stops every notebook server (and the kernels and processes they started). */
  async stop(): Promise<NotebookServerStatus> {
    await Promise.all([...this.servers.values()].map((server) => server.stop()));
    return this.status();
  }

  /** Runs a workspace notebook top to bottom in a fresh kernel; starts the server when needed. */
  async run(request: RunRequest): Promise<NotebookRunResult> {
    const result = await runNotebook(request, {
      workspace: this.workspace,
      logger: this.deps.logger.child('run'),
      signal: this.abort.signal,
      server: async () => {
        const status = await this.start();
        const direct = this.current?.direct();
        if (!direct) {
          const output = status.LastOutput?.length ? ` Its last output: ${status.LastOutput.slice(-5).join(' | ')}` : '';
          throw precondition(`the notebook server is ${status.State}: ${status.FailureReason ?? 'it is not ready'}.${output}`);
        }
        return direct;
      },
    });
    this.deps.bus.emit('notebooks.changed', { kind: 'run', path: result.Path });
    return result;
  }

  /**
   * Where a /jupyter/ request goes: the server whose proxy token it presents, else (with Lathe's
   * own credential) the current server. Jupyter's token never leaves main.
   */
  route(proxyToken: string | null, latheAuthorized: boolean): JupyterRoute {
    if (proxyToken) {
      for (const server of this.servers.values()) {
        if (server.proxyToken && tokensEqual(proxyToken, server.proxyToken)) return this.routeTo(server);
      }
    }
    if (!latheAuthorized) return { kind: 'unauthorized' };
    return this.current ? this.routeTo(this.current) : { kind: 'not-running', state: 'stopped' };
  }

  private routeTo(server: NotebookServer): JupyterRoute {
    const direct = server.direct();
    return direct ? { kind: 'server', port: direct.port, token: direct.token } : { kind: 'not-running', state: server.currentState };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.abort.abort();
    await Promise.all([...this.servers.values()].map((server) => server.dispose()));
  }
}
