/**
 * notebooks.run: a notebook executed top to bottom in a fresh kernel, the way nbclient does it,
 * from Node with @jupyterlab/services talking to the Jupyter server directly (not through the
 * proxy). The kernel starts in the notebook's folder, every code cell runs in order, the first
 * error stops the run, the time limit interrupts it, and the outputs go back into the file with
 * the same atomic save as notebooks.save.
 */
import { LatheFault, unavailable } from '../api/errors';
import type { NotebookRunResult } from '../contract/notebooks';
import type { Logger } from '../log/logger';
import { connectKernel, jupyterServices, nodeServerSettings, type KernelConnection, type KernelModel } from './jupyterServices';
import { applyDisplayUpdate, OutputCollector, type DisplayRegistry } from './outputs';
import type { Workspace } from './workspace';

export const DEFAULT_RUN_TIMEOUT_SECONDS = 1800;
/** How long an interrupted cell gets to end before the run gives up on it. */
const INTERRUPT_GRACE_MS = 10_000;

export interface RunRequest {
  Path: string;
  TimeoutSeconds?: number;
  Save?: boolean;
  Kernel?: string;
}

export interface RunnerDeps {
  workspace: Workspace;
  /** Starts the server when needed; its own URL and token. */
  server: () => Promise<{ url: string; token: string }>;
  logger: Logger;
  /** Aborted when Lathe shuts down. */
  signal: AbortSignal;
}

type Cell = Record<string, unknown>;

/** Resolves when `promise` settles, the time is up or Lathe shuts down ('late'); leaves no timer or listener behind. */
async function within<T>(promise: Promise<T>, ms: number, signal: AbortSignal): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), Math.max(0, ms));
    onAbort = () => resolve('late');
    if (signal.aborted) resolve('late');
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

const sourceOf = (cell: Cell) => (Array.isArray(cell.source) ? cell.source.map(String).join('') : String(cell.source ?? ''));

type CellEnd = { kind: 'reply'; content: Record<string, unknown> } | { kind: 'dead'; why: string } | { kind: 'timeout' };

async function executeCell(kernel: KernelConnection, code: string, collector: OutputCollector, deadline: number, signal: AbortSignal): Promise<CellEnd> {
  const future = kernel.requestExecute({ code, silent: false, store_history: true, allow_stdin: false, stop_on_error: true });
  future.onIOPub = (message) => collector.handle(message);
  const done = future.done.then(
    (reply): CellEnd => ({ kind: 'reply', content: reply.content }),
    (error: unknown): CellEnd => ({ kind: 'dead', why: error instanceof Error ? error.message : String(error) }),
  );
  const first = await within(done, deadline - Date.now(), signal);
  if (first !== 'late') return first;
  // Over time (or shutting down): interrupt, and keep what the cell printed until it stops.
  await kernel.interrupt().catch(() => undefined);
  await within(done, INTERRUPT_GRACE_MS, new AbortController().signal);
  return { kind: 'timeout' };
}

