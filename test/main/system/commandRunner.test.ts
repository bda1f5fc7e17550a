import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { execFileRunner } from '../../../main/system/commandRunner';
import { tmpDir } from '../../helpers/tmp';

describe('execFileRunner', () => {
  it('returns stdout, stderr and the exit code', async () => {
    const result = await execFileRunner('/bin/sh', ['-c', 'echo out; echo err >&2; exit 3'], { timeoutMs: 10_000 });
    expect(result).toEqual({ kind: 'exit', code: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('reports a missing program as enoent', async () => {
    expect(await execFileRunner('lathe-no-such-tool', [], { timeoutMs: 10_000 })).toEqual({ kind: 'enoent' });
  });

  it('kills a program that runs past its deadline', async () => {
    const result = await execFileRunner('/bin/sh', ['-c', 'sleep 30'], { timeoutMs: 200 });
    expect(result).toMatchObject({ kind: 'failed', reason: 'timeout' });
  });

  it('stops when aborted', async () => {
    const abort = new AbortController();
    const running = execFileRunner('/bin/sh', ['-c', 'sleep 30'], { timeoutMs: 30_000, signal: abort.signal });
    abort.abort();
    expect(await running).toMatchObject({ kind: 'failed', reason: 'aborted' });
  });

  it('reports a file without the execute bit as a permission failure', async () => {
    const file = path.join(tmpDir(), 'tool');
    fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o644 });
    expect(await execFileRunner(file, [], { timeoutMs: 10_000 })).toMatchObject({ kind: 'failed', reason: 'permission', detail: 'EACCES' });
  });
});
