import { useEffect, useMemo, useState } from 'react';
import { useNotebookDocsStore } from '../../state/notebooksDocStore';
import { useNotebooksStore } from '../../state/notebooksStore';
import { kernelConnector, type NotebookKernel } from './kernel';
import { kernelNameOf } from './nbformat';

/**
 * The kernel of the open notebook at `path`, connected while the server is ready, owned by the
 * component that calls this: let go on unmount (the session keeps running, so switching panes
 * loses no state), shut down once the notebook is closed. Its status goes to the doc store.
 */
export function useNotebookKernel(path: string): NotebookKernel | null {
  const server = useNotebooksStore((s) => s.server);
  const specs = useNotebooksStore((s) => s.environment?.Kernelspecs);
  const names = useMemo(() => (specs ?? []).map((spec) => spec.Name), [specs]);
  const kernelName = useNotebookDocsStore((s) => {
    const notebook = s.docs[path]?.notebook;
    return notebook ? kernelNameOf(notebook, names) : null;
  });
  const [connection, setConnection] = useState<{ id: string; kernel: NotebookKernel } | null>(null);

  const ready = server?.State === 'ready' && server.Url && server.Token ? server : null;
  const baseUrl = ready?.Url ?? null;
  const token = ready?.Token ?? null;
  const started = ready?.StartedAt ?? '';
  const id = baseUrl && token && kernelName ? [baseUrl, token, started, path, kernelName].join('\n') : null;

  useEffect(() => {
    const docs = useNotebookDocsStore.getState();
    if (!id || !baseUrl || !token || !kernelName) {
      docs.kernelStatus(path, 'disconnected');
      return;
    }
    let live = true;
    let owned: NotebookKernel | null = null;
    let unsubscribe = () => {};
    docs.kernelStatus(path, 'connecting');
    // A notebook closed and opened again at once: its old session must be gone first, or the
    // server answers with the one it is still shutting down.
    const previous = closing.get(path) ?? Promise.resolve();
    previous.then(() => kernelConnector()({ baseUrl, token, path, kernelName })).then(
      (kernel) => {
        if (!live) {
          release(path, kernel);
          return;
        }
        owned = kernel;
        unsubscribe = kernel.onStatus((status) => useNotebookDocsStore.getState().kernelStatus(path, status));
        useNotebookDocsStore.getState().kernelStatus(path, kernel.status());
        setConnection({ id, kernel });
      },
      (error: unknown) => {
        if (live) useNotebookDocsStore.getState().kernelStatus(path, 'disconnected', error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      live = false;
      unsubscribe();
      if (owned) release(path, owned);
    };
  }, [id, baseUrl, token, kernelName, path]);

  return connection?.id === id ? connection.kernel : null;
}

/** Sessions being shut down, by notebook path. */
const closing = new Map<string, Promise<void>>();

/** Lets go of a kernel: its session is ended too when the notebook is no longer open. */
function release(path: string, kernel: NotebookKernel): void {
  if (useNotebookDocsStore.getState().docs[path]) {
    kernel.dispose();
    return;
  }
  const done: Promise<void> = kernel
    .shutdown()
    .catch(() => undefined)
    .finally(() => {
      kernel.dispose();
      if (closing.get(path) === done) closing.delete(path);
    });
  closing.set(path, done);
}
