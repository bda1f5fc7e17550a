/**
 * Follows a job's log file as it grows (the job writes it, possibly while Lathe was not running),
 * line by line. Polling rather than fs.watch: it works on every file system and across restarts.
 */
import type { JobLogPage } from '../contract/training';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { JobExit } from './backend';

const POLL_MS = 150;
const CHUNK = 256 * 1024;

export type LineListener = (line: string, replay: boolean) => void;

export class LogTail {
  private position = 0;
  /** Bytes of the lines delivered so far. */
  private delivered = 0;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  private timer: NodeJS.Timeout | null = null;
  private watcher: fs.FSWatcher | null = null;
  private reading: Promise<void> = Promise.resolve();

  /**
   * @param replayUntil lines that end before this byte offset are delivered with replay = true
   *   (already seen by a person before Lathe restarted); later ones with replay = false.
   */
  constructor(
    private readonly file: string,
    private readonly onLine: LineListener,
    private readonly replayUntil = 0,
  ) {}

  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.read();
      void this.reading.then(() => {
        if (this.timer) this.timer = setTimeout(tick, POLL_MS);
      });
    };
    this.timer = setTimeout(tick, 0);
    // Where the file system reports writes, a line arrives at once; the poll covers the rest.
    try {
      this.watcher = fs.watch(this.file, { persistent: false }, () => this.read());
      this.watcher.on('error', () => this.unwatch());
    } catch {
      this.watcher = null;
    }
  }

  private read(): void {
    this.reading = this.reading.then(() => this.readAvailable()).catch(() => undefined);
  }

  private unwatch(): void {
    this.watcher?.close();
    this.watcher = null;
  }

  /** Reads to the end of the file and delivers a last unterminated line; then stops polling. */
  async drain(): Promise<void> {
    this.stop();
    await this.reading;
    await this.readAvailable();
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest) this.onLine(rest.replace(/\r$/, ''), this.delivered + Buffer.byteLength(rest, 'utf8') <= this.replayUntil);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.unwatch();
  }

  private async readAvailable(): Promise<void> {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(this.file, 'r');
    } catch {
      return; // not written yet
    }
    try {
      const buffer = Buffer.alloc(CHUNK);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, CHUNK, this.position);
        if (bytesRead === 0) break;
        this.position += bytesRead;
        const text = this.partial + this.decoder.write(buffer.subarray(0, bytesRead));
        const lines = text.split('\n');
        this.partial = lines.pop() ?? '';
        for (const line of lines) {
          this.delivered += Buffer.byteLength(line, 'utf8') + 1;
          this.onLine(line.replace(/\r$/, ''), this.delivered <= this.replayUntil);
        }
      }
    } finally {
      await handle.close();
    }
  }
}

/** Where each complete line of a log file starts, extended as the file grows. */
interface LineIndex {
  ino: number;
  /** starts[i] is the byte offset of line i; the last entry is the end of the last complete line. */
  starts: number[];
}

const INDEXES = new Map<string, LineIndex>();
const MAX_INDEXES = 32;
/** One index update at a time per file: two followers must not add the same line starts twice. */
const UPDATING = new Map<string, Promise<unknown>>();

function lineIndex(handle: fsp.FileHandle, file: string, size: number, ino: number): Promise<LineIndex> {
  const previous = UPDATING.get(file) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => extendIndex(handle, file, size, ino));
  UPDATING.set(file, next);
  void next.finally(() => {
    if (UPDATING.get(file) === next) UPDATING.delete(file);
  }).catch(() => undefined);
  return next;
}

async function extendIndex(handle: fsp.FileHandle, file: string, size: number, ino: number): Promise<LineIndex> {
  let index = INDEXES.get(file);
  if (!index || index.ino !== ino || index.starts.at(-1)! > size) index = { ino, starts: [0] };
  INDEXES.delete(file);
  INDEXES.set(file, index); // most recently used last
  if (INDEXES.size > MAX_INDEXES) INDEXES.delete(INDEXES.keys().next().value!);
  const buffer = Buffer.alloc(CHUNK);
  let position = index.starts.at(-1)!;
  while (position < size) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK, size - position), position);
    if (bytesRead === 0) break;
    for (let at = buffer.indexOf(10); at !== -1 && at < bytesRead; at = buffer.indexOf(10, at + 1)) index.starts.push(position + at + 1);
    position += bytesRead;
  }
  return index;
}

/**
 * A window of a log file's lines; negative start counts from the end. Only complete lines count
 * unless `includePartial` (the job has ended, so an unterminated last line is final). Reads only
 * what is new since the last call and the bytes of the window, so following a large log is cheap.
 */
export async function readLogLines(file: string, start: number, limit: number, includePartial = true): Promise<{ lines: string[]; start: number; total: number }> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, 'r');
  } catch {
    return { lines: [], start: 0, total: 0 };
  }
  try {
    const stat = await handle.stat();
    const index = await lineIndex(handle, file, stat.size, stat.ino);
    const complete = index.starts.length - 1;
    const partial = includePartial && stat.size > index.starts[complete]!;
    const total = complete + (partial ? 1 : 0);
    const from = start < 0 ? Math.max(total + start, 0) : Math.min(start, total);
    const to = Math.min(from + limit, total);
    if (to <= from) return { lines: [], start: from, total };
    const begin = index.starts[from]!;
    const finish = to <= complete ? index.starts[to]! : stat.size;
    const bytes = Buffer.alloc(finish - begin);
    await handle.read(bytes, 0, bytes.length, begin);
    const lines = bytes.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    return { lines: lines.map((line) => line.replace(/\r$/, '')), start: from, total };
  } finally {
    await handle.close();
  }
}

/** Waits for a job's end while delivering its log lines; every line is delivered before it resolves. */
export async function followJob(
  wait: () => Promise<JobExit>,
  logFile: string,
  liveFrom: number,
  onLine: LineListener,
): Promise<JobExit> {
  const tail = new LogTail(logFile, onLine, liveFrom);
  tail.start();
  try {
    return await wait();
  } finally {
    await tail.drain();
  }
}

/**
 * A page of a job's log for the `*.logs` channels: `complete` once the job has ended (then a last
 * line without its newline counts too), and `next`, where the following page starts.
 */
export async function jobLogPage(file: string, status: string, start: number, limit: number): Promise<JobLogPage> {
  const complete = status !== 'InProgress' && status !== 'Stopping';
  const page = await readLogLines(file, start, limit, complete);
  return { ...page, next: page.start + page.lines.length, complete };
}
