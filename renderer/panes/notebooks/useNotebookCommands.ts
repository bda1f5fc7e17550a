import { useCallback, useMemo } from 'react';
import { useNotebookDocsStore } from '../../state/notebooksDocStore';
import type { CellActions } from './CellView';
import { cellsOf, cellType } from './nbformat';
import type { NotebookCommand } from './notebookKeys';
import type { NotebookRunner } from './useNotebookRunner';

export interface NotebookCommands {
  actions: CellActions;
  /** Runs these cells: Markdown ones are rendered, code ones queued in the kernel. */
  runCells(indices: number[]): void;
  runAll(): void;
  runAbove(): void;
  runBelow(): void;
  perform(command: NotebookCommand): void;
}

const docOf = (path: string) => useNotebookDocsStore.getState().docs[path];

/** What the toolbar, the cells and the keyboard do to the notebook at `path`. */
export function useNotebookCommands(path: string, runner: NotebookRunner, onRestart: () => void): NotebookCommands {
  const runCells = useCallback(
    (indices: number[]) => {
      const doc = docOf(path);
      if (!doc?.notebook) return;
      const cells = cellsOf(doc.notebook);
      const keys: string[] = [];
      for (const index of indices) {
        const cell = cells[index];
        const key = doc.keys[index];
        if (!cell || !key) continue;
        if (cellType(cell) === 'markdown') useNotebookDocsStore.getState().setEditing(path, key, false);
        else if (cellType(cell) === 'code') keys.push(key);
      }
      if (keys.length > 0) runner.run(keys);
    },
    [path, runner],
  );

  const perform = useCallback(
    (command: NotebookCommand) => {
      const store = useNotebookDocsStore.getState();
      const doc = docOf(path);
      if (!doc?.notebook) return;
      const count = cellsOf(doc.notebook).length;
      const at = doc.selected;
      const key = doc.keys[at];
      switch (command) {
        case 'edit':
          if (count === 0) return;
          if (key && cellType(cellsOf(doc.notebook)[at]!) === 'markdown') store.setEditing(path, key, true);
          store.select(path, at, 'edit');
          return;
        case 'command':
          return store.setMode(path, 'command');
        case 'select-previous':
          return store.select(path, at - 1, 'command');
        case 'select-next':
          return store.select(path, at + 1, 'command');
        case 'select-first':
          return store.select(path, 0, 'command');
        case 'select-last':
          return store.select(path, count - 1, 'command');
        case 'insert-above':
          store.insertCell(path, at);
          return store.setMode(path, 'command');
        case 'insert-below':
          store.insertCell(path, count === 0 ? 0 : at + 1);
          return store.setMode(path, 'command');
        case 'delete':
          return store.deleteCell(path, at);
        case 'to-markdown':
          return store.setCellType(path, at, 'markdown');
        case 'to-code':
          return store.setCellType(path, at, 'code');
        case 'run':
          runCells([at]);
          return store.setMode(path, 'command');
        case 'run-advance':
          runCells([at]);
          if (at + 1 < count) return store.select(path, at + 1, 'command');
          store.insertCell(path, count);
          return store.setMode(path, 'edit');
        case 'run-insert':
          runCells([at]);
          store.insertCell(path, at + 1);
          return store.setMode(path, 'edit');
        case 'interrupt':
          return void runner.interrupt();
        case 'restart':
          return onRestart();
        case 'save':
          return void store.save(path);
      }
    },
    [path, runCells, runner, onRestart],
  );

  const actions = useMemo<CellActions>(
    () => ({
      select: (index, mode) => useNotebookDocsStore.getState().select(path, index, mode),
      setSource: (index, text) => useNotebookDocsStore.getState().setSource(path, index, text),
      edit: (index) => {
        useNotebookDocsStore.getState().select(path, index);
        perform('edit');
      },
      run: (index) => {
        useNotebookDocsStore.getState().select(path, index);
        perform('run');
      },
      move: (index, delta) => useNotebookDocsStore.getState().moveCell(path, index, delta),
      remove: (index) => useNotebookDocsStore.getState().deleteCell(path, index),
    }),
    [path, perform],
  );

  return useMemo(() => {
    const count = () => (docOf(path)?.notebook ? cellsOf(docOf(path)!.notebook!).length : 0);
    const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
    return {
      actions,
      runCells,
      perform,
      runAll: () => runCells(range(0, count())),
      runAbove: () => runCells(range(0, docOf(path)?.selected ?? 0)),
      runBelow: () => runCells(range(docOf(path)?.selected ?? 0, count())),
    };
  }, [actions, runCells, perform, path]);
}
