/**
 * The owner of the open notebooks' kernel connections and of their run queues, by notebook path,
 * outside any component: a connection lives while its notebook's tab is open, whether the
 * Notebooks pane is shown or not, so a cell still running while the person looks at another pane
 * keeps writing its outputs into the document (and autosave keeps saving them), and the cells
 * queued after it still run. A connection is let go when the server stops or restarts, its session
 * ended when the tab is closed, and everything let go on workbench teardown. Connections are
 * disposable resources, never state: what the UI shows (status, run state, outputs) goes to
 * notebooksDocStore. Components subscribe with useNotebookKernel and useNotebookRunner.
 */
import { useNotebookDocsStore } from '../../state/notebooksDocStore';
import { useNotebooksStore } from '../../state/notebooksStore';
import { kernelConnector, type KernelStatus, type NotebookKernel } from './kernel';
import { cellsShowing, displayIdOf, forgetDisplays, rememberDisplay, withDisplayUpdated } from './displays';
import { cellsOf, cellType, kernelNameOf, outputOf, sourceOf } from './nbformat';

/** How long a kernel may stay without an answer after a restart or a crash before Lathe acts. */
export const kernelWatch = { stuckMs: 5000 };

/** The kernel error shown while Lathe restarts a kernel that stopped answering. */
export const AUTO_RESTART_NOTE = 'The kernel did not answer after restarting, so Lathe restarted it once more.';
/** The kernel error shown when that did not help either: the Restart action is the way out. */
export const STUCK_NOTE = 'it did not answer after restarting';

interface Slot {
  path: string;
  /** The connection wanted (server, token, start, path, kernel name); null: none can be had. */
  id: string | null | undefined;
  kernel: NotebookKernel | null;
  unsubscribe: () => void;
  queue: string[];
  pumping: boolean;
  /** A restart (or crash) was seen and the kernel has not answered since. */
  afterRestart: boolean;
  /** A restart asked for by the person is under way. */
  restarting: boolean;
  autoRestarted: boolean;
  note: string | null;
  watchdog: ReturnType<typeof setTimeout> | null;
}

const slots = new Map<string, Slot>();
const listeners = new Set<() => void>();
/** Sessions being shut down, by notebook path. */
const closing = new Map<string, Promise<void>>();
let stopWatching: (() => void) | null = null;
let syncing = false;
let again = false;

const docs = () => useNotebookDocsStore.getState();
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const notify = () => {
  for (const listener of listeners) listener();
};

/** Starts owning the open notebooks' kernels (once; again after closeNotebookKernels). */
export function ensureNotebookKernels(): void {
  if (stopWatching) return;
  const unsubscribeDocs = useNotebookDocsStore.subscribe((state, previous) => {
    if (state.docs !== previous.docs) sync();
  });
  const unsubscribeServer = useNotebooksStore.subscribe((state, previous) => {
    if (state.server !== previous.server || state.environment !== previous.environment) sync();
  });
  stopWatching = () => {
    unsubscribeDocs();
    unsubscribeServer();
  };
  sync();
}

/** Lets go of every connection and forgets the queues (workbench teardown; sessions keep running). */
export function closeNotebookKernels(): void {
  stopWatching?.();
  stopWatching = null;
  for (const slot of [...slots.values()]) {
    slots.delete(slot.path);
    dropQueue(slot);
    disconnect(slot);
  }
  notify();
}

