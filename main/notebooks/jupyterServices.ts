/**
 * @jupyterlab/services for main, loaded on first use and typed by the little main uses of it.
 * Its declaration files reach @types/react (through @jupyterlab/settingregistry and @rjsf/utils),
 * whose global DOM stubs would change the types of the whole Node program; a `require` keeps them
 * out. In Node it needs the server's URL and token, fetch and the `ws` WebSocket.
 */
import { createRequire } from 'node:module';
import WebSocket from 'ws';

export interface KernelModel {
  id: string;
  name: string;
  execution_state?: string;
}

export interface KernelMessage {
  header: { msg_type: string; msg_id: string };
  parent_header: { msg_id?: string } | Record<string, never>;
  channel: string;
  content: Record<string, unknown>;
}

export interface KernelFuture {
  onIOPub: (message: KernelMessage) => void;
  readonly done: Promise<{ content: Record<string, unknown> }>;
}

export interface ExecuteRequest {
  code: string;
  silent?: boolean;
  store_history?: boolean;
  allow_stdin?: boolean;
  stop_on_error?: boolean;
}

/** A kernel's connection: its WebSocket and REST calls (interrupt, restart, shutdown). */
export interface KernelConnection {
  readonly id: string;
  readonly status: string;
  readonly connectionStatus: string;
  /** Resolves with the kernel_info reply once the kernel answers. */
  readonly info: Promise<unknown>;
  readonly statusChanged: { connect(slot: (sender: unknown, status: string) => void): boolean };
  /** Every IOPub message, after the library has routed it (display updates included). */
  readonly iopubMessage: { connect(slot: (sender: unknown, message: KernelMessage) => void): boolean };
  requestExecute(content: ExecuteRequest): KernelFuture;
  requestKernelInfo(): Promise<unknown>;
  reconnect(): Promise<void>;
  interrupt(): Promise<void>;
  restart(): Promise<void>;
  shutdown(): Promise<void>;
  dispose(): void;
}

export type ServerSettings = { readonly baseUrl: string; readonly wsUrl: string; readonly token: string } & Record<string, unknown>;

export interface JupyterServices {
  ServerConnection: { makeSettings(options: Record<string, unknown>): ServerSettings };
  KernelAPI: {
    /** `path` (a workspace path) makes jupyter_server start the kernel in that folder. */
    startNew(options: { name?: string; path?: string }, settings: ServerSettings): Promise<KernelModel>;
    listRunning(settings: ServerSettings): Promise<KernelModel[]>;
    shutdownKernel(id: string, settings: ServerSettings): Promise<void>;
  };
  KernelConnection: new (options: { model: KernelModel; serverSettings: ServerSettings; handleComms?: boolean }) => KernelConnection;
}

let loaded: JupyterServices | null = null;

export function jupyterServices(): JupyterServices {
  loaded ??= createRequire(import.meta.url)('@jupyterlab/services') as JupyterServices;
  return loaded;
}

/** Settings for a Jupyter server at baseUrl (…/jupyter/), from Node: the token on every request and WebSocket URL. */
export function nodeServerSettings(baseUrl: string, token: string): ServerSettings {
  return jupyterServices().ServerConnection.makeSettings({
    baseUrl,
    wsUrl: baseUrl.replace(/^http/, 'ws'),
    token,
    appendToken: true,
    fetch,
    Request,
    Headers,
    WebSocket,
  });
}

/**
 * A connection to a running kernel, made safe to dispose at any moment. @jupyterlab/services starts
 * two things on its own whose failure nobody handles: after the server restarts a dead kernel it
 * reconnects (`void …reconnect()`, rejected when the connection is disposed meanwhile), and on each
 * new socket it asks for kernel_info (`void p.then(…)`), which after an automatic restart may never
 * be answered (its own FIXME; with jupyter_server 1.23 about one time in three) and is rejected on
 * dispose. An unhandled rejection would end Lathe's process, so both answer undefined instead; the
 * library uses neither answer beyond releasing its queue.
 */
export function connectKernel(model: KernelModel, serverSettings: ServerSettings): KernelConnection {
  const kernel = new (jupyterServices().KernelConnection)({ model, serverSettings, handleComms: false });
  const requestKernelInfo = kernel.requestKernelInfo.bind(kernel);
  kernel.requestKernelInfo = () => requestKernelInfo().catch(() => undefined);
  const reconnect = kernel.reconnect.bind(kernel);
  kernel.reconnect = () => reconnect().catch(() => undefined);
  return kernel;
}
