import { create } from 'zustand';
import type { NotebookChange, NotebookEnvironment, NotebookServerStatus, WorkspaceEntry } from '../../main/contract/notebooks';
import type { LatheError, Result } from '../../main/contract/result';
import { getBridge } from '../api/client';
import { useNotebookDocsStore } from './notebooksDocStore';

/**
 * The Notebooks pane's environment (interpreter, packages, problems), its Jupyter server, and the
 * workspace's file tree; kept live by notebooks.changed. Open notebooks are notebooksDocStore's.
 */

export interface Folder {
  entries: WorkspaceEntry[];
  loading: boolean;
  error: LatheError | null;
}

interface NotebooksState {
  environment: NotebookEnvironment | null;
  environmentError: LatheError | null;
  server: NotebookServerStatus | null;
  serverError: LatheError | null;
  /** A start or stop this page asked for and main has not answered yet. */
  serverBusy: 'starting' | 'stopping' | null;
  /** By folder path ('' is the workspace). */
  folders: Record<string, Folder>;
  expanded: Record<string, true>;
  selected: string | null;
  loaded: boolean;
  ensureLoaded(): void;
  loadEnvironment(): Promise<void>;
  loadServer(): Promise<void>;
  startServer(): Promise<void>;
  stopServer(): Promise<void>;
  restartServer(): Promise<void>;
  /** Starts the server when it is stopped and the environment can run one. */
  ensureServer(): void;
  loadFolder(path: string): Promise<void>;
  /** The workspace and every open folder, again. */
  refresh(): Promise<void>;
  toggle(path: string, open?: boolean): void;
  select(path: string | null): void;
  create(kind: 'notebook' | 'directory', folder: string): Promise<Result<WorkspaceEntry>>;
  /** "New notebook" from outside the pane (the palette): made in the selected folder and opened. */
  newNotebook(): Promise<void>;
  /** Why the last newNotebook() failed (the file browser shows it). */
  newNotebookError: LatheError | null;
  clearNewNotebookError(): void;
  rename(path: string, name: string): Promise<Result<WorkspaceEntry>>;
  remove(path: string): Promise<Result<{ Path: string; TrashedTo: string }>>;
  upload(folder: string, name: string, base64: string, overwrite?: boolean): Promise<Result<WorkspaceEntry>>;
  /** From main's notebooks.changed. */
  notebooksChanged(change: NotebookChange): void;
}

export function parentOf(path: string): string {
  const at = path.lastIndexOf('/');
  return at < 0 ? '' : path.slice(0, at);
}

