import { useMemo } from 'react';
import { interruptKernel, restartKernel, runCells } from './kernelOwner';

export interface NotebookRunner {
  /** Queues the code cells with these keys, in order; they run once a kernel is there. */
  run(keys: string[]): void;
  interrupt(): Promise<void>;
  restart(): Promise<void>;
}

/**
 * Runs a notebook's cells through kernelOwner, which writes each message as an nbformat output into
 * the document (so saving keeps them) and the execution count into the cell, and keeps running
 * them while the pane is not shown. A cell that fails stops the cells queued after it.
 */
export function useNotebookRunner(path: string): NotebookRunner {
  return useMemo(
    () => ({
      run: (keys: string[]) => runCells(path, keys),
      interrupt: () => interruptKernel(path),
      restart: () => restartKernel(path),
    }),
    [path],
  );
}
