import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, LogSink, redact } from '../../../main/log/logger';
import { tmpDir } from '../../helpers/tmp';

describe('logger', () => {
  it('redacts registered secrets and token-shaped values before they reach disk', () => {
    const dir = tmpDir();
    const sink = new LogSink({ dir });
    sink.addSecret('s3cr3t-token-value');
    const log = createLogger('server', sink);
    log.info('GET /?token=s3cr3t-token-value from 127.0.0.1');
    log.warn('header Authorization: Bearer abcdefghijklmnop', { env: 'LATHE_TOKEN=zzzzzzzzzz' });
    const text = fs.readFileSync(path.join(dir, 'lathe.log'), 'utf8');
    expect(text).not.toContain('s3cr3t-token-value');
    expect(text).not.toContain('abcdefghijklmnop');
    expect(text).not.toContain('zzzzzzzzzz');
    expect(text).toContain('[server] GET /?token=[redacted]');
  });

  it('rotates the log file by size, keeping a bounded number of files', () => {
    const dir = tmpDir();
    const log = createLogger('x', new LogSink({ dir, maxBytes: 1000, maxFiles: 3 }));
    for (let i = 0; i < 100; i++) log.info(`line ${i} ${'.'.repeat(80)}`);
    const files = fs.readdirSync(dir).sort();
    expect(files).toEqual(['lathe.log', 'lathe.log.1', 'lathe.log.2']);
    expect(fs.readFileSync(path.join(dir, 'lathe.log'), 'utf8')).toContain('line 99');
    for (const file of files) expect(fs.statSync(path.join(dir, file)).size).toBeLessThanOrEqual(1000);
  });

  it('redact leaves ordinary text alone', () => {
    expect(redact('trained 3 models in 2 s')).toBe('trained 3 models in 2 s');
  });
});
