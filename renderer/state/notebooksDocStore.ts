import { create } from 'zustand';
import type { NotebookChange } from '../../main/contract/notebooks';
import type { LatheError } from '../../main/contract/result';
import { getBridge } from '../api/client';
import type { KernelStatus } from '../panes/notebooks/kernel';
import {
  appendOutput,
  cellsOf,
  cellType,
  newCell,
  outputsOf,
  replaceCell,
  withCells,
  withSource,
  withType,
  type CellType,
  type Notebook,
  type Output,
} from '../panes/notebooks/nbformat';

/**
 * The open notebooks: each one's JSON as the document (edits copy only what they change, so what
 * Lathe does not understand is saved as it was read), its selection and mode, dirty and save
 * state, autosave, and the run state of its cells. Cells are told apart by keys that live only
 * here (parallel to the cells), never written into the file.
 */

export interface NotebookDoc {
  path: string;
  notebook: Notebook | null;
  /** One per cell, in the same order. */
  keys: string[];
  loadError: LatheError | null;
  /** notebooks.open's or the last save's Modified. */
  modified: string | null;
  version: number;
  savedVersion: number;
  saving: boolean;
  saveError: LatheError | null;
  /** The file changed on disk since it was read: saving would overwrite someone's change. */
  conflict: boolean;
  selected: number;
  mode: 'command' | 'edit';
  /** Markdown cells shown as their source (by key). */
  editing: Record<string, true>;
  /** Code cells waiting for or running in the kernel (by key). */
  running: Record<string, 'queued' | 'running'>;
  kernel: KernelStatus;
  kernelError: string | null;
  /** The editor takes the keyboard focus once it shows (a notebook just created). */
  claimFocus: boolean;
}

export const isDirty = (doc: NotebookDoc | undefined) => Boolean(doc && doc.version !== doc.savedVersion);

/** How long after the last edit a dirty notebook saves itself. */
export const autosave = { delayMs: 2000 };

let nextKey = 0;
const newKey = () => `cell-${++nextKey}`;
const autosaveTimers = new Map<string, ReturnType<typeof setTimeout>>();

function cancelAutosave(path: string): void {
  const timer = autosaveTimers.get(path);
  if (timer) clearTimeout(timer);
  autosaveTimers.delete(path);
}

interface DocsState {
  docs: Record<string, NotebookDoc>;
  /** Open notebooks in tab order. */
  order: string[];
  active: string | null;
  /** `fresh`: just created, so an empty notebook gets its first cell, ready to type in. */
  open(path: string, options?: { fresh?: boolean }): Promise<void>;
  focusClaimed(path: string): void;
  activate(path: string): void;
  /** Saves a dirty notebook first; answers the save's error instead of closing when it fails. */
  close(path: string, options?: { discard?: boolean }): Promise<LatheError | null>;
  reload(path: string): Promise<void>;
  save(path: string, options?: { overwrite?: boolean }): Promise<LatheError | null>;
  setSource(path: string, index: number, text: string): void;
  insertCell(path: string, at: number, type?: CellType): void;
  deleteCell(path: string, index: number): void;
  moveCell(path: string, index: number, delta: -1 | 1): void;
  setCellType(path: string, index: number, type: CellType): void;
  select(path: string, index: number, mode?: 'command' | 'edit'): void;
  setMode(path: string, mode: 'command' | 'edit'): void;
  setEditing(path: string, key: string, editing: boolean): void;
  /** Cells waiting for the kernel. */
  queue(path: string, keys: string[]): void;
  unqueue(path: string): void;
  /** A cell starts running: its outputs cleared. */
  runStarted(path: string, key: string): void;
  output(path: string, key: string, output: Output): void;
  /** Replaces a cell's outputs with what `change` makes of them (a display update). */
  mapOutputs(path: string, key: string, change: (outputs: Output[]) => Output[]): void;
  clearOutputs(path: string, key: string): void;
  /** A cell is done; its execution count becomes `executionCount` unless that is undefined. */
  runFinished(path: string, key: string, executionCount?: number | null): void;
  kernelStatus(path: string, status: KernelStatus, error?: string | null): void;
  /** From the file browser: an open notebook was renamed, or deleted. */
  renamed(from: string, to: string): void;
  removed(path: string): void;
  /** From main's notebooks.changed: a notebook run from the API wrote its outputs into an open one. */
  notebookChanged(change: NotebookChange): void;
}

type Patch = Partial<NotebookDoc> | ((doc: NotebookDoc) => Partial<NotebookDoc>);

