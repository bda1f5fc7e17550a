/** The output of an endpoint's workers: the last lines of each worker's log file, by variant. */
import fs from 'node:fs';
import path from 'node:path';

export interface WorkerLog {
  Variant: string;
  Worker: number;
  File: string;
  Lines: string[];
}

const MAX_BYTES = 256 * 1024;

function tail(file: string, lines: number): string[] {
  const size = fs.statSync(file).size;
  const start = Math.max(0, size - MAX_BYTES);
  const handle = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(size - start);
    fs.readSync(handle, buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8').split('\n');
    if (start > 0) text.shift(); // a partial first line
    if (text.at(-1) === '') text.pop();
    return text.slice(-lines);
  } finally {
    fs.closeSync(handle);
  }
}

/** Every worker log of `configName`'s deployment of the endpoint (workers of all ages, newest index last). */
export function workerLogs(home: string, endpoint: string, configName: string, lines: number, variant?: string): WorkerLog[] {
  const root = path.join(home, 'endpoints', endpoint, configName);
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && (variant === undefined || entry.name === variant))
    .flatMap((entry) =>
      fs
        .readdirSync(path.join(root, entry.name))
        .map((name) => /^worker-(\d+)\.log$/.exec(name))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => ({ Variant: entry.name, Worker: Number(match[1]), File: path.join(root, entry.name, match[0]) })),
    )
    .sort((a, b) => (a.Variant === b.Variant ? a.Worker - b.Worker : a.Variant < b.Variant ? -1 : 1))
    .map((log) => ({ ...log, Lines: tail(log.File, lines) }));
}