export function subscribeNotebookKernels(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

export function notebookKernel(path: string): NotebookKernel | null {
  return slots.get(path)?.kernel ?? null;
}

/** The connections wanted, from the open notebooks and the server; made or let go to match. */
function sync(): void {
  if (syncing) {
    again = true;
    return;
  }
  syncing = true;
  try {
    do {
      again = false;
      reconcile();
    } while (again);
  } finally {
    syncing = false;
  }
}

function reconcile(): void {
  const open = docs().docs;
  for (const slot of [...slots.values()]) {
    if (open[slot.path]) continue;
    // The tab was closed: what waited is forgotten, the session ended.
    slots.delete(slot.path);
    slot.queue = [];
    disconnect(slot);
    notify();
  }
  const { server, environment } = useNotebooksStore.getState();
  const names = (environment?.Kernelspecs ?? []).map((spec) => spec.Name);
  const ready = server?.State === 'ready' && server.Url && server.Token ? server : null;
  for (const path of Object.keys(open)) {
    const notebook = open[path]?.notebook;
    const kernelName = notebook ? kernelNameOf(notebook, names) : null;
    const id = ready && kernelName ? [ready.Url, ready.Token, ready.StartedAt ?? '', path, kernelName].join('\n') : null;
    const slot = slotOf(path);
    if (slot.id === id) continue;
    slot.id = id;
    disconnect(slot);
    if (id && ready?.Url && ready.Token && kernelName) connect(slot, id, { baseUrl: ready.Url, token: ready.Token, path, kernelName });
    else docs().kernelStatus(path, 'disconnected');
  }
}

function slotOf(path: string): Slot {
  let slot = slots.get(path);
  if (!slot) {
    slot = { path, id: undefined, kernel: null, unsubscribe: () => {}, queue: [], pumping: false, afterRestart: false, restarting: false, autoRestarted: false, note: null, watchdog: null };
    slots.set(path, slot);
  }
  return slot;
}

function connect(slot: Slot, id: string, request: Parameters<ReturnType<typeof kernelConnector>>[0]): void {
  const { path } = slot;
  docs().kernelStatus(path, 'connecting');
  // A notebook closed and opened again at once: its old session must be gone first, or the
  // server answers with the one it is still shutting down.
  const previous = closing.get(path) ?? Promise.resolve();
  const current = () => slots.get(path) === slot && slot.id === id;
  previous
    .then(() => kernelConnector()(request))
    .then(
      (kernel) => {
        if (!current()) {
          release(path, kernel);
          return;
        }
        slot.kernel = kernel;
        slot.unsubscribe = kernel.onStatus((status) => statusChanged(slot, status));
        statusChanged(slot, kernel.status());
        notify();
        void pump(slot);
      },
      (error: unknown) => {
        if (current()) docs().kernelStatus(path, 'disconnected', message(error));
      },
    );
}

/** Lets go of the slot's connection (its session ended too when the notebook is no longer open). */
function disconnect(slot: Slot): void {
  forgetDisplays(slot.path);
  slot.unsubscribe();
  slot.unsubscribe = () => {};
  clearWatch(slot);
  slot.afterRestart = false;
  slot.autoRestarted = false;
  slot.note = null;
  const kernel = slot.kernel;
  slot.kernel = null;
  if (kernel) {
    release(slot.path, kernel);
    notify();
  }
}

function release(path: string, kernel: NotebookKernel): void {
  if (docs().docs[path]) {
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

// --- A kernel that never answers after a restart (@jupyterlab/services can miss the kernel_info
// reply after an auto-restart and stay 'unknown'): restart it once more, then offer Restart.

const waiting = (status: KernelStatus) => status === 'connecting' || status === 'restarting';

function statusChanged(slot: Slot, status: KernelStatus): void {
  if (status === 'restarting' || status === 'dead') slot.afterRestart = true;
  if (status === 'idle' || status === 'busy') {
    slot.afterRestart = false;
    slot.autoRestarted = false;
    slot.note = null;
  }
  docs().kernelStatus(slot.path, status, waiting(status) ? slot.note : null);
  watch(slot);
}

function clearWatch(slot: Slot): void {
  if (slot.watchdog) clearTimeout(slot.watchdog);
  slot.watchdog = null;
}

function watch(slot: Slot): void {
  const kernel = slot.kernel;
  if (!kernel) {
    clearWatch(slot);
    return;
  }
  const stuck = () => slot.kernel === kernel && slots.get(slot.path) === slot && !slot.restarting && slot.afterRestart && waiting(kernel.status());
  if (!stuck()) {
    clearWatch(slot);
    return;
  }
  if (slot.watchdog) return;
  slot.watchdog = setTimeout(() => {
    slot.watchdog = null;
    if (!stuck()) return;
    if (slot.autoRestarted) {
      docs().kernelStatus(slot.path, 'dead', STUCK_NOTE);
      return;
    }
    slot.autoRestarted = true;
    slot.note = AUTO_RESTART_NOTE;
    docs().kernelStatus(slot.path, 'restarting', AUTO_RESTART_NOTE);
    kernel.restart().then(
      () => {
        if (slot.kernel === kernel) statusChanged(slot, kernel.status());
      },
      () => {
        if (slot.kernel === kernel) watch(slot);
      },
    );
    watch(slot);
  }, kernelWatch.stuckMs);
}

// --- Running cells: one after the other, each message an nbformat output in the document.

function dropQueue(slot: Slot): void {
  slot.queue = [];
  docs().unqueue(slot.path);
}

/** Queues the code cells with these keys, in order; they run once a kernel is there. */
export function runCells(path: string, keys: string[]): void {
  ensureNotebookKernels();
  if (!docs().docs[path]) return;
  const slot = slotOf(path);
  const fresh = keys.filter((key) => !slot.queue.includes(key));
  if (fresh.length === 0) return;
  docs().queue(path, fresh);
  slot.queue.push(...fresh);
  if (!slot.kernel) useNotebooksStore.getState().ensureServer();
  void pump(slot);
}

export async function interruptKernel(path: string): Promise<void> {
  const slot = slots.get(path);
  if (!slot) return;
  dropQueue(slot);
  await slot.kernel?.interrupt();
}

export async function restartKernel(path: string): Promise<void> {
  const slot = slots.get(path);
  if (!slot) return;
  dropQueue(slot);
  const current = slot.kernel;
  if (!current) return;
  clearWatch(slot);
  slot.restarting = true;
  slot.afterRestart = true;
  slot.autoRestarted = false;
  slot.note = null;
  forgetDisplays(path);
  docs().kernelStatus(path, 'restarting');
  try {
    await current.restart();
    slot.restarting = false;
    if (slot.kernel === current) statusChanged(slot, current.status());
  } catch (error) {
    slot.restarting = false;
    if (slot.kernel === current) docs().kernelStatus(path, current.status(), message(error));
  }
}

async function pump(slot: Slot): Promise<void> {
  if (slot.pumping) return;
  slot.pumping = true;
  const { path } = slot;
  try {
    while (slot.queue.length > 0 && slots.get(path) === slot) {
      const current = slot.kernel;
      // No kernel yet (the server is starting): the queue waits for one.
      if (!current) break;
      const key = slot.queue.shift()!;
      const doc = docs().docs[path];
      const index = doc ? doc.keys.indexOf(key) : -1;
      const cell = doc?.notebook && index >= 0 ? cellsOf(doc.notebook)[index] : undefined;
      if (!cell || cellType(cell) !== 'code') {
        docs().runFinished(path, key);
        continue;
      }
      const code = sourceOf(cell);
      if (code.trim() === '') {
        // Jupyter runs nothing for an empty cell: no outputs, no count.
        docs().clearOutputs(path, key);
        docs().runFinished(path, key, null);
        continue;
      }
      if (!(await execute(path, current, key, code))) dropQueue(slot);
    }
  } finally {
    slot.pumping = false;
  }
}

/** Runs one cell; a cell that fails stops the cells queued after it, as Jupyter does. */
async function execute(path: string, kernel: NotebookKernel, key: string, code: string): Promise<boolean> {
  docs().runStarted(path, key);
  // clear_output(wait=True): the outputs go when the next one comes (no flicker).
  let clearOnNext = false;
  try {
    const reply = await kernel.execute(code, (message) => {
      const store = docs();
      if (message.type === 'clear_output') {
        if (message.content.wait) clearOnNext = true;
        else store.clearOutputs(path, key);
        return;
      }
      const displayId = displayIdOf(message.content);
      if (message.type === 'update_display_data') {
        // Wherever the display is: this cell, or one that ran before.
        if (displayId) for (const shown of cellsShowing(path, displayId)) store.mapOutputs(path, shown, (outputs) => withDisplayUpdated(outputs, displayId, message.content));
        return;
      }
      const output = outputOf(message.type, message.content);
      if (!output) return;
      if (clearOnNext) store.clearOutputs(path, key);
      clearOnNext = false;
      if (displayId) rememberDisplay(path, key, displayId, output);
      store.output(path, key, output);
    });
    docs().runFinished(path, key, reply.executionCount);
    return reply.status === 'ok';
  } catch (error) {
    docs().runFinished(path, key);
    docs().kernelStatus(path, kernel.status(), message(error));
    return false;
  }
}