export function joinPath(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`;
}

const folderRequests = new Map<string, number>();
let refreshTimer: ReturnType<typeof setTimeout> | null = null;

export const useNotebooksStore = create<NotebooksState>()((set, get) => ({
  environment: null,
  environmentError: null,
  server: null,
  serverError: null,
  serverBusy: null,
  folders: {},
  expanded: {},
  selected: null,
  loaded: false,

  ensureLoaded() {
    if (get().loaded) {
      // Shown again: what changed while the pane was away.
      void get().loadServer();
      void get().refresh();
      return;
    }
    set({ loaded: true });
    void get().loadEnvironment();
    void get().loadServer();
    void get().loadFolder('');
  },

  async loadEnvironment() {
    const result = await getBridge().call('notebooks.environment', {});
    set(result.ok ? { environment: result.value, environmentError: null } : { environmentError: result.error });
  },

  async loadServer() {
    const result = await getBridge().call('notebooks.server', {});
    if (get().serverBusy) return;
    set(result.ok ? { server: result.value, serverError: null } : { serverError: result.error });
  },

  async startServer() {
    if (get().serverBusy) return;
    set((s) => ({ serverBusy: 'starting', serverError: null, server: s.server ? { ...s.server, State: 'starting', FailureReason: undefined, LastOutput: undefined } : s.server }));
    const result = await getBridge().call('notebooks.start', {});
    set(result.ok ? { server: result.value, serverBusy: null } : { serverError: result.error, serverBusy: null });
    if (!result.ok) void get().loadServer();
  },

  async stopServer() {
    if (get().serverBusy) return;
    set({ serverBusy: 'stopping', serverError: null });
    const result = await getBridge().call('notebooks.stop', {});
    set(result.ok ? { server: result.value, serverBusy: null } : { serverError: result.error, serverBusy: null });
  },

  async restartServer() {
    await get().stopServer();
    if (!get().serverError) await get().startServer();
  },

  ensureServer() {
    const { server, environment, serverBusy } = get();
    if (serverBusy || !server || server.State !== 'stopped' || environment?.Ready === false) return;
    void get().startServer();
  },

  async loadFolder(path) {
    const request = (folderRequests.get(path) ?? 0) + 1;
    folderRequests.set(path, request);
    set((s) => ({ folders: { ...s.folders, [path]: { entries: s.folders[path]?.entries ?? [], loading: true, error: null } } }));
    const result = await getBridge().call('notebooks.list', path === '' ? {} : { Path: path });
    if (folderRequests.get(path) !== request) return;
    set((s) => ({
      folders: { ...s.folders, [path]: result.ok ? { entries: result.value.Entries, loading: false, error: null } : { entries: s.folders[path]?.entries ?? [], loading: false, error: result.error } },
    }));
  },

  async refresh() {
    const open = ['', ...Object.keys(get().expanded)];
    await Promise.all(open.map((path) => get().loadFolder(path)));
  },

  toggle(path, open) {
    const isOpen = path in get().expanded;
    const next = open ?? !isOpen;
    if (next === isOpen) return;
    set((s) => {
      const expanded = { ...s.expanded };
      if (next) expanded[path] = true;
      else delete expanded[path];
      return { expanded };
    });
    if (next) void get().loadFolder(path);
  },

  select(selected) {
    set({ selected });
  },

  newNotebookError: null,

  async newNotebook() {
    const { selected, folders } = get();
    // In the selected folder, or the selected file's folder, as the file browser's button does.
    const folder = selected === null ? '' : folders[selected] ? selected : parentOf(selected);
    set({ newNotebookError: null });
    const result = await get().create('notebook', folder);
    if (result.ok) await useNotebookDocsStore.getState().open(result.value.Path, { fresh: true });
    else set({ newNotebookError: result.error });
  },

  clearNewNotebookError() {
    set({ newNotebookError: null });
  },

  async create(kind, folder) {
    const result = await getBridge().call('notebooks.create', { Kind: kind, ...(folder ? { Path: folder } : {}) });
    if (result.ok) {
      if (folder) get().toggle(folder, true);
      set({ selected: result.value.Path });
      await get().loadFolder(folder);
    }
    return result;
  },

  async rename(path, name) {
    const result = await getBridge().call('notebooks.rename', { Path: path, NewPath: joinPath(parentOf(path), name) });
    if (result.ok) {
      set((s) => ({ selected: s.selected === path ? result.value.Path : s.selected }));
      await get().refresh();
    }
    return result;
  },

  async remove(path) {
    const result = await getBridge().call('notebooks.delete', { Path: path });
    if (result.ok) {
      set((s) => {
        const expanded = Object.fromEntries(Object.entries(s.expanded).filter(([p]) => p !== path && !p.startsWith(`${path}/`)));
        return { expanded, selected: s.selected === path ? null : s.selected };
      });
      await get().loadFolder(parentOf(path));
    }
    return result;
  },

  async upload(folder, name, base64, overwrite) {
    const result = await getBridge().call('notebooks.upload', { Name: name, ContentBase64: base64, ...(folder ? { Path: folder } : {}), ...(overwrite ? { Overwrite: true } : {}) });
    if (result.ok) await get().loadFolder(folder);
    return result;
  },

  notebooksChanged(change) {
    if (change.kind === 'server') {
      const server = get().server;
      if (server && change.State && !get().serverBusy) set({ server: { ...server, State: change.State } });
      void get().loadServer();
      return;
    }
    if (!get().loaded) return;
    // Files change in bursts (a save, an upload of many): list once they settle.
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      void get().refresh();
    }, 150);
  },
}));
