import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useNotebookDocsStore } from '../../state/notebooksDocStore';
import { useNotebooksStore } from '../../state/notebooksStore';
import type { NotebookKernel } from './kernel';
import { cellsOf, cellType, outputOf, sourceOf } from './nbformat';

export interface NotebookRunner {
  /** Queues the code cells with these keys, in order; they run once a kernel is there. */
  run(keys: string[]): void;
  interrupt(): Promise<void>;
  restart(): Promise<void>;
}

/**
 * Runs a notebook's cells one after the other in its kernel, writing each message as an nbformat
 * output into the document (so saving keeps them) and the execution count into the cell. A cell
 * that fails stops the cells queued after it, as Jupyter does.
 */
export function useNotebookRunner(path: string, kernel: NotebookKernel | null): NotebookRunner {
  const kernelRef = useRef<NotebookKernel | null>(kernel);
  const queue = useRef<string[]>([]);
  const pumping = useRef(false);

  const execute = useCallback(
    async (current: NotebookKernel, key: string, code: string): Promise<boolean> => {
      const docs = useNotebookDocsStore.getState();
      docs.runStarted(path, key);
      // clear_output(wait=True): the outputs go when the next one comes (no flicker).
      let clearOnNext = false;
      try {
        const reply = await current.execute(code, (message) => {
          const store = useNotebookDocsStore.getState();
          if (message.type === 'clear_output') {
            if (message.content.wait) clearOnNext = true;
            else store.clearOutputs(path, key);
            return;
          }
          const output = outputOf(message.type, message.content);
          if (!output) return;
          if (clearOnNext) store.clearOutputs(path, key);
          clearOnNext = false;
          store.output(path, key, output);
        });
        useNotebookDocsStore.getState().runFinished(path, key, reply.executionCount);
        return reply.status === 'ok';
      } catch (error) {
        const store = useNotebookDocsStore.getState();
        store.runFinished(path, key);
        store.kernelStatus(path, current.status(), error instanceof Error ? error.message : String(error));
        return false;
      }
    },
    [path],
  );

  const pump = useCallback(async () => {
    if (pumping.current) return;
    pumping.current = true;
    try {
      while (queue.current.length > 0) {
        const current = kernelRef.current;
        // No kernel yet (the server is starting): the queue waits for one.
        if (!current) break;
        const key = queue.current.shift()!;
        const doc = useNotebookDocsStore.getState().docs[path];
        const index = doc ? doc.keys.indexOf(key) : -1;
        const cell = doc?.notebook && index >= 0 ? cellsOf(doc.notebook)[index] : undefined;
        if (!cell || cellType(cell) !== 'code') {
          useNotebookDocsStore.getState().runFinished(path, key);
          continue;
        }
        const code = sourceOf(cell);
        if (code.trim() === '') {
          // Jupyter runs nothing for an empty cell: no outputs, no count.
          const store = useNotebookDocsStore.getState();
          store.clearOutputs(path, key);
          store.runFinished(path, key, null);
          continue;
        }
        const ok = await execute(current, key, code);
        if (!ok) {
          queue.current = [];
          useNotebookDocsStore.getState().unqueue(path);
        }
      }
    } finally {
      pumping.current = false;
    }
  }, [execute, path]);

  useEffect(() => {
    kernelRef.current = kernel;
    if (kernel) void pump();
  }, [kernel, pump]);

  // What waited for this notebook's kernel is forgotten with it (a running cell ends on its own:
  // its execution is cancelled when the connection goes).
  useEffect(
    () => () => {
      queue.current = [];
      useNotebookDocsStore.getState().unqueue(path);
    },
    [path],
  );

  const run = useCallback(
    (keys: string[]) => {
      const fresh = keys.filter((key) => !queue.current.includes(key));
      if (fresh.length === 0) return;
      useNotebookDocsStore.getState().queue(path, fresh);
      queue.current.push(...fresh);
      if (!kernelRef.current) useNotebooksStore.getState().ensureServer();
      void pump();
    },
    [path, pump],
  );

  const dropQueue = useCallback(() => {
    queue.current = [];
    useNotebookDocsStore.getState().unqueue(path);
  }, [path]);

  const interrupt = useCallback(async () => {
    dropQueue();
    await kernelRef.current?.interrupt();
  }, [dropQueue]);

  const restart = useCallback(async () => {
    dropQueue();
    const current = kernelRef.current;
    if (!current) return;
    const store = useNotebookDocsStore.getState();
    store.kernelStatus(path, 'restarting');
    try {
      await current.restart();
      useNotebookDocsStore.getState().kernelStatus(path, current.status());
    } catch (error) {
      useNotebookDocsStore.getState().kernelStatus(path, current.status(), error instanceof Error ? error.message : String(error));
    }
  }, [dropQueue, path]);

  return useMemo(() => ({ run, interrupt, restart }), [run, interrupt, restart]);
}
