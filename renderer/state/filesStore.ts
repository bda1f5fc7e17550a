import { create } from 'zustand';
import type { Result } from '../../main/contract/result';
import type { DataPreview, FileListing } from '../../main/contract/training';
import { getBridge } from '../api/client';

interface FilesState {
  /** The folder the picker showed last, so the next pick starts there. */
  lastFolder: string | null;
  /** One folder's entries; the answer is the picker's, not stored here. */
  list(path: string | null, showHidden?: boolean): Promise<Result<FileListing>>;
  /** The first rows of a data file or folder, for the form's preview. */
  preview(path: string, rows?: number): Promise<Result<DataPreview>>;
  remember(folder: string): void;
}

/** This machine's files as the file picker and the data previews see them (through main). */
export const useFilesStore = create<FilesState>()((set) => ({
  lastFolder: null,
  list(path, showHidden = false) {
    return getBridge().call('files.list', { ...(path ? { path } : {}), ...(showHidden ? { showHidden } : {}) });
  },
  preview(path, rows = 5) {
    return getBridge().call('files.preview', { path, rows });
  },
  remember(folder) {
    set({ lastFolder: folder });
  },
}));
