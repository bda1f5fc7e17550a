/**
 * What a finished job leaves: its FailureReason, and its folders packed as SageMaker packs them.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const MAX_FAILURE = 1024;

/** FailureReason: output/failure wins; else the last Python traceback; else the exit code and last line. */
export function failureReason(failureFile: string | null, stderrTail: readonly string[], exitCode: number | null, signal: string | null = null): string {
  if (failureFile && failureFile.trim()) return failureFile.trim().slice(0, MAX_FAILURE);
  const start = stderrTail.lastIndexOf('Traceback (most recent call last):');
  if (start >= 0) {
    const lines = stderrTail.slice(start);
    // The exception line is what a person needs; keep it even when the stack is long.
    const text = lines.join('\n');
    return text.length <= MAX_FAILURE ? text : `${lines.at(-1) ?? ''}\n${text}`.slice(0, MAX_FAILURE);
  }
  const last = stderrTail.filter((line) => line.trim()).at(-1);
  const how = exitCode === null && signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
  return `AlgorithmError: the job's process ${how}${last ? `: ${last}` : ''}`.slice(0, MAX_FAILURE);
}

/** tar.gz of a folder's contents at the archive root (no leading folder), as SageMaker packs model/. */
export async function packFolder(folder: string, archive: string): Promise<void> {
  fs.mkdirSync(path.dirname(archive), { recursive: true });
  const entries = fs.existsSync(folder) ? fs.readdirSync(folder).sort() : [];
  const partial = `${archive}.partial`;
  // An empty model/ still yields an (empty) archive, as SageMaker does.
  const what = entries.length > 0 ? ['-C', folder, '--', ...entries] : ['--files-from', '/dev/null'];
  await run('tar', ['-czf', partial, ...what]);
  fs.renameSync(partial, archive);
}

/** Copies every file of `from` into `to` (created when missing), replacing files of the same name. */
export async function syncFolder(from: string, to: string): Promise<void> {
  await fs.promises.mkdir(to, { recursive: true });
  await fs.promises.cp(from, to, { recursive: true, force: true });
}
