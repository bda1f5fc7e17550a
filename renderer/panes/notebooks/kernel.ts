/**
 * What the Notebooks pane needs from a Jupyter kernel, as an interface: the real one is
 * @jupyterlab/services through Lathe's /jupyter/ proxy (jupyterKernel.ts, loaded when first used);
 * tests inject their own with setKernelConnector. A connection is a disposable resource owned by
 * kernelOwner (while the notebook's tab is open), never state.
 */

export type KernelStatus = 'connecting' | 'starting' | 'idle' | 'busy' | 'restarting' | 'dead' | 'disconnected';

/** One IOPub message of an execution. */
export interface KernelMessage {
  type: string;
  content: Record<string, unknown>;
}

export interface ExecuteReply {
  status: 'ok' | 'error' | 'aborted';
  executionCount: number | null;
}

export interface NotebookKernel {
  /** The kernelspec's name. */
  readonly name: string;
  status(): KernelStatus;
  onStatus(listener: (status: KernelStatus) => void): () => void;
  /** Runs `code`; each output message goes to onMessage; answers with the execute_reply. */
  execute(code: string, onMessage: (message: KernelMessage) => void): Promise<ExecuteReply>;
  interrupt(): Promise<void>;
  restart(): Promise<void>;
  /** Ends the session and its kernel on the server (the notebook was closed). */
  shutdown(): Promise<void>;
  /** Lets go of the connection; the session keeps running on the server. */
  dispose(): void;
}

export interface KernelConnectRequest {
  /** Lathe's /jupyter/ proxy base URL (notebooks.server Url). */
  baseUrl: string;
  /** The proxy token (notebooks.server Token). */
  token: string;
  /** The notebook's workspace path: the session's path, so the kernel runs in its folder. */
  path: string;
  kernelName: string;
}

export type KernelConnector = (request: KernelConnectRequest) => Promise<NotebookKernel>;

/** The proxy's base URL, absolute, with its ws: twin (what ServerConnection.makeSettings takes). */
export function serverUrls(baseUrl: string, page: string = window.location.href): { baseUrl: string; wsUrl: string } {
  const absolute = new URL(baseUrl, page).href;
  const base = absolute.endsWith('/') ? absolute : `${absolute}/`;
  return { baseUrl: base, wsUrl: base.replace(/^http/, 'ws') };
}

/** One status from the kernel's and the connection's. */
export function statusOf(kernel: string | undefined, connection: 'connected' | 'connecting' | 'disconnected' | undefined): KernelStatus {
  if (kernel === 'dead' || kernel === 'terminating') return 'dead';
  if (connection === 'disconnected') return 'disconnected';
  if (connection === 'connecting' || kernel === undefined || kernel === 'unknown') return 'connecting';
  if (kernel === 'autorestarting' || kernel === 'restarting') return 'restarting';
  return kernel === 'busy' || kernel === 'starting' ? kernel : 'idle';
}

const jupyterConnector: KernelConnector = (request) => import('./jupyterKernel').then((module) => module.connectJupyterKernel(request));

let injected: KernelConnector | null = null;

export function kernelConnector(): KernelConnector {
  return injected ?? jupyterConnector;
}

/** Tests (and only tests) inject a fake kernel; pass null to forget it. */
export function setKernelConnector(connector: KernelConnector | null): void {
  injected = connector;
}
