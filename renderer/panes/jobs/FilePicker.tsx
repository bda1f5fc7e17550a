import { useCallback, useEffect, useState, type KeyboardEvent } from 'react';
import { Command } from 'cmdk';
import { ArrowUp, File, Folder, FolderCheck } from 'lucide-react';
import type { LatheError, Result } from '../../../main/contract/result';
import type { FileEntry, FileListing } from '../../../main/contract/training';
import { useFilesStore } from '../../state/filesStore';

export type PickKind = 'file' | 'folder' | 'any';

interface Props {
  title: string;
  /** What may be chosen: a file, a folder, or either. */
  kind: PickKind;
  /** Where to start: a folder, or a file whose folder to show. */
  start: string | null;
  onPick(path: string): void;
  onClose(): void;
}

const CHOOSE = '__choose-folder__';
const UP = '__parent__';

/** "/a/b/c.csv" → "/a/b"; "/a" → "/". */
export function parentOf(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const at = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return at <= 0 ? '/' : trimmed.slice(0, at);
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/**
 * A file chooser that works the same in the desktop app and in a browser: main lists the folders
 * (files.list). Type to filter; arrows and Enter open a folder or choose a file; an absolute path typed
 * in and Enter goes there; Escape closes.
 */
export function FilePicker({ title, kind, start, onPick, onClose }: Props) {
  const list = useFilesStore((s) => s.list);
  const remember = useFilesStore((s) => s.remember);
  const lastFolder = useFilesStore((s) => s.lastFolder);
  const [listing, setListing] = useState<FileListing | null>(null);
  const [error, setError] = useState<LatheError | null>(null);
  const [search, setSearch] = useState('');
  const [showHidden, setShowHidden] = useState(false);
  const [busy, setBusy] = useState(true);

  const fetchListing = useCallback(
    async (path: string | null, hidden: boolean, fallback?: string | null): Promise<Result<FileListing>> => {
      const result = await list(path, hidden);
      return !result.ok && fallback !== undefined ? list(fallback, hidden) : result;
    },
    [list],
  );

  const apply = useCallback(
    (result: Result<FileListing>) => {
      setBusy(false);
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setListing(result.value);
      setError(null);
      setSearch('');
      remember(result.value.path);
    },
    [remember],
  );

  const go = (path: string | null, hidden: boolean, fallback?: string | null) => {
    setBusy(true);
    return fetchListing(path, hidden, fallback).then(apply);
  };

  useEffect(() => {
    // Start in the given folder, else the given file's folder, else where the last pick was, else home.
    const from = start?.trim() || lastFolder;
    let current = true;
    void fetchListing(from || null, false, from ? parentOf(from) : undefined).then((result) => current && apply(result));
    return () => {
      current = false;
    };
    // Only when the picker opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const choose = (entry: FileEntry) => {
    if (entry.kind === 'directory') void go(entry.path, showHidden);
    else if (kind !== 'folder') onPick(entry.path);
  };

  const needle = search.trim().toLowerCase();
  const typingPath = search.trim().startsWith('/') || /^[A-Za-z]:[\\/]/.test(search.trim());
  const entries = (listing?.entries ?? []).filter((entry) => typingPath || needle === '' || entry.name.toLowerCase().includes(needle));

  const onInputKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' && typingPath) {
      event.preventDefault();
      void go(search.trim(), showHidden, parentOf(search.trim()));
    } else if (event.key === 'Backspace' && search === '' && listing?.parent) {
      event.preventDefault();
      void go(listing.parent, showHidden);
    }
  };

  return (
    <Command.Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      label={title}
      shouldFilter={false}
      loop
      overlayClassName="palette-overlay"
      contentClassName="palette file-picker"
    >
      <div className="file-picker-head">
        <strong>{title}</strong>
        <code className="file-picker-path" data-testid="file-picker-path">
          {listing?.path ?? '…'}
        </code>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={showHidden}
            onChange={(e) => {
              setShowHidden(e.target.checked);
              if (listing) void go(listing.path, e.target.checked);
            }}
          />
          Hidden files
        </label>
      </div>
      <Command.Input className="palette-input" placeholder="Filter, or type a path and press Enter…" data-testid="file-picker-input" value={search} onValueChange={setSearch} onKeyDown={onInputKey} />
      {error && (
        <p className="field-error file-picker-error" role="alert">
          {error.message}
        </p>
      )}
      <Command.List className="palette-list file-picker-list" aria-busy={busy}>
        {listing && kind !== 'file' && (
          <Command.Item value={CHOOSE} onSelect={() => onPick(listing.path)} className="palette-item file-item">
            <FolderCheck size={14} aria-hidden="true" /> Choose this folder
          </Command.Item>
        )}
        {listing?.parent && (
          <Command.Item value={UP} onSelect={() => void go(listing.parent, showHidden)} className="palette-item file-item">
            <ArrowUp size={14} aria-hidden="true" /> .. (up to {listing.parent})
          </Command.Item>
        )}
        {entries.map((entry) => (
          <Command.Item key={entry.path} value={entry.path} onSelect={() => choose(entry)} className="palette-item file-item" disabled={entry.kind === 'file' && kind === 'folder'}>
            {entry.kind === 'directory' ? <Folder size={14} aria-hidden="true" /> : <File size={14} aria-hidden="true" />}
            <span className="file-name">{entry.name}</span>
            {entry.kind === 'file' && <span className="file-size">{formatSize(entry.size)}</span>}
          </Command.Item>
        ))}
        {listing && entries.length === 0 && <p className="palette-empty">{needle ? 'Nothing here matches.' : 'This folder is empty.'}</p>}
        {listing?.truncated && <p className="palette-empty">This folder has more entries than are shown; type a path and press Enter to go straight to one.</p>}
      </Command.List>
    </Command.Dialog>
  );
}
