import { useMemo, useRef, useState } from 'react';
import { FilePlus, FolderPlus, Pencil, RefreshCw, Trash2, Upload } from 'lucide-react';
import type { WorkspaceEntry } from '../../../main/contract/notebooks';
import type { LatheError } from '../../../main/contract/result';
import { ErrorState } from '../../components/ErrorState';
import { useNotebookDocsStore } from '../../state/notebooksDocStore';
import { useNotebooksStore } from '../../state/notebooksStore';
import { ConfirmDialog } from './ConfirmDialog';
import { folderFor, movedPath, visibleRows } from './fileTree';
import { FileTree } from './FileTree';
import { useWorkspaceUpload } from './useWorkspaceUpload';

/**
 * The workspace: folders, notebooks and files; new notebook and folder (in the selected folder),
 * rename (F2), delete (to Lathe's trash, after asking), upload (drop files, or the Upload button),
 * kept fresh by notebooks.changed.
 */
export function FileBrowser() {
  const folders = useNotebooksStore((s) => s.folders);
  const expanded = useNotebooksStore((s) => s.expanded);
  const selected = useNotebooksStore((s) => s.selected);
  const store = useNotebooksStore.getState;
  const [renaming, setRenaming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<WorkspaceEntry | null>(null);
  const [error, setError] = useState<{ title: string; error: LatheError } | null>(null);
  // A "New notebook" from the command palette that failed: shown here, until the next action.
  const paletteError = useNotebooksStore((s) => s.newNotebookError);
  const [message, setMessage] = useState<string | null>(null);
  const uploads = useWorkspaceUpload();
  const fileInput = useRef<HTMLInputElement>(null);

  const rows = useMemo(() => visibleRows(folders, expanded), [folders, expanded]);
  const root = folders[''];
  const selectedEntry = rows.find((row) => row.entry.Path === selected)?.entry ?? null;
  const target = folderFor(selected, rows);

  const openEntry = (entry: WorkspaceEntry) => {
    if (entry.Kind === 'notebook') void useNotebookDocsStore.getState().open(entry.Path);
  };

  const create = async (kind: 'notebook' | 'directory') => {
    setError(null);
    store().clearNewNotebookError();
    const result = await store().create(kind, target);
    if (!result.ok) setError({ title: kind === 'notebook' ? 'Could not create a notebook' : 'Could not create a folder', error: result.error });
    else if (kind === 'notebook') void useNotebookDocsStore.getState().open(result.value.Path, { fresh: true });
    else setRenaming(result.value.Path);
  };

  const rename = async (path: string, name: string | null) => {
    setRenaming(null);
    if (name === null) return;
    setError(null);
    const result = await store().rename(path, name);
    if (!result.ok) {
      setError({ title: `Could not rename ${path}`, error: result.error });
      return;
    }
    const docs = useNotebookDocsStore.getState();
    for (const open of docs.order) {
      const moved = movedPath(open, path, result.value.Path);
      if (moved) docs.renamed(open, moved);
    }
  };

  const remove = async (entry: WorkspaceEntry) => {
    setDeleting(null);
    setError(null);
    const result = await store().remove(entry.Path);
    if (!result.ok) {
      setError({ title: `Could not delete ${entry.Path}`, error: result.error });
      return;
    }
    useNotebookDocsStore.getState().removed(entry.Path);
    setMessage(`Moved ${entry.Name} to the trash (${result.value.TrashedTo}).`);
  };

  return (
    <div className="nb-browser">
      <div className="nb-browser-toolbar" role="toolbar" aria-label="Workspace actions">
        <button type="button" className="button button-small button-icon" aria-label="New notebook" title={`New notebook in ${target || 'the workspace'}`} onClick={() => void create('notebook')}>
          <FilePlus size={14} aria-hidden="true" />
        </button>
        <button type="button" className="button button-small button-icon" aria-label="New folder" title={`New folder in ${target || 'the workspace'}`} onClick={() => void create('directory')}>
          <FolderPlus size={14} aria-hidden="true" />
        </button>
        <button type="button" className="button button-small button-icon" aria-label="Upload files" title="Upload files (or drop them on the list)" onClick={() => fileInput.current?.click()}>
          <Upload size={14} aria-hidden="true" />
        </button>
        <button type="button" className="button button-small button-icon" aria-label="Rename (F2)" title="Rename (F2)" disabled={!selectedEntry} onClick={() => selectedEntry && setRenaming(selectedEntry.Path)}>
          <Pencil size={14} aria-hidden="true" />
        </button>
        <button type="button" className="button button-small button-icon" aria-label="Delete (Del)" title="Move to the trash (Del)" disabled={!selectedEntry} onClick={() => selectedEntry && setDeleting(selectedEntry)}>
          <Trash2 size={14} aria-hidden="true" />
        </button>
        <button type="button" className="button button-small button-icon" aria-label="Refresh the file list" title="Refresh" onClick={() => void store().refresh()}>
          <RefreshCw size={14} aria-hidden="true" className={root?.loading ? 'spin' : undefined} />
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          aria-label="Files to upload"
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            if (files.length > 0) void uploads.upload(target, files);
          }}
        />
      </div>
      {root?.error && <ErrorState title="Could not list the workspace" error={root.error} onRetry={() => void store().loadFolder('')} />}
      {error && <ErrorState title={error.title} error={error.error} />}
      {!error && paletteError && <ErrorState title="Could not create a notebook" error={paletteError} />}
      {uploads.error && <ErrorState title="Could not upload" error={uploads.error} />}
      <p className="visually-hidden" aria-live="polite">
        {uploads.message ?? message ?? ''}
      </p>
      {root && !root.loading && !root.error && root.entries.length === 0 ? (
        <div
          className="nb-tree nb-tree-empty"
          data-testid="workspace-empty"
          onDragOver={(e) => e.preventDefault()}
          onDrop={(e) => {
            e.preventDefault();
            void uploads.upload('', Array.from(e.dataTransfer?.files ?? []));
          }}
        >
          <p>The workspace is empty.</p>
          <p className="muted">Create a notebook with the first button above, or drop files here to upload them.</p>
        </div>
      ) : (
        <FileTree
          rows={rows}
          selected={selected}
          renaming={renaming}
          onSelect={(path) => store().select(path)}
          onOpen={openEntry}
          onToggle={(path, open) => store().toggle(path, open)}
          onStartRename={setRenaming}
          onRename={(path, name) => void rename(path, name)}
          onDelete={setDeleting}
          onDropFiles={(folder, files) => void uploads.upload(folder, files)}
        />
      )}
      {deleting && (
        <ConfirmDialog title={`Move ${deleting.Name} to the trash?`} confirmLabel="Move to trash" danger onCancel={() => setDeleting(null)} onConfirm={() => void remove(deleting)}>
          <p>
            {deleting.Kind === 'directory' ? `The folder ${deleting.Path} and everything in it go` : `${deleting.Path} goes`} to Lathe&apos;s trash; an open notebook there is closed.
          </p>
        </ConfirmDialog>
      )}
      {uploads.conflicts.length > 0 && (
        <ConfirmDialog title="Replace existing files?" confirmLabel="Replace" danger onCancel={uploads.dismiss} onConfirm={() => void uploads.replace()}>
          <p>These are already in the workspace: {uploads.conflicts.map((c) => (c.folder ? `${c.folder}/${c.name}` : c.name)).join(', ')}.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