/** Runs every code cell of a workspace notebook in a fresh kernel; saves the outputs unless Save is false. */
export async function runNotebook(request: RunRequest, deps: RunnerDeps): Promise<NotebookRunResult> {
  const started = Date.now();
  const opened = await deps.workspace.open(request.Path);
  const notebook = opened.Notebook;
  const cells = (notebook.cells as Cell[]).filter((cell) => cell && typeof cell === 'object');
  const codeCells = cells.map((cell, index) => ({ cell, index })).filter(({ cell }) => cell.cell_type === 'code');
  const timeoutSeconds = request.TimeoutSeconds ?? DEFAULT_RUN_TIMEOUT_SECONDS;
  const deadline = started + timeoutSeconds * 1000;
  const direct = await deps.server();
  const settings = nodeServerSettings(direct.url, direct.token);
  const kernelName = request.Kernel ?? 'python3';
  const { KernelAPI } = jupyterServices();
  let model: KernelModel;
  try {
    // `path` starts the kernel in the notebook's folder (jupyter_server's cwd_for_path).
    model = await KernelAPI.startNew({ name: kernelName, path: opened.Path }, settings);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new LatheFault('failed-precondition', `the ${kernelName} kernel could not start: ${message}. notebooks.environment lists the kernelspecs of this interpreter.`);
  }
  const kernel = connectKernel(model, settings);
  let status: NotebookRunResult['Status'] = 'ok';
  let error: NotebookRunResult['Error'];
  let executed = 0;
  // A display shown by one cell may be updated by a later one: outputs are written once all ran.
  const displays: DisplayRegistry = new Map();
  const ran: Array<{ cell: Record<string, unknown>; collector: OutputCollector }> = [];
  kernel.iopubMessage.connect((_, message) => {
    if (message.header.msg_type === 'update_display_data') applyDisplayUpdate(displays, message.content);
  });
  try {
    if ((await within(kernel.info, deadline - Date.now(), deps.signal)) === 'late') {
      if (deps.signal.aborted) throw unavailable('Lathe is shutting down; the run was stopped');
      status = 'timeout';
      error = { CellIndex: codeCells[0]?.index ?? 0, EName: 'TimeoutError', EValue: `the kernel did not answer within the run's limit of ${timeoutSeconds} s`, Traceback: [] };
    }
    for (const { cell, index } of error ? [] : codeCells) {
      const code = sourceOf(cell);
      // As nbclient: an empty cell is not sent to the kernel.
      if (code.trim() === '') continue;
      if (deps.signal.aborted) throw unavailable('Lathe is shutting down; the run was stopped');
      const collector = new OutputCollector(displays);
      ran.push({ cell, collector });
      const end = await executeCell(kernel, code, collector, deadline, deps.signal);
      executed++;
      const count = end.kind === 'reply' && typeof end.content.execution_count === 'number' ? end.content.execution_count : collector.executionCount;
      cell.execution_count = count ?? null;
      if (deps.signal.aborted) throw unavailable('Lathe is shutting down; the run was stopped');
      if (end.kind === 'timeout') {
        status = 'timeout';
        error = { CellIndex: index, EName: 'TimeoutError', EValue: `the run passed its limit of ${timeoutSeconds} s while this cell ran, so it was interrupted`, Traceback: [] };
        break;
      }
      if (end.kind === 'dead') {
        status = 'error';
        error = { CellIndex: index, EName: 'DeadKernel', EValue: `the kernel died while this cell ran (${end.why})`, Traceback: [] };
        break;
      }
      if (end.content.status !== 'ok') {
        status = 'error';
        const traceback = Array.isArray(end.content.traceback) ? end.content.traceback.map(String) : [];
        error = { CellIndex: index, EName: String(end.content.ename ?? 'Error'), EValue: String(end.content.evalue ?? end.content.status ?? ''), Traceback: traceback };
        break;
      }
    }
  } finally {
    for (const { cell, collector } of ran) cell.outputs = collector.toNbformat();
    kernel.dispose();
    await KernelAPI.shutdownKernel(model.id, settings).catch((reason: unknown) => deps.logger.warn(`could not shut kernel ${model.id} down`, reason));
  }
  let saved = false;
  let saveError: string | undefined;
  if (request.Save ?? true) {
    try {
      await deps.workspace.save(opened.Path, notebook, opened.Modified);
      saved = true;
    } catch (reason) {
      if (!(reason instanceof LatheFault)) throw reason;
      saveError = `the outputs were not written into ${opened.Path}: ${reason.message}`;
    }
  }
  deps.logger.info(`ran ${opened.Path}: ${status}, ${executed}/${codeCells.length} cells, ${Date.now() - started} ms`);
  return {
    Path: opened.Path,
    Cells: codeCells.length,
    Executed: executed,
    Status: status,
    DurationMs: Date.now() - started,
    ...(error ? { Error: error } : {}),
    Saved: saved,
    ...(saveError ? { SaveError: saveError } : {}),
  };
}
