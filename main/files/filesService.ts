/**
 * The file picker and data preview behind the create forms: a folder's entries, and the first rows
 * of a data file (or of the first data file in a folder), with its delimiter sniffed. Read-only.
 */
import type fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { invalid, notFound, precondition } from '../api/errors';
import type { DataPreview, FileEntry, FileListing } from '../contract/training';
import { resolveDataUri } from '../jobs/dataUri';

const MAX_ENTRIES = 2000;
const HEAD_BYTES = 64 * 1024;
const DELIMITERS = [',', '\t', ';', '|'] as const;

function fault(error: unknown, where: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return notFound(`Nothing at ${where}.`);
  if (code === 'EACCES' || code === 'EPERM') return precondition(`Lathe may not read ${where} (permission denied).`);
  if (code === 'ENOTDIR') return invalid(`${where} is a file, not a folder.`);
  return error as Error;
}

export async function listFolder(request: { path?: string; showHidden?: boolean }): Promise<FileListing> {
  const folder = path.resolve(request.path ?? os.homedir());
  let dirents: fs.Dirent[];
  try {
    dirents = await fsp.readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw fault(error, folder);
  }
  const visible = dirents.filter((d) => request.showHidden || !d.name.startsWith('.'));
  const entries: FileEntry[] = [];
  for (const dirent of visible.slice(0, MAX_ENTRIES)) {
    const full = path.join(folder, dirent.name);
    const stat = await fsp.stat(full).catch(() => null); // a dangling link or a vanished file is left out
    if (!stat) continue;
    entries.push({ name: dirent.name, path: full, kind: stat.isDirectory() ? 'directory' : 'file', size: stat.isDirectory() ? 0 : stat.size, modified: stat.mtime.toISOString() });
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'directory' ? -1 : 1));
  const parent = path.dirname(folder);
  return { path: folder, parent: parent === folder ? null : parent, entries, truncated: visible.length > MAX_ENTRIES };
}

/** The delimiter that splits the sample lines into the same number (> 1) of fields most often. */
export function sniffDelimiter(lines: readonly string[]): DataPreview['delimiter'] {
  let best: DataPreview['delimiter'] = null;
  let bestScore = 0;
  for (const delimiter of DELIMITERS) {
    const counts = lines.map((line) => splitRow(line, delimiter).length);
    const common = mode(counts);
    if (common < 2) continue;
    const score = counts.filter((n) => n === common).length * 100 + common;
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

function mode(values: number[]): number {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? 0;
}

/** One CSV row: quoted fields may hold the delimiter and doubled quotes. */
export function splitRow(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === delimiter) {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

async function firstDataFile(folder: string): Promise<{ file: string | null; files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  let first: string | null = null;
  const walk = async (dir: string, depth: number): Promise<void> => {
    const dirents = (await fsp.readdir(dir, { withFileTypes: true })).filter((d) => !d.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name));
    for (const dirent of dirents) {
      if (files >= 10_000) return;
      const full = path.join(dir, dirent.name);
      if (dirent.isDirectory()) {
        if (depth < 8) await walk(full, depth + 1);
      } else if (dirent.isFile() || (dirent.isSymbolicLink() && (await fsp.stat(full).catch(() => null))?.isFile())) {
        files += 1;
        bytes += (await fsp.stat(full)).size;
        first ??= full;
      }
    }
  };
  await walk(folder, 0);
  return { file: first, files, bytes };
}

export async function previewData(request: { path: string; rows?: number }, objectStore: string): Promise<DataPreview> {
  const target = /^[a-z0-9]+:\/\//i.test(request.path) ? resolveDataUri(request.path, objectStore, 'path') : path.resolve(request.path);
  let stat: fs.Stats;
  try {
    stat = await fsp.stat(target);
  } catch (error) {
    throw fault(error, target);
  }
  const kind = stat.isDirectory() ? 'directory' : 'file';
  // A pipe or a device would block the read: only regular files are previewed.
  if (kind === 'file' && !stat.isFile()) return { path: target, kind, files: 1, bytes: 0, delimiter: null, rows: [], truncated: false };
  let found: { file: string | null; files: number; bytes: number };
  try {
    found = kind === 'directory' ? await firstDataFile(target) : { file: target, files: 1, bytes: stat.size };
  } catch (error) {
    throw fault(error, target);
  }
  const empty: DataPreview = { path: found.file, kind, files: found.files, bytes: found.bytes, delimiter: null, rows: [], truncated: false };
  if (!found.file) return empty;
  const handle = await fsp.open(found.file, 'r').catch((error: unknown) => {
    throw fault(error, found.file!);
  });
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head.includes(0)) return empty; // binary (a model, a parquet file): nothing to show as rows
  const wanted = request.rows ?? 10;
  const lines = head.toString('utf8').split(/\r?\n/);
  const complete = head.length < HEAD_BYTES ? lines : lines.slice(0, -1); // the last line may be cut
  const sample = complete.filter((line) => line.length > 0).slice(0, wanted);
  const delimiter = sniffDelimiter(sample);
  const split = delimiter === null ? (line: string) => [line] : (line: string) => splitRow(line, delimiter);
  const rest = complete.filter((line) => line.length > 0).length > wanted || head.length === HEAD_BYTES;
  return { ...empty, delimiter, rows: sample.map(split), truncated: rest };
}
