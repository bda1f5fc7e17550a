/**
 * A run's artifacts: the files it logged (SDK log_artifact, MLflow) under its artifact folder,
 * and, for a job's run, the job's outputs (model.tar.gz, output.tar.gz) under `job-output/`.
 * Previews read only as far as they need: a text or table head, an image under 5 MiB, the member
 * list of a tar archive. A path is only ever resolved inside those two places.
 */
import { createReadStream, type Dirent } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { invalid, notFound } from '../api/errors';
import { ARTIFACT_LIST_LIMIT, type ArtifactEntry, type ArtifactListing, type ArtifactPreview } from '../contract/experiments';
import { resolveDataUri } from '../jobs/dataUri';
import { sniffDelimiter, splitRow } from '../files/filesService';
import type { ExperimentsService } from './experimentsService';

export const JOB_OUTPUT = 'job-output';
const DEFAULT_PREVIEW_BYTES = 64 * 1024;
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const MAX_TABLE_ROWS = 50;
const MAX_ARCHIVE_MEMBERS = 500;
/** Decompressed bytes an archive listing reads at most. */
const MAX_ARCHIVE_SCAN = 256 * 1024 * 1024;
const IMAGE_TYPES: Record<string, { mediaType: string; magic: (head: Buffer) => boolean }> = {
  '.png': { mediaType: 'image/png', magic: (h) => h.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  '.jpg': { mediaType: 'image/jpeg', magic: (h) => h[0] === 0xff && h[1] === 0xd8 },
  '.jpeg': { mediaType: 'image/jpeg', magic: (h) => h[0] === 0xff && h[1] === 0xd8 },
  '.gif': { mediaType: 'image/gif', magic: (h) => h.subarray(0, 4).toString('latin1') === 'GIF8' },
  '.webp': { mediaType: 'image/webp', magic: (h) => h.subarray(0, 4).toString('latin1') === 'RIFF' && h.subarray(8, 12).toString('latin1') === 'WEBP' },
};

/** Whether `relative` (from path.relative) stays inside its base. */
function within(relative: string): boolean {
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/** Lists every file and folder under `root` (depth-first, names sorted, symlinks left out), at most `limit` entries. */
async function walk(root: string, prefix: string, origin: ArtifactEntry['origin'], limit: number, out: ArtifactEntry[]): Promise<boolean> {
  let dirents: Dirent[];
  try {
    dirents = await fsp.readdir(root, { withFileTypes: true });
  } catch {
    return false;
  }
  dirents.sort((a, b) => a.name.localeCompare(b.name));
  for (const dirent of dirents) {
    if (out.length >= limit) return true;
    const full = path.join(root, dirent.name);
    const relative = prefix ? `${prefix}/${dirent.name}` : dirent.name;
    // A symlink is not listed: it may point anywhere, and previews never follow one out.
    const stat = await fsp.lstat(full).catch(() => null);
    if (!stat) continue;
    if (stat.isDirectory()) {
      out.push({ path: relative, kind: 'folder', size: 0, modifiedTime: stat.mtimeMs, origin });
      if (await walk(full, relative, origin, limit, out)) return true;
    } else if (stat.isFile()) {
      out.push({ path: relative, kind: 'file', size: stat.size, modifiedTime: stat.mtimeMs, origin });
    }
  }
  return false;
}

/** A tar header's size field: octal text, or GNU's base-256 for members of 8 GiB and more. */
function headerSize(field: Buffer): number {
  if ((field[0]! & 0x80) !== 0) {
    let value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return value;
  }
  return Number.parseInt(field.toString('latin1').replace(/\0.*$/s, '').trim() || '0', 8);
}

/**
 * Member names and sizes of a tar stream (ustar, GNU long names and base-256 sizes, pax path and
 * size). Reads at most `maxBytes` of the (decompressed) stream: a 10 GB model answers its first
 * members with `truncated` instead of being read to the end.
 */
export async function tarMembers(file: string, gzip: boolean, limit = MAX_ARCHIVE_MEMBERS, maxBytes = MAX_ARCHIVE_SCAN): Promise<{ members: Array<{ name: string; size: number }>; truncated: boolean }> {
  const members: Array<{ name: string; size: number }> = [];
  const source = createReadStream(file);
  const stream = gzip ? source.pipe(createGunzip()) : source;
  let pending: Buffer = Buffer.alloc(0);
  let skip = 0; // data bytes (padded) still to pass over
  let longName: string | null = null;
  let collecting: { type: string; size: number; padded: number } | null = null;
  let paxSize: number | null = null;
  let scanned = 0;
  let truncated = false;
  const finish = () => {
    source.destroy();
    if (stream !== source) stream.destroy();
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      scanned += chunk.length;
      if (scanned > maxBytes) {
        finish();
        return { members, truncated: true };
      }
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (true) {
        if (collecting) {
          if (pending.length < collecting.padded) break;
          const data: string = pending.subarray(0, collecting.size).toString('utf8');
          pending = pending.subarray(collecting.padded);
          if (collecting.type === 'L') longName = data.replace(/\0.*$/s, '');
          else {
            longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data)?.[1] ?? null;
            const paxText: string | undefined = /(?:^|\n)\d+ size=(\d+)\n/.exec(data)?.[1];
            paxSize = paxText === undefined ? null : Number(paxText);
          }
          collecting = null;
          continue;
        }
        if (skip > 0) {
          const taken = Math.min(skip, pending.length);
          pending = pending.subarray(taken);
          skip -= taken;
          if (skip > 0) break;
        }
        if (pending.length < 512) break;
        const header = pending.subarray(0, 512);
        pending = pending.subarray(512);
        if (header.every((byte) => byte === 0)) {
          finish();
          return { members, truncated };
        }
        const field = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
        const size: number = paxSize ?? headerSize(header.subarray(124, 136));
        paxSize = null;
        if (!Number.isFinite(size) || size < 0) throw invalid(`${path.basename(file)} is not a tar archive Lathe can read (a header's size is ${JSON.stringify(field(124, 12))}).`);
        const type = field(156, 1);
        const padded = Math.ceil(size / 512) * 512;
        if (type === 'L' || type === 'x') {
          // The long name (GNU) or pax header is the member's data: collect it whole.
          collecting = { type, size, padded };
          continue;
        }
        const prefix = field(345, 155);
        const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
        longName = null;
        if (type === '0' || type === '' || type === '7') members.push({ name, size });
        else if (type === '5') members.push({ name: name.endsWith('/') ? name : `${name}/`, size: 0 });
        if (members.length >= limit) {
          truncated = true;
          finish();
          return { members, truncated };
        }
        skip = padded;
      }
    }
  } catch (error) {
    finish();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_DATA_ERROR') throw invalid(`${path.basename(file)} is not a gzip file Lathe can read: ${(error as Error).message}.`);
    // A file cut short (a copy still running, a full disk): what was read, marked incomplete.
    if (code === 'Z_BUF_ERROR') return { members, truncated: true };
    throw error;
  }
  // The stream ended without tar's end-of-archive blocks: the file is cut short.
  return { members, truncated: true };
}

