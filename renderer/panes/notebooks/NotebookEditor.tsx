import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { RotateCcw, Skull, TriangleAlert } from 'lucide-react';
import { ErrorState } from '../../components/ErrorState';
import { useNotebookDocsStore, type NotebookDoc } from '../../state/notebooksDocStore';
import { useNotebooksStore } from '../../state/notebooksStore';
import { CellView } from './CellView';
import { ConfirmDialog } from './ConfirmDialog';
import { cellsOf, kernelNameOf } from './nbformat';
import { commandModeCommand, editModeCommand, type Chord } from './notebookKeys';
import { NotebookToolbar } from './NotebookToolbar';
import { useNotebookCommands } from './useNotebookCommands';
import { useNotebookKernel } from './useNotebookKernel';
import { useNotebookRunner } from './useNotebookRunner';

const INPUT = '.nb-cell-input';

/**
 * Focuses the editor in `cell` once it can take the focus: Monaco makes its input a frame or two
 * after it mounts, and shows it (display: none until then) a render later.
 */
function focusEditor(cell: HTMLElement, tries = 60): void {
  const input = cell.querySelector<HTMLElement>(`${INPUT} [role="textbox"], ${INPUT} textarea`);
  input?.focus();
  if (input && document.activeElement === input) return;
  if (tries > 0 && cell.isConnected) requestAnimationFrame(() => focusEditor(cell, tries - 1));
}

/**
 * Keeps the keyboard focus on the selected cell (command mode) or in its editor (edit mode), while
 * the focus is in this notebook: selection moves never steal it from the rest of the page.
 */
function useCellFocus(list: RefObject<HTMLDivElement | null>, doc: NotebookDoc | undefined, active: boolean): void {
  const selected = doc?.selected ?? 0;
  const mode = doc?.mode ?? 'command';
  const key = doc?.keys[selected];
  const editing = key ? Boolean(doc?.editing[key]) : false;
  const count = doc?.keys.length ?? 0;
  const claim = doc?.claimFocus ?? false;
  const path = doc?.path;
  useEffect(() => {
    const element = list.current;
    if (!active || !element || count === 0 || !path) return;
    const focused = document.activeElement;
    if (claim) useNotebookDocsStore.getState().focusClaimed(path);
    else if (focused && focused !== document.body && !element.contains(focused)) return;
    const cell = element.querySelector<HTMLElement>(`[data-cell-index="${selected}"]`);
    if (!cell) return;
    if (mode === 'command') {
      if (focused !== cell) cell.focus();
    } else if (!cell.querySelector(INPUT)?.contains(focused)) {
      focusEditor(cell);
    }
  }, [list, active, selected, mode, key, editing, count, claim, path]);
}

