/**
 * Putting a channel's files (or a checkpoint) into a job folder: hard links where the file system
 * allows them, copies where it does not. The I/O half of jobLayout.ts.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { notFound } from '../api/errors';

/** fs.promises.link's shape, injectable so tests can make linking impossible. */
export type LinkFn = (existingPath: string, newPath: string) => Promise<void>;

/** How one file gets from `from` to `to`. */
export type PlaceFn = (from: string, to: string) => Promise<'linked' | 'copied'>;

export interface PlaceCounts {
  linked: number;
  copied: number;
}

/** Errors that mean "a hard link cannot be made here", not "something is wrong". */
const CANNOT_LINK = new Set(['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP']);

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** Copy a file, as a copy-on-write clone where the file system can. */
export async function copyPlace(from: string, to: string): Promise<'copied'> {
  await fsp.copyFile(from, to, fs.constants.COPYFILE_FICLONE);
  return 'copied';
}

/** Hard-link a file, falling back to a copy across devices or where links are not allowed. */
export function linkOrCopy(link: LinkFn = fsp.link): PlaceFn {
  return async (from, to) => {
    try {
      await link(from, to);
      return 'linked';
    } catch (error) {
      if (!CANNOT_LINK.has(errorCode(error) ?? '')) throw error;
    }
    return copyPlace(from, to);
  };
}

/** stat() that answers null for a path that does not exist. */
export async function statOrNull(file: string): Promise<fs.Stats | null> {
  try {
    return await fsp.stat(file);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return null;
    throw error;
  }
}

/**
 * Place `source` under `destDir`: a file becomes destDir/<its name>; a folder's files, recursively,
 * keep their paths relative to it. Symbolic links are followed, except one back to a folder that
 * encloses it (a loop).
 * `label` names the source in messages ("channel \"train\"").
 */
export async function placeTree(source: string, destDir: string, place: PlaceFn, label: string): Promise<PlaceCounts> {
  const counts: PlaceCounts = { linked: 0, copied: 0 };
  const stat = await statOrNull(source);
  if (!stat) throw notFound(`${label}: ${source} does not exist.`);
  await fsp.mkdir(destDir, { recursive: true });
  const real = await fsp.realpath(source);
  if (stat.isDirectory()) {
    await walk(real, destDir, { place, label, counts, seen: new Set([real]) });
  } else if (stat.isFile()) {
    counts[await place(real, path.join(destDir, path.basename(source)))]++;
  } else {
    throw notFound(`${label}: ${source} is neither a file nor a folder.`);
  }
  return counts;
}

interface WalkState {
  place: PlaceFn;
  label: string;
  counts: PlaceCounts;
  seen: Set<string>;
}

async function walk(dir: string, destDir: string, state: WalkState): Promise<void> {
  const entries = await fsp.readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const from = path.join(dir, entry.name);
    const to = path.join(destDir, entry.name);
    let real = from;
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await statOrNull(from);
      if (!target) throw notFound(`${state.label}: ${from} is a symbolic link to something that does not exist.`);
      real = await fsp.realpath(from);
      isDir = target.isDirectory();
      isFile = target.isFile();
    }
    if (isDir) {
      if (state.seen.has(real)) continue;
      await fsp.mkdir(to, { recursive: true });
      await walk(real, to, { ...state, seen: new Set([...state.seen, real]) });
    } else if (isFile) {
      state.counts[await state.place(real, to)]++;
    }
    // Sockets, FIFOs and devices are not data; they are left out.
  }
}