export class RunArtifacts {
  constructor(
    private readonly experiments: ExperimentsService,
    /** The object store's root, to find a job's outputs from their s3:// URIs. */
    private readonly objectStore: () => string,
  ) {}

  /** The run's artifact folder (its artifactUri) on this disk. */
  private runRoot(runId: string): string {
    return path.resolve(this.experiments.getRun(runId).info.artifactUri);
  }

  /** Folders holding the outputs of the run's own job (model.tar.gz and what lies beside it). */
  private jobOutputFolders(runId: string): string[] {
    const run = this.experiments.getRun(runId);
    const source = run.info.source;
    if ((source.kind !== 'training-job' && source.kind !== 'processing-job') || !source.name) return [];
    const folders = new Set<string>();
    // Only what this job produced: the lineage around it also reaches other jobs that read the same data.
    for (const edge of run.lineage) {
      if (edge.relation !== 'produced' || edge.to.kind !== 'model-artifact' || edge.from.kind !== source.kind || edge.from.id !== source.name) continue;
      try {
        folders.add(path.dirname(resolveDataUri(edge.to.id, this.objectStore(), 'model artifact')));
      } catch {
        // An artifact URI this machine cannot resolve is not listed.
      }
    }
    return [...folders];
  }

  async list(runId: string): Promise<ArtifactListing> {
    const root = this.runRoot(runId);
    const entries: ArtifactEntry[] = [];
    let truncated = await walk(root, '', 'run', ARTIFACT_LIST_LIMIT, entries);
    for (const folder of this.jobOutputFolders(runId)) {
      if (truncated) break;
      const before = entries.length;
      truncated = await walk(folder, JOB_OUTPUT, 'job', ARTIFACT_LIST_LIMIT, entries);
      if (entries.length > before) entries.splice(before, 0, { path: JOB_OUTPUT, kind: 'folder', size: 0, modifiedTime: entries[before]!.modifiedTime, origin: 'job' });
    }
    // A folder the run logged as job-output/ would list paths twice: each path is listed once.
    const seen = new Set<string>();
    const unique = entries.filter((entry) => !seen.has(entry.path) && Boolean(seen.add(entry.path)));
    return { runId, root, entries: unique, truncated };
  }

