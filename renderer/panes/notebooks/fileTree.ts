/** The workspace tree as the browser shows it, pure: the rows visible with their depth. */
import type { WorkspaceEntry } from '../../../main/contract/notebooks';
import type { Folder } from '../../state/notebooksStore';
import { parentOf } from '../../state/notebooksStore';

export interface TreeRow {
  entry: WorkspaceEntry;
  depth: number;
  expanded: boolean;
}

/** Every row to show: a folder's entries, and inside each open folder its own, depth first. */
export function visibleRows(folders: Record<string, Folder>, expanded: Record<string, true>, folder = '', depth = 0): TreeRow[] {
  const rows: TreeRow[] = [];
  for (const entry of folders[folder]?.entries ?? []) {
    const open = entry.Kind === 'directory' && entry.Path in expanded;
    rows.push({ entry, depth, expanded: open });
    if (open) rows.push(...visibleRows(folders, expanded, entry.Path, depth + 1));
  }
  return rows;
}

/** Where new files go when `path` is selected: into it when it is a folder, else beside it. */
export function folderFor(path: string | null, rows: readonly TreeRow[]): string {
  if (path === null) return '';
  const row = rows.find((r) => r.entry.Path === path);
  if (!row) return '';
  return row.entry.Kind === 'directory' ? row.entry.Path : parentOf(row.entry.Path);
}

/** An open notebook's path after `from` was renamed to `to` (itself, or a folder above it), else null. */
export function movedPath(open: string, from: string, to: string): string | null {
  if (open === from) return to;
  if (open.startsWith(`${from}/`)) return to + open.slice(from.length);
  return null;
}

/** The part of a file name to select for renaming: the name without its extension. */
export function stemLength(name: string): number {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? dot : name.length;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
