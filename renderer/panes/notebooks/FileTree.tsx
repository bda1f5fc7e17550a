import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { ChevronDown, ChevronRight, File, Folder, FolderOpen, NotebookText } from 'lucide-react';
import type { WorkspaceEntry } from '../../../main/contract/notebooks';
import { parentOf } from '../../state/notebooksStore';
import { formatSize, stemLength, type TreeRow } from './fileTree';

interface Props {
  rows: TreeRow[];
  selected: string | null;
  renaming: string | null;
  onSelect(path: string): void;
  onOpen(entry: WorkspaceEntry): void;
  onToggle(path: string, open?: boolean): void;
  onStartRename(path: string): void;
  onRename(path: string, name: string | null): void;
  onDelete(entry: WorkspaceEntry): void;
  onDropFiles(folder: string, files: File[]): void;
}

const ICONS = { directory: Folder, notebook: NotebookText, file: File } as const;

function RenameInput({ entry, onDone }: { entry: WorkspaceEntry; onDone(name: string | null): void }) {
  const input = useRef<HTMLInputElement>(null);
  const finished = useRef(false);
  useEffect(() => {
    input.current?.focus();
    input.current?.setSelectionRange(0, stemLength(entry.Name));
  }, [entry.Name]);
  const finish = (name: string | null) => {
    if (finished.current) return;
    finished.current = true;
    onDone(name === null || name.trim() === '' || name === entry.Name ? null : name.trim());
  };
  return (
    <input
      ref={input}
      type="text"
      className="nb-rename"
      aria-label={`New name for ${entry.Name}`}
      defaultValue={entry.Name}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Enter') finish(e.currentTarget.value);
        if (e.key === 'Escape') finish(null);
      }}
      onBlur={(e) => finish(e.currentTarget.value)}
      onClick={(e) => e.stopPropagation()}
    />
  );
}

/**
 * The workspace as an ARIA tree: arrows move and open folders, Enter opens, F2 renames, Delete
 * moves to the trash; files dropped on a folder (or beside a file) upload there.
 */
export function FileTree({ rows, selected, renaming, onSelect, onOpen, onToggle, onStartRename, onRename, onDelete, onDropFiles }: Props) {
  const tree = useRef<HTMLDivElement>(null);
  const [dropFolder, setDropFolder] = useState<string | null>(null);
  const focusIndex = Math.max(0, rows.findIndex((row) => row.entry.Path === selected));

  const focusRow = (index: number) => {
    const row = rows[index];
    if (!row) return;
    onSelect(row.entry.Path);
    const items = tree.current?.querySelectorAll<HTMLElement>('[role="treeitem"]') ?? [];
    Array.from(items)
      .find((item) => item.dataset.path === row.entry.Path)
      ?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = rows.findIndex((row) => row.entry.Path === selected);
    const row = rows[index];
    if (!row || (event.target as HTMLElement).tagName === 'INPUT') return;
    const { entry } = row;
    const keys: Record<string, () => void> = {
      ArrowDown: () => focusRow(index + 1),
      ArrowUp: () => focusRow(index - 1),
      Home: () => focusRow(0),
      End: () => focusRow(rows.length - 1),
      ArrowRight: () => (entry.Kind === 'directory' ? (row.expanded ? focusRow(index + 1) : onToggle(entry.Path, true)) : undefined),
      ArrowLeft: () => {
        if (entry.Kind === 'directory' && row.expanded) onToggle(entry.Path, false);
        else focusRow(rows.findIndex((r) => r.entry.Path === parentOf(entry.Path)));
      },
      Enter: () => (entry.Kind === 'directory' ? onToggle(entry.Path) : onOpen(entry)),
      F2: () => onStartRename(entry.Path),
      Delete: () => onDelete(entry),
    };
    const action = keys[event.key];
    if (!action || event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault();
    action();
  };

  const folderAt = (event: DragEvent) => {
    const item = (event.target as HTMLElement).closest<HTMLElement>('[data-path]');
    if (!item) return '';
    return item.dataset.kind === 'directory' ? item.dataset.path! : parentOf(item.dataset.path!);
  };
  const carriesFiles = (event: DragEvent) => Array.from(event.dataTransfer?.types ?? []).includes('Files');

  return (
    <div
      ref={tree}
      className="nb-tree"
      role="tree"
      aria-label="Workspace files"
      data-drop={dropFolder !== null ? 'true' : undefined}
      data-testid="workspace-tree"
      onKeyDown={onKeyDown}
      onDragOver={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setDropFolder(folderAt(event));
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDropFolder(null);
      }}
      onDrop={(event) => {
        event.preventDefault();
        setDropFolder(null);
        const files = Array.from(event.dataTransfer?.files ?? []);
        if (files.length > 0) onDropFiles(folderAt(event), files);
      }}
    >
      {rows.map((row, index) => {
        const { entry } = row;
        const Icon = entry.Kind === 'directory' && row.expanded ? FolderOpen : ICONS[entry.Kind];
        const isSelected = entry.Path === selected;
        const isDropTarget = dropFolder !== null && entry.Kind === 'directory' && entry.Path === dropFolder;
        return (
          <div
            key={entry.Path}
            role="treeitem"
            className="nb-tree-item"
            aria-level={row.depth + 1}
            aria-selected={isSelected}
            aria-expanded={entry.Kind === 'directory' ? row.expanded : undefined}
            tabIndex={index === focusIndex ? 0 : -1}
            data-path={entry.Path}
            data-kind={entry.Kind}
            data-drop-target={isDropTarget ? 'true' : undefined}
            style={{ paddingLeft: 6 + row.depth * 14 }}
            title={entry.Kind === 'directory' ? entry.Path : `${entry.Path} · ${formatSize(entry.Size)} · ${new Date(entry.Modified).toLocaleString()}`}
            onClick={() => {
              onSelect(entry.Path);
              if (entry.Kind === 'directory') onToggle(entry.Path);
              else if (entry.Kind === 'notebook') onOpen(entry);
            }}
          >
            <span className="nb-tree-twisty" aria-hidden="true">
              {entry.Kind === 'directory' ? row.expanded ? <ChevronDown size={12} /> : <ChevronRight size={12} /> : null}
            </span>
            <Icon size={14} aria-hidden="true" className={`nb-tree-icon nb-icon-${entry.Kind}`} />
            {renaming === entry.Path ? <RenameInput entry={entry} onDone={(name) => onRename(entry.Path, name)} /> : <span className="nb-tree-name">{entry.Name}</span>}
          </div>
        );
      })}
    </div>
  );
}
