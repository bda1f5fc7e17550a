/**
 * A notebook's kernel through @jupyterlab/services, straight to Lathe's /jupyter/ proxy: one
 * session per notebook with the notebook's path (so the kernel's working folder is the notebook's),
 * the proxy token as `Authorization: token …` on HTTP and `?token=` on WebSockets. Loaded only when
 * a notebook first connects.
 */
import { KernelManager, ServerConnection, SessionManager, type KernelMessage, type Session } from '@jupyterlab/services';
import { serverUrls, statusOf, type ExecuteReply, type KernelConnectRequest, type KernelStatus, type NotebookKernel } from './kernel';

class JupyterKernel implements NotebookKernel {
  private readonly listeners = new Set<(status: KernelStatus) => void>();
  private last: KernelStatus;

  constructor(
    readonly name: string,
    private readonly session: Session.ISessionConnection,
    private readonly sessions: SessionManager,
    private readonly kernels: KernelManager,
  ) {
    this.last = this.status();
    const changed = () => {
      const now = this.status();
      if (now === this.last) return;
      this.last = now;
      for (const listener of this.listeners) listener(now);
    };
    session.statusChanged.connect(changed);
    session.connectionStatusChanged.connect(changed);
    session.kernelChanged.connect(changed);
  }

  status(): KernelStatus {
    const kernel = this.session.kernel;
    return kernel ? statusOf(kernel.status, kernel.connectionStatus) : 'dead';
  }

  onStatus(listener: (status: KernelStatus) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async execute(code: string, onMessage: Parameters<NotebookKernel['execute']>[1]): Promise<ExecuteReply> {
    const kernel = this.session.kernel;
    if (!kernel) throw new Error('The notebook has no kernel: restart it.');
    const future = kernel.requestExecute({ code, stop_on_error: true, store_history: true, allow_stdin: false });
    const request = future.msg.header.msg_id;
    const forward = (message: KernelMessage.IIOPubMessage) => onMessage({ type: message.header.msg_type, content: message.content as Record<string, unknown> });
    // The library hands a display update only to the request that showed the display, and drops
    // it once that request is done; this cell may update a display an earlier cell showed, so its
    // updates are taken from the kernel's IOPub stream instead.
    const updates = (_: unknown, message: KernelMessage.IIOPubMessage) => {
      if (message.header.msg_type === 'update_display_data' && (message.parent_header as { msg_id?: string }).msg_id === request) forward(message);
    };
    future.onIOPub = (message) => {
      if (message.header.msg_type !== 'update_display_data') forward(message);
    };
    kernel.iopubMessage.connect(updates);
    let reply: Awaited<typeof future.done>;
    try {
      reply = await future.done;
    } finally {
      kernel.iopubMessage.disconnect(updates);
    }
    const content = reply.content as { status: string; execution_count?: unknown };
    return {
      status: content.status === 'ok' ? 'ok' : content.status === 'error' ? 'error' : 'aborted',
      executionCount: typeof content.execution_count === 'number' ? content.execution_count : null,
    };
  }

  async interrupt(): Promise<void> {
    await this.session.kernel?.interrupt();
  }

  async restart(): Promise<void> {
    const kernel = this.session.kernel;
    try {
      if (!kernel) throw new Error('no kernel');
      await kernel.restart();
    } catch {
      // A kernel the server no longer has: start a fresh one in the same session.
      await this.session.changeKernel({ name: this.name });
    }
  }

  async shutdown(): Promise<void> {
    // Let go of the kernel's WebSocket first: one still open when the kernel goes would try to
    // reconnect to a kernel that is no longer there.
    const id = this.session.id;
    if (!this.session.isDisposed) this.session.dispose();
    if (!this.sessions.isDisposed) await this.sessions.shutdown(id);
  }

  dispose(): void {
    this.listeners.clear();
    if (!this.session.isDisposed) this.session.dispose();
    this.sessions.dispose();
    this.kernels.dispose();
  }
}

export async function connectJupyterKernel(request: KernelConnectRequest): Promise<NotebookKernel> {
  const { baseUrl, wsUrl } = serverUrls(request.baseUrl);
  const serverSettings = ServerConnection.makeSettings({ baseUrl, wsUrl, token: request.token, appendToken: true });
  const kernelManager = new KernelManager({ serverSettings });
  const sessionManager = new SessionManager({ kernelManager, serverSettings });
  try {
    const name = request.path.split('/').pop() ?? request.path;
    const session = await sessionManager.startNew({ path: request.path, type: 'notebook', name, kernel: { name: request.kernelName } });
    return new JupyterKernel(request.kernelName, session, sessionManager, kernelManager);
  } catch (error) {
    sessionManager.dispose();
    kernelManager.dispose();
    throw error;
  }
}