/** One open notebook: toolbar, banners (conflict, dead kernel), cells, and Jupyter's keyboard. */
export function NotebookEditor({ path, active }: { path: string; active: boolean }) {
  const doc = useNotebookDocsStore((s) => s.docs[path]);
  const reload = useNotebookDocsStore((s) => s.reload);
  const save = useNotebookDocsStore((s) => s.save);
  const insertCell = useNotebookDocsStore((s) => s.insertCell);
  const server = useNotebooksStore((s) => s.server);
  const serverBusy = useNotebooksStore((s) => s.serverBusy);
  const startServer = useNotebooksStore((s) => s.startServer);
  const specs = useNotebooksStore((s) => s.environment?.Kernelspecs);
  useNotebookKernel(path);
  const runner = useNotebookRunner(path);
  const [confirm, setConfirm] = useState<'restart' | 'reload' | null>(null);
  const askRestart = useCallback(() => setConfirm('restart'), []);
  const commands = useNotebookCommands(path, runner, askRestart);
  const list = useRef<HTMLDivElement>(null);
  const chord = useRef<Chord | null>(null);
  useCellFocus(list, doc, active);

  const notebook = doc?.notebook ?? null;
  const cells = useMemo(() => (notebook ? cellsOf(notebook) : []), [notebook]);
  const kernelSpec = specs?.find((spec) => spec.Name === kernelNameOf(notebook, specs.map((s) => s.Name)));
  const kernelName = kernelSpec?.DisplayName ?? kernelNameOf(notebook, []);

  if (!doc) return null;

  const onKeyDownCapture = (event: KeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    if (target.closest(INPUT)) {
      const command = editModeCommand(event);
      // Esc is left to the editor first (its suggestions, its find box): see onKeyDown.
      if (!command || command === 'command') return;
      event.preventDefault();
      event.stopPropagation();
      // The keys act on the cell whose editor has them.
      const index = Number(target.closest<HTMLElement>('[data-cell-index]')?.dataset.cellIndex ?? doc.selected);
      if (index !== doc.selected) commands.actions.select(index, 'edit');
      commands.perform(command);
      return;
    }
    if (!target.classList.contains('nb-cell')) return;
    const { command, chord: next } = commandModeCommand(event, chord.current, Date.now());
    chord.current = next;
    if (!command) return;
    event.preventDefault();
    event.stopPropagation();
    commands.perform(command);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape' && (event.target as HTMLElement).closest(INPUT)) commands.perform('command');
  };

  const serverReady = server?.State === 'ready';
  return (
    <section className="nb-editor" hidden={!active} aria-label={`Notebook ${path}`} data-testid="notebook-editor" data-path={path}>
      <NotebookToolbar doc={doc} kernelName={kernelName} commands={commands} onInterrupt={() => void runner.interrupt()} onRestart={askRestart} />
      {doc.loadError && <ErrorState title={`Could not open ${path}`} error={doc.loadError} onRetry={() => void reload(path)} />}
      {doc.conflict && (
        <div className="notice notice-warn nb-banner" role="alert" data-testid="save-conflict">
          <TriangleAlert size={15} aria-hidden="true" />
          <p>
            {path} changed on disk since Lathe read it: saving now would overwrite that change. Autosave is paused.
          </p>
          <button type="button" className="button button-small" onClick={() => setConfirm('reload')}>
            Reload from disk
          </button>
          <button type="button" className="button button-small" onClick={() => void save(path, { overwrite: true })}>
            Overwrite with mine
          </button>
        </div>
      )}
      {doc.saveError && !doc.conflict && <ErrorState title={`Could not save ${path}`} error={doc.saveError} onRetry={() => void save(path)} />}
      {doc.kernel === 'dead' && (
        <div className="notice notice-warn nb-banner" role="alert" data-testid="kernel-dead">
          <Skull size={15} aria-hidden="true" />
          <p>The kernel died{doc.kernelError ? `: ${doc.kernelError}` : ''}. Its variables are gone; restart it to run cells again.</p>
          <button type="button" className="button button-small button-primary" onClick={() => void runner.restart()}>
            Restart kernel
          </button>
        </div>
      )}
      {(doc.kernel === 'restarting' || doc.kernel === 'connecting') && doc.kernelError && (
        <div className="notice nb-banner" role="status" data-testid="kernel-auto-restart">
          <RotateCcw size={15} aria-hidden="true" />
          <p>{doc.kernelError}</p>
        </div>
      )}
      {doc.kernel === 'disconnected' && doc.kernelError && (
        <div className="notice notice-warn nb-banner" role="alert">
          <TriangleAlert size={15} aria-hidden="true" />
          <p>Could not reach the kernel: {doc.kernelError}</p>
        </div>
      )}
      {notebook && !serverReady && (
        <p className="nb-server-note muted" data-testid="server-note">
          {server?.State === 'starting' || serverBusy === 'starting'
            ? 'The Jupyter server is starting; cells you run wait for it.'
            : server?.State === 'failed'
              ? 'The Jupyter server failed to start: see above.'
              : 'Cells run once the Jupyter server is started (running a cell starts it).'}
          {server?.State === 'stopped' && !serverBusy && (
            <button type="button" className="button button-small" onClick={() => void startServer()}>
              Start server
            </button>
          )}
        </p>
      )}
      {!notebook && !doc.loadError && (
        <p className="muted nb-loading" role="status">
          Opening {path}…
        </p>
      )}
      {notebook && cells.length === 0 && (
        <div className="empty-state nb-empty-notebook">
          <p>This notebook has no cells.</p>
          <div className="nb-empty-actions">
            <button type="button" className="button" onClick={() => insertCell(path, 0, 'code')}>
              Add a code cell
            </button>
            <button type="button" className="button" onClick={() => insertCell(path, 0, 'markdown')}>
              Add a Markdown cell
            </button>
          </div>
        </div>
      )}
      <div className="nb-cells" ref={list} onKeyDownCapture={onKeyDownCapture} onKeyDown={onKeyDown} data-mode={doc.mode}>
        {cells.map((cell, index) => {
          const key = doc.keys[index] ?? String(index);
          return (
            <CellView
              key={key}
              index={index}
              count={cells.length}
              cell={cell}
              selected={index === doc.selected}
              editing={Boolean(doc.editing[key])}
              running={doc.running[key]}
              actions={commands.actions}
            />
          );
        })}
      </div>
      {confirm === 'restart' && (
        <ConfirmDialog
          title="Restart the kernel?"
          confirmLabel="Restart"
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            void runner.restart();
          }}
        >
          <p>Every variable the notebook defined is lost. Outputs stay until the cells run again.</p>
        </ConfirmDialog>
      )}
      {confirm === 'reload' && (
        <ConfirmDialog
          title="Reload from disk?"
          confirmLabel="Reload"
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            void reload(path);
          }}
        >
          <p>Your changes since the last save are dropped and the notebook is read again as it is on disk.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
