/**
 * The workspace: the folder the notebook server serves and the Notebooks pane browses. Every path
 * is relative to it and resolved inside it (a symbolic link that leads out is refused); writes are
 * atomic (a temporary file in the same folder, then a rename), nothing is overwritten unless asked,
 * and a deletion moves the item into LATHE_HOME/trash, so nothing is lost.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { conflict, invalid, LatheFault, notFound } from '../api/errors';
import type { OpenedNotebook, WorkspaceEntry, WorkspaceListing } from '../contract/notebooks';
import { emptyNotebook, locateJsonError, notebookProblem, serializeNotebook } from './nbformat';

export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

export interface WorkspaceDeps {
  /** The workspace folder (created on first use). */
  root: string;
  /** Where deleted items go: one folder per deletion inside it. */
  trash: string;
  /** A file or folder changed (relative path). */
  onChange?: (relativePath: string) => void;
  clock?: () => Date;
  /** Default MAX_UPLOAD_BYTES (100 MiB). */
  maxUploadBytes?: number;
}

const DEFAULT_NAMES = {
  notebook: (n: number) => `Untitled${n === 0 ? '' : n}.ipynb`,
  directory: (n: number) => `Untitled Folder${n === 0 ? '' : ` ${n}`}`,
  file: (n: number) => `untitled${n === 0 ? '' : n}.txt`,
} as const;

type Kind = WorkspaceEntry['Kind'];

