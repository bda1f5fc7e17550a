import { ChevronsDown, ChevronsUp, FastForward, Play, Plus, RotateCcw, Save, Square } from 'lucide-react';
import { isDirty, useNotebookDocsStore, type NotebookDoc } from '../../state/notebooksDocStore';
import type { KernelStatus } from './kernel';
import { cellsOf, cellType, type CellType } from './nbformat';
import type { NotebookCommands } from './useNotebookCommands';

const KERNEL_WORDS: Record<KernelStatus, string> = {
  connecting: 'Connecting…',
  starting: 'Starting…',
  idle: 'Idle',
  busy: 'Busy',
  restarting: 'Restarting…',
  dead: 'Dead',
  disconnected: 'Not connected',
};

function saveWords(doc: NotebookDoc): string {
  if (doc.saving) return 'Saving…';
  if (doc.conflict) return 'Not saved: changed on disk';
  if (doc.saveError) return 'Not saved';
  return isDirty(doc) ? 'Unsaved changes' : 'Saved';
}

interface Props {
  doc: NotebookDoc;
  kernelName: string;
  commands: NotebookCommands;
  onInterrupt(): void;
  onRestart(): void;
}

/** Save, add, cell type, run (cell, all, above, below), interrupt, restart, and the kernel's state. */
export function NotebookToolbar({ doc, kernelName, commands, onInterrupt, onRestart }: Props) {
  const save = useNotebookDocsStore((s) => s.save);
  const setCellType = useNotebookDocsStore((s) => s.setCellType);
  const cells = doc.notebook ? cellsOf(doc.notebook) : [];
  const selected = cells[doc.selected];
  const hasKernel = doc.kernel !== 'disconnected' && doc.kernel !== 'connecting';
  const name = doc.path.split('/').pop() ?? doc.path;

  return (
    <div className="nb-toolbar" role="toolbar" aria-label={`${name} notebook actions`}>
      <button type="button" className="button button-small" aria-label="Save notebook (Ctrl+S)" title="Save (Ctrl+S)" onClick={() => void save(doc.path)} disabled={doc.saving}>
        <Save size={13} aria-hidden="true" />
        Save
      </button>
      <span className="nb-save-state muted" data-testid="save-state" aria-live="polite">
        {saveWords(doc)}
      </span>
      <span className="nb-toolbar-gap" />
      <button type="button" className="button button-small button-icon" aria-label="Insert a cell below (B)" title="Insert a cell below (B)" onClick={() => commands.perform('insert-below')}>
        <Plus size={13} aria-hidden="true" />
      </button>
      <select
        className="nb-type-select"
        aria-label="Cell type"
        value={selected ? cellType(selected) : 'code'}
        disabled={!selected}
        onChange={(e) => setCellType(doc.path, doc.selected, e.target.value as CellType)}
      >
        <option value="code">Code</option>
        <option value="markdown">Markdown</option>
        <option value="raw">Raw</option>
      </select>
      <button type="button" className="button button-small button-icon" aria-label="Run the selected cell (Shift+Enter)" title="Run and go to the next cell (Shift+Enter)" onClick={() => commands.perform('run-advance')} disabled={!selected}>
        <Play size={13} aria-hidden="true" />
      </button>
      <button type="button" className="button button-small button-icon" aria-label="Run all cells" title="Run all cells" onClick={commands.runAll} disabled={cells.length === 0}>
        <FastForward size={13} aria-hidden="true" />
      </button>
      <button type="button" className="button button-small button-icon" aria-label="Run the cells above" title="Run the cells above the selected one" onClick={commands.runAbove} disabled={doc.selected === 0}>
        <ChevronsUp size={13} aria-hidden="true" />
      </button>
      <button type="button" className="button button-small button-icon" aria-label="Run the selected cell and the ones below" title="Run the selected cell and all below" onClick={commands.runBelow} disabled={!selected}>
        <ChevronsDown size={13} aria-hidden="true" />
      </button>
      <button type="button" className="button button-small button-icon" aria-label="Interrupt the kernel (I, I)" title="Interrupt (I, I)" onClick={onInterrupt} disabled={!hasKernel}>
        <Square size={12} aria-hidden="true" />
      </button>
      <button type="button" className="button button-small button-icon" aria-label="Restart the kernel (0, 0)" title="Restart the kernel (0, 0)" onClick={onRestart} disabled={!hasKernel}>
        <RotateCcw size={13} aria-hidden="true" />
      </button>
      <span className="nb-kernel" data-testid="kernel-status" data-status={doc.kernel} role="status" aria-label={`Kernel ${kernelName}: ${KERNEL_WORDS[doc.kernel]}`}>
        <span className={`nb-kernel-dot nb-kernel-${doc.kernel}`} aria-hidden="true" />
        {kernelName} · {KERNEL_WORDS[doc.kernel]}
      </span>
    </div>
  );
}
