import { useCallback, useEffect, useSyncExternalStore } from 'react';
import type { NotebookKernel } from './kernel';
import { ensureNotebookKernels, notebookKernel, subscribeNotebookKernels } from './kernelOwner';

/**
 * The kernel of the open notebook at `path`, as kernelOwner holds it: connected while the server
 * is ready and the notebook's tab is open, whether this component is mounted or not (unmounting
 * lets go of nothing). Its status is in the doc store.
 */
export function useNotebookKernel(path: string): NotebookKernel | null {
  useEffect(() => ensureNotebookKernels(), []);
  const snapshot = useCallback(() => notebookKernel(path), [path]);
  return useSyncExternalStore(subscribeNotebookKernels, snapshot);
}