export const useNotebookDocsStore = create<DocsState>()((set, get) => {
  const patch = (path: string, change: Patch) =>
    set((s) => {
      const doc = s.docs[path];
      if (!doc) return s;
      return { docs: { ...s.docs, [path]: { ...doc, ...(typeof change === 'function' ? change(doc) : change) } } };
    });

  /** Saves a dirty notebook once edits pause (a save under way tries again when it ends). */
  const scheduleAutosave = (path: string) => {
    cancelAutosave(path);
    autosaveTimers.set(
      path,
      setTimeout(() => {
        autosaveTimers.delete(path);
        const current = get().docs[path];
        if (current && isDirty(current) && !current.conflict && !current.saving) void get().save(path);
      }, autosave.delayMs),
    );
  };

  /** An edit of the document: a new version, saved by autosave once edits pause. */
  const edit = (path: string, change: (doc: NotebookDoc) => Partial<NotebookDoc> | null) => {
    const doc = get().docs[path];
    if (!doc?.notebook) return;
    const next = change(doc);
    if (!next) return;
    patch(path, { ...next, version: doc.version + 1 });
    scheduleAutosave(path);
  };

  const cellIndex = (doc: NotebookDoc, key: string) => doc.keys.indexOf(key);

  /** An edit of one cell found by key (a cell may have moved while it ran). */
  const editCell = (path: string, key: string, change: (cell: Record<string, unknown>) => Record<string, unknown>) =>
    edit(path, (doc) => {
      const index = cellIndex(doc, key);
      const cell = index < 0 ? undefined : cellsOf(doc.notebook!)[index];
      if (!cell) return null;
      const next = change(cell);
      return next === cell ? null : { notebook: replaceCell(doc.notebook!, index, next) };
    });

  const blank = (path: string): NotebookDoc => ({
    path,
    notebook: null,
    keys: [],
    loadError: null,
    modified: null,
    version: 0,
    savedVersion: 0,
    saving: false,
    saveError: null,
    conflict: false,
    selected: 0,
    mode: 'command',
    editing: {},
    running: {},
    kernel: 'disconnected',
    kernelError: null,
    claimFocus: false,
  });

  return {
    docs: {},
    order: [],
    active: null,

    async open(path, options) {
      if (get().docs[path]) {
        set({ active: path });
        return;
      }
      set((s) => ({ docs: { ...s.docs, [path]: blank(path) }, order: [...s.order, path], active: path }));
      await get().reload(path);
      const doc = get().docs[path];
      if (!options?.fresh || !doc?.notebook) return;
      if (cellsOf(doc.notebook).length === 0) get().insertCell(path, 0, 'code');
      patch(path, { mode: 'edit', selected: 0, claimFocus: true });
    },

    focusClaimed(path) {
      patch(path, { claimFocus: false });
    },

    activate(path) {
      if (get().docs[path]) set({ active: path });
    },

    async close(path, options) {
      const doc = get().docs[path];
      if (!doc) return null;
      if (isDirty(doc) && !options?.discard) {
        const error = await get().save(path);
        if (error) return error;
      }
      cancelAutosave(path);
      set((s) => {
        const docs = { ...s.docs };
        delete docs[path];
        const order = s.order.filter((p) => p !== path);
        const at = s.order.indexOf(path);
        const active = s.active === path ? (order[Math.min(at, order.length - 1)] ?? null) : s.active;
        return { docs, order, active };
      });
      return null;
    },

    async reload(path) {
      const result = await getBridge().call('notebooks.open', { Path: path });
      if (!get().docs[path]) return;
      cancelAutosave(path);
      if (!result.ok) {
        patch(path, { loadError: result.error });
        return;
      }
      const notebook = result.value.Notebook;
      patch(path, (doc) => ({
        notebook,
        keys: cellsOf(notebook).map(newKey),
        loadError: null,
        modified: result.value.Modified,
        savedVersion: doc.version,
        saveError: null,
        conflict: false,
        selected: Math.min(doc.selected, Math.max(0, cellsOf(notebook).length - 1)),
        editing: {},
        running: {},
      }));
    },

    async save(path, options) {
      const doc = get().docs[path];
      if (!doc?.notebook) return null;
      cancelAutosave(path);
      const version = doc.version;
      patch(path, { saving: true, saveError: null });
      const result = await getBridge().call('notebooks.save', {
        Path: path,
        Notebook: doc.notebook,
        ...(doc.modified && !options?.overwrite ? { ExpectedModified: doc.modified } : {}),
      });
      if (!get().docs[path]) return result.ok ? null : result.error;
      if (result.ok) {
        patch(path, { saving: false, savedVersion: version, modified: result.value.Modified, conflict: false });
        // Edits made while it saved are saved in turn.
        if (isDirty(get().docs[path]) && !autosaveTimers.has(path)) scheduleAutosave(path);
        return null;
      }
      patch(path, { saving: false, saveError: result.error, conflict: result.error.code === 'conflict' });
      return result.error;
    },

    setSource(path, index, text) {
      edit(path, (doc) => {
        const cell = cellsOf(doc.notebook!)[index];
        if (!cell) return null;
        const next = withSource(cell, text);
        return next === cell ? null : { notebook: replaceCell(doc.notebook!, index, next) };
      });
    },

    insertCell(path, at, type = 'code') {
      edit(path, (doc) => {
        const cells = cellsOf(doc.notebook!).slice();
        const index = Math.max(0, Math.min(at, cells.length));
        cells.splice(index, 0, newCell(type, doc.notebook!));
        const keys = doc.keys.slice();
        keys.splice(index, 0, newKey());
        return { notebook: withCells(doc.notebook!, cells), keys, selected: index };
      });
    },

    deleteCell(path, index) {
      edit(path, (doc) => {
        const cells = cellsOf(doc.notebook!).slice();
        if (!cells[index]) return null;
        cells.splice(index, 1);
        const keys = doc.keys.slice();
        keys.splice(index, 1);
        return { notebook: withCells(doc.notebook!, cells), keys, selected: Math.max(0, Math.min(index, cells.length - 1)), mode: 'command' };
      });
    },

    moveCell(path, index, delta) {
      edit(path, (doc) => {
        const cells = cellsOf(doc.notebook!).slice();
        const to = index + delta;
        if (!cells[index] || to < 0 || to >= cells.length) return null;
        [cells[index], cells[to]] = [cells[to]!, cells[index]!];
        const keys = doc.keys.slice();
        [keys[index], keys[to]] = [keys[to]!, keys[index]!];
        return { notebook: withCells(doc.notebook!, cells), keys, selected: to };
      });
    },

    setCellType(path, index, type) {
      edit(path, (doc) => {
        const cell = cellsOf(doc.notebook!)[index];
        if (!cell || cellType(cell) === type) return null;
        const key = doc.keys[index]!;
        const editing = { ...doc.editing };
        // A cell that becomes Markdown starts as its source, to go on writing it.
        if (type === 'markdown') editing[key] = true;
        else delete editing[key];
        return { notebook: replaceCell(doc.notebook!, index, withType(cell, type)), editing };
      });
    },

    select(path, index, mode) {
      patch(path, (doc) => {
        const count = doc.notebook ? cellsOf(doc.notebook).length : 0;
        const selected = Math.max(0, Math.min(index, count - 1));
        return mode ? { selected, mode } : { selected };
      });
    },

    setMode(path, mode) {
      patch(path, { mode });
    },

    setEditing(path, key, editing) {
      patch(path, (doc) => {
        if (Boolean(doc.editing[key]) === editing) return {};
        const next = { ...doc.editing };
        if (editing) next[key] = true;
        else delete next[key];
        return { editing: next };
      });
    },

    queue(path, keys) {
      patch(path, (doc) => ({ running: { ...doc.running, ...Object.fromEntries(keys.filter((k) => !doc.running[k]).map((k) => [k, 'queued' as const])) } }));
    },

    unqueue(path) {
      patch(path, (doc) => ({ running: Object.fromEntries(Object.entries(doc.running).filter(([, state]) => state === 'running')) }));
    },

    runStarted(path, key) {
      patch(path, (doc) => ({ running: { ...doc.running, [key]: 'running' } }));
      get().clearOutputs(path, key);
    },

    output(path, key, output) {
      editCell(path, key, (cell) => ({ ...cell, outputs: appendOutput(outputsOf(cell), output) }));
    },

    mapOutputs(path, key, change) {
      editCell(path, key, (cell) => {
        const outputs = outputsOf(cell);
        const next = change(outputs);
        return next === outputs ? cell : { ...cell, outputs: next };
      });
    },

    clearOutputs(path, key) {
      editCell(path, key, (cell) => (Array.isArray(cell.outputs) && cell.outputs.length === 0 ? cell : { ...cell, outputs: [] }));
    },

    runFinished(path, key, executionCount) {
      patch(path, (doc) => {
        const running = { ...doc.running };
        delete running[key];
        return { running };
      });
      if (executionCount !== undefined) editCell(path, key, (cell) => (cell.execution_count === executionCount ? cell : { ...cell, execution_count: executionCount }));
    },

    kernelStatus(path, status, error = null) {
      patch(path, { kernel: status, kernelError: error });
    },

    renamed(from, to) {
      const doc = get().docs[from];
      if (!doc || get().docs[to]) return;
      cancelAutosave(from);
      set((s) => {
        const docs = { ...s.docs, [to]: { ...doc, path: to } };
        delete docs[from];
        return { docs, order: s.order.map((p) => (p === from ? to : p)), active: s.active === from ? to : s.active };
      });
      if (isDirty(get().docs[to])) void get().save(to);
    },

    removed(path) {
      for (const open of get().order) if (open === path || open.startsWith(`${path}/`)) void get().close(open, { discard: true });
    },

    notebookChanged(change) {
      const doc = change.kind === 'run' && change.path ? get().docs[change.path] : undefined;
      // Unsaved edits win: saving them is refused as a conflict, which offers the reload.
      if (doc && !isDirty(doc) && !doc.saving && Object.keys(doc.running).length === 0) void get().reload(doc.path);
    },
  };
});

/** Every open notebook closed and forgotten (tests). */
export function resetNotebookDocs(): void {
  for (const path of autosaveTimers.keys()) cancelAutosave(path);
  useNotebookDocsStore.setState(useNotebookDocsStore.getInitialState(), true);
}