function kindOf(name: string, stat: fs.Stats): Kind {
  if (stat.isDirectory()) return 'directory';
  return name.toLowerCase().endsWith('.ipynb') ? 'notebook' : 'file';
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** '', 'a/b': the relative path with `.` and empty segments dropped (the schema refuses `..`). */
export function normalizeRelative(relative: string): string {
  const parts = relative.split(/[\\/]/).filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw invalid(`${relative}: a workspace path may not contain ".."`);
  return parts.join('/');
}

/** Writes data to a temporary file beside `file`, then renames it over: readers see the old or the new file, never half of one. */
export async function writeAtomic(file: string, data: string | Buffer): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.lathe-${randomBytes(6).toString('hex')}.tmp`);
  let mode: number | undefined;
  try {
    mode = (await fs.promises.stat(file)).mode & 0o7777;
  } catch {
    // A new file: the default mode.
  }
  try {
    const handle = await fs.promises.open(temp, 'wx', mode ?? 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (mode !== undefined) await fs.promises.chmod(temp, mode);
    await fs.promises.rename(temp, file);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
}

/**
 * Base64 to bytes, or null when the text is not base64. Node's decoder skips what it does not
 * understand, so a text with anything else in it decodes to fewer bytes than its length promises.
 */
export function decodeBase64(text: string): Buffer | null {
  const rest = text.length % 4;
  if (rest === 1) return null;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const expected = Math.floor(text.length / 4) * 3 + (rest === 0 ? 0 : rest - 1) - padding;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === expected ? bytes : null;
}

export class Workspace {
  readonly root: string;
  private realRoot: string | null = null;

  constructor(private readonly deps: WorkspaceDeps) {
    this.root = path.resolve(deps.root);
  }

  private async ensureRoot(): Promise<string> {
    if (this.realRoot) return this.realRoot;
    await fs.promises.mkdir(this.root, { recursive: true });
    this.realRoot = await fs.promises.realpath(this.root);
    return this.realRoot;
  }

  private inside(realRoot: string, real: string): boolean {
    return real === realRoot || real.startsWith(realRoot + path.sep);
  }

  /**
   * The absolute path of a workspace path, after checking that it (or, for a path that does not
   * exist yet, its folder) really lies inside the workspace once links are followed.
   */
  async resolve(relative: string): Promise<{ abs: string; rel: string }> {
    const realRoot = await this.ensureRoot();
    const rel = normalizeRelative(relative);
    const abs = path.join(this.root, ...rel.split('/').filter(Boolean));
    let probe = abs;
    for (;;) {
      try {
        const real = await fs.promises.realpath(probe);
        if (!this.inside(realRoot, real)) {
          throw new LatheFault('permission-denied', `${rel} leads outside the workspace (to ${real}); Lathe reads and writes only inside ${this.root}`);
        }
        return { abs, rel };
      } catch (error) {
        if (!isMissing(error)) throw error;
        if (probe === this.root) throw error;
        probe = path.dirname(probe);
      }
    }
  }

  private async existing(relative: string): Promise<{ abs: string; rel: string; stat: fs.Stats }> {
    const { abs, rel } = await this.resolve(relative);
    try {
      return { abs, rel, stat: await fs.promises.stat(abs) };
    } catch (error) {
      if (isMissing(error)) throw notFound(`${rel || 'the workspace'} does not exist in the workspace`, { path: rel });
      throw error;
    }
  }

  private async folder(relative: string | undefined): Promise<{ abs: string; rel: string }> {
    const found = await this.existing(relative ?? '');
    if (!found.stat.isDirectory()) throw invalid(`${found.rel} is a file, not a folder`, { path: found.rel });
    return found;
  }

  private async exists(abs: string): Promise<fs.Stats | null> {
    try {
      return await fs.promises.lstat(abs);
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  private entry(rel: string, stat: fs.Stats): WorkspaceEntry {
    const name = path.posix.basename(rel);
    const kind = kindOf(name, stat);
    return { Path: rel, Name: name, Kind: kind, Size: kind === 'directory' ? 0 : stat.size, Modified: stat.mtime.toISOString() };
  }

  private changed(rel: string): void {
    this.deps.onChange?.(rel);
  }

  /** A folder's entries: folders first, then by name; hidden files and links leading out left out. */
  async list(relative = ''): Promise<WorkspaceListing> {
    const { abs, rel } = await this.folder(relative);
    const realRoot = await this.ensureRoot();
    const entries: WorkspaceEntry[] = [];
    for (const dirent of await fs.promises.readdir(abs, { withFileTypes: true })) {
      if (dirent.name.startsWith('.')) continue;
      const file = path.join(abs, dirent.name);
      try {
        if (dirent.isSymbolicLink() && !this.inside(realRoot, await fs.promises.realpath(file))) continue;
        entries.push(this.entry(rel ? `${rel}/${dirent.name}` : dirent.name, await fs.promises.stat(file)));
      } catch {
        // A broken link, or a file removed while listing.
      }
    }
    const byName = (a: WorkspaceEntry, b: WorkspaceEntry) => a.Name.localeCompare(b.Name, 'en', { numeric: true, sensitivity: 'base' }) || (a.Name < b.Name ? -1 : 1);
    entries.sort((a, b) => Number(b.Kind === 'directory') - Number(a.Kind === 'directory') || byName(a, b));
    return { Path: rel, Entries: entries };
  }

  /** A notebook's JSON as on disk. A file that is not JSON or not nbformat 4 is refused with where it broke. */
  async open(relative: string): Promise<OpenedNotebook> {
    const { abs, rel, stat } = await this.existing(relative);
    if (stat.isDirectory()) throw invalid(`${rel} is a folder, not a notebook`, { path: rel });
    const handle = await fs.promises.open(abs, 'r');
    let text: string;
    let modified: Date;
    try {
      modified = (await handle.stat()).mtime;
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
    let notebook: unknown;
    try {
      notebook = JSON.parse(text);
    } catch {
      const where = locateJsonError(text);
      const at = where ? `: ${where.what} at line ${where.line} column ${where.column}` : '';
      throw invalid(`${rel} is not valid JSON${at}. The file was not changed; fix it in a text editor or restore it from a copy.`, {
        path: rel,
        ...(where ? { line: where.line, column: where.column } : {}),
      });
    }
    const problem = notebookProblem(notebook);
    if (problem) throw invalid(`${rel} is not a notebook Lathe can open: ${problem}. The file was not changed.`, { path: rel });
    return { Path: rel, Notebook: notebook as Record<string, unknown>, Modified: modified.toISOString() };
  }

  /**
   * Writes a notebook the way nbformat does, atomically. With expectedModified, a file that
   * changed on disk since (another editor, a run) is not overwritten.
   */
  async save(relative: string, notebook: Record<string, unknown>, expectedModified?: string): Promise<{ Path: string; Modified: string }> {
    const { abs, rel } = await this.resolve(relative);
    if (rel === '') throw invalid('give the notebook a file name');
    const problem = notebookProblem(notebook);
    if (problem) throw invalid(`not saved: the content is not a notebook (${problem})`, { path: rel });
    const current = await this.exists(abs);
    if (current?.isDirectory()) throw invalid(`${rel} is a folder, not a notebook`, { path: rel });
    if (expectedModified !== undefined) {
      if (!current) throw conflict(`${rel} was moved or deleted since you opened it; nothing was written. Save it under a name to keep your changes.`, { path: rel });
      const actual = (await fs.promises.stat(abs)).mtime.toISOString();
      if (actual !== expectedModified) {
        throw conflict(
          `${rel} changed on disk since you opened it (modified ${actual}, you opened the version of ${expectedModified}); nothing was written. Reopen it to see the other changes, or save yours under another name.`,
          { path: rel, modified: actual },
        );
      }
    }
    await this.folder(path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel));
    await writeAtomic(abs, serializeNotebook(notebook));
    this.changed(rel);
    return { Path: rel, Modified: (await fs.promises.stat(abs)).mtime.toISOString() };
  }

  /** A new notebook, folder or text file; the default names are numbered when taken. */
  async create(relativeFolder: string | undefined, kind: Kind, name?: string): Promise<WorkspaceEntry> {
    const folder = await this.folder(relativeFolder);
    const make = async (file: string) => {
      if (kind === 'directory') await fs.promises.mkdir(file);
      else await fs.promises.writeFile(file, kind === 'notebook' ? serializeNotebook(emptyNotebook()) : '', { flag: 'wx' });
    };
    for (let n = 0; n < 10_000; n++) {
      const fileName = name ?? DEFAULT_NAMES[kind](n);
      const rel = folder.rel ? `${folder.rel}/${fileName}` : fileName;
      const abs = path.join(folder.abs, fileName);
      try {
        await make(abs);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (name !== undefined) throw conflict(`${rel} already exists; choose another name`, { path: rel });
        continue;
      }
      this.changed(rel);
      return this.entry(rel, await fs.promises.stat(abs));
    }
    throw conflict(`no free ${DEFAULT_NAMES[kind](0)} name left in ${folder.rel || 'the workspace'}`);
  }

  /** Moves or renames a file or folder inside the workspace; never onto something that exists. */
  async rename(relative: string, newRelative: string): Promise<WorkspaceEntry> {
    const from = await this.existing(relative);
    if (from.rel === '') throw invalid('the workspace itself cannot be renamed');
    const to = await this.resolve(newRelative);
    if (to.rel === '') throw invalid('give the new name');
    if (to.rel === from.rel) return this.entry(from.rel, from.stat);
    if (to.rel.startsWith(`${from.rel}/`)) throw invalid(`${from.rel} cannot be moved into itself (${to.rel})`);
    await this.folder(path.posix.dirname(to.rel) === '.' ? '' : path.posix.dirname(to.rel));
    const taken = await this.exists(to.abs);
    // On a case-insensitive disk "a" and "A" are one file: renaming between them is allowed.
    const sameFile = taken !== null && taken.ino === from.stat.ino && taken.dev === from.stat.dev;
    if (taken && !sameFile) throw conflict(`${to.rel} already exists; nothing was overwritten. Choose another name or delete it first.`, { path: to.rel });
    await fs.promises.rename(from.abs, to.abs);
    this.changed(from.rel);
    this.changed(to.rel);
    return this.entry(to.rel, await fs.promises.stat(to.abs));
  }

  /** Moves a file or folder into LATHE_HOME/trash/notebooks/<time>/, keeping its path. */
  async delete(relative: string): Promise<{ Path: string; TrashedTo: string }> {
    const { abs, rel } = await this.existing(relative);
    if (rel === '') throw invalid('the workspace itself cannot be deleted');
    const stamp = (this.deps.clock?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
    let bin = path.join(this.deps.trash, stamp);
    for (let n = 1; fs.existsSync(bin); n++) bin = path.join(this.deps.trash, `${stamp}-${n}`);
    const target = path.join(bin, ...rel.split('/'));
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    try {
      await fs.promises.rename(abs, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      // The trash is on another disk than the workspace: copy, then remove.
      await fs.promises.cp(abs, target, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
      await fs.promises.rm(abs, { recursive: true, force: true });
    }
    this.changed(rel);
    return { Path: rel, TrashedTo: target };
  }

  /** A file sent as base64 (100 MiB at most); an existing file is replaced only with overwrite. */
  async upload(relativeFolder: string | undefined, name: string, base64: string, overwrite = false): Promise<WorkspaceEntry> {
    const folder = await this.folder(relativeFolder);
    const rel = folder.rel ? `${folder.rel}/${name}` : name;
    const abs = path.join(folder.abs, name);
    const limit = this.deps.maxUploadBytes ?? MAX_UPLOAD_BYTES;
    const tooLarge = (bytes: number) =>
      invalid(`${name} is ${(bytes / 2 ** 20).toFixed(1)} MiB; uploads are limited to ${+(limit / 2 ** 20).toFixed(3)} MiB (copy larger files into ${folder.abs} directly)`);
    // Far over the limit: refused before decoding it.
    if (base64.length > ((limit * 4) / 3) * 1.1 + 16) throw tooLarge(Math.floor((base64.length * 3) / 4));
    let bytes = decodeBase64(base64);
    if (!bytes && /\s/.test(base64)) bytes = decodeBase64(base64.replace(/\s+/g, ''));
    if (!bytes) throw invalid(`${name}: ContentBase64 is not valid base64`);
    if (bytes.length > limit) throw tooLarge(bytes.length);
    const taken = await this.exists(abs);
    if (taken?.isDirectory()) throw conflict(`${rel} is a folder; nothing was overwritten`, { path: rel });
    if (taken && !overwrite) throw conflict(`${rel} already exists; nothing was overwritten. Upload with Overwrite to replace it, or rename it first.`, { path: rel });
    await this.resolve(rel);
    await writeAtomic(abs, bytes);
    this.changed(rel);
    return this.entry(rel, await fs.promises.stat(abs));
  }
}
