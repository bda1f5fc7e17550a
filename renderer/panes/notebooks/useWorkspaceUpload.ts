import { useState } from 'react';
import type { LatheError } from '../../../main/contract/result';
import { useNotebooksStore } from '../../state/notebooksStore';

/** A file's bytes as base64 (what notebooks.upload takes). */
export function readBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result ?? '');
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

export interface PendingUpload {
  folder: string;
  name: string;
  base64: string;
}

export interface WorkspaceUpload {
  /** Files that already exist there, waiting for "Replace". */
  conflicts: PendingUpload[];
  error: LatheError | null;
  message: string | null;
  upload(folder: string, files: readonly File[]): Promise<void>;
  replace(): Promise<void>;
  dismiss(): void;
}

/** Uploads files into a workspace folder; those already there wait for the person to say "replace". */
export function useWorkspaceUpload(): WorkspaceUpload {
  const send = useNotebooksStore((s) => s.upload);
  const [conflicts, setConflicts] = useState<PendingUpload[]>([]);
  const [error, setError] = useState<LatheError | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const where = (folder: string) => (folder === '' ? 'the workspace' : `${folder}/`);

  const upload = async (folder: string, files: readonly File[]) => {
    setError(null);
    const waiting: PendingUpload[] = [];
    const done: string[] = [];
    for (const file of files) {
      let base64: string;
      try {
        base64 = await readBase64(file);
      } catch (cause) {
        setError({ code: 'invalid-argument', message: `${file.name} could not be read: ${cause instanceof Error ? cause.message : String(cause)}` });
        continue;
      }
      const result = await send(folder, file.name, base64);
      if (result.ok) done.push(file.name);
      else if (result.error.code === 'conflict') waiting.push({ folder, name: file.name, base64 });
      else setError(result.error);
    }
    setConflicts(waiting);
    if (done.length > 0) setMessage(`Uploaded ${done.length === 1 ? done[0] : `${done.length} files`} to ${where(folder)}.`);
  };

  const replace = async () => {
    const pending = conflicts;
    setConflicts([]);
    let done = 0;
    for (const item of pending) {
      const result = await send(item.folder, item.name, item.base64, true);
      if (result.ok) done++;
      else setError(result.error);
    }
    if (done > 0) setMessage(`Replaced ${done} file${done === 1 ? '' : 's'}.`);
  };

  return { conflicts, error, message, upload, replace, dismiss: () => setConflicts([]) };
}