  /** The file an artifact path names, never outside the run's folder or its job's outputs. */
  private async resolve(runId: string, artifactPath: string): Promise<string> {
    const segments = artifactPath.split('/');
    if (segments.some((segment) => segment === '..' || segment === '') || artifactPath.includes('\0') || artifactPath.includes('\\')) {
      throw invalid(`Artifact path ${JSON.stringify(artifactPath)} is not one runs.artifacts lists (no "..", empty or "\\" segments).`);
    }
    // job-output/… names the job's outputs first; a folder the run itself logged under that name comes after.
    const jobBases = segments[0] === JOB_OUTPUT ? this.jobOutputFolders(runId).map((base) => ({ base, rest: segments.slice(1) })) : [];
    const bases = [...jobBases, { base: this.runRoot(runId), rest: segments }];
    for (const { base, rest } of bases) {
      const candidate = path.join(base, ...rest);
      const real = await fsp.realpath(candidate).catch(() => null);
      const realBase = await fsp.realpath(base).catch(() => null);
      if (real && realBase && within(path.relative(realBase, real))) return real;
    }
    throw notFound(`Run ${runId} has no artifact ${JSON.stringify(artifactPath)}; runs.artifacts lists what it has.`);
  }

  async preview(runId: string, artifactPath: string, maxBytes = DEFAULT_PREVIEW_BYTES): Promise<ArtifactPreview> {
    const file = await this.resolve(runId, artifactPath);
    const stat = await fsp.stat(file);
    const base = { path: artifactPath, size: stat.size };
    if (!stat.isFile()) return { ...base, kind: 'binary', reason: 'a folder: open one of its files' };
    const lower = artifactPath.toLowerCase();
    const extension = path.extname(lower);
    const image = IMAGE_TYPES[extension];
    if (image) {
      if (stat.size > MAX_IMAGE_BYTES) return { ...base, kind: 'binary', reason: `an image of ${stat.size} bytes; previews show images up to ${MAX_IMAGE_BYTES} bytes` };
      const bytes = await fsp.readFile(file);
      if (!image.magic(bytes)) return { ...base, kind: 'binary', reason: `named ${extension} but its bytes are not a ${image.mediaType} image` };
      return { ...base, kind: 'image', mediaType: image.mediaType, base64: bytes.toString('base64') };
    }
    if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz') || lower.endsWith('.tar')) {
      const { members, truncated } = await tarMembers(file, !lower.endsWith('.tar'));
      return { ...base, kind: 'archive', members, truncated };
    }
    const handle = await fsp.open(file, 'r');
    let head: Buffer;
    try {
      const buffer = Buffer.alloc(Math.min(maxBytes, stat.size));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
    if (head.includes(0)) return { ...base, kind: 'binary', reason: 'not text (it holds NUL bytes)' };
    const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
    const truncated = stat.size > head.length;
    if (extension === '.csv' || extension === '.tsv') {
      const lines = text.split(/\r?\n/);
      if (truncated) lines.pop(); // the last line may be cut short
      const rows = lines.filter((line) => line !== '');
      const delimiter = extension === '.tsv' ? '\t' : (sniffDelimiter(rows.slice(0, 20)) ?? ',');
      const [header = [], ...body] = rows.slice(0, MAX_TABLE_ROWS + 1).map((line) => splitRow(line, delimiter));
      return { ...base, kind: 'table', delimiter, columns: header, rows: body, truncated: truncated || rows.length > MAX_TABLE_ROWS + 1 };
    }
    return { ...base, kind: 'text', text, truncated };
  }
}
