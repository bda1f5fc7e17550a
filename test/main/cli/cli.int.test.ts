import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveLathe, type ServedLathe } from '../../helpers/serve';
import { tmpDir } from '../../helpers/tmp';

const run = promisify(execFile);
const LATHE = path.resolve('bin', 'lathe.js');

async function lathe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [LATHE, ...args], { env: { ...process.env, LATHE_URL: '', LATHE_TOKEN: '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('lathe CLI', () => {
  let served: ServedLathe;
  let servedHome: string;

  beforeAll(async () => {
    servedHome = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-cli-'));
    served = await serveLathe(servedHome);
  });
  afterAll(async () => {
    await served?.stop();
    // `lathe serve` removes its server file when it stops.
    expect(fs.existsSync(path.join(servedHome, 'server.json'))).toBe(false);
    fs.rmSync(servedHome, { recursive: true, force: true });
  });

  it('calls a channel in-process with --home and prints JSON', async () => {
    const home = tmpDir();
    const result = await lathe(['call', 'app.info', '--home', home]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ name: 'Lathe', home, storePath: path.join(home, 'lathe.db') });
  });

  it('finds the running server through LATHE_HOME and changes its settings', async () => {
    const update = await lathe(['call', 'settings.update', '{"patch":{"theme":"dark"}}'], { LATHE_HOME: servedHome });
    expect(update.code).toBe(0);
    expect(JSON.parse(update.stdout)).toMatchObject({ theme: 'dark' });
    const read = await lathe(['call', 'settings.get'], { LATHE_URL: served.url, LATHE_TOKEN: served.token });
    expect(JSON.parse(read.stdout)).toMatchObject({ theme: 'dark' });
    const events = await lathe(['call', 'events.list', '{"limit":5}'], { LATHE_HOME: servedHome });
    expect(JSON.parse(events.stdout)[0]).toMatchObject({ action: 'settings.update', actor: 'cli' });
    const info = fs.statSync(path.join(servedHome, 'server.json'));
    expect(info.mode & 0o077).toBe(0);
  });

  it('reports a malformed payload with the field, a bad token, and usage errors', async () => {
    const bad = await lathe(['call', 'settings.update', '{"patch":{"theme":"purple"}}'], { LATHE_HOME: servedHome });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^invalid-argument: settings\.update: patch\.theme/);
    const wrong = await lathe(['call', 'app.info'], { LATHE_URL: served.url, LATHE_TOKEN: 'wrong' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('refused the token');
    const usage = await lathe(['call']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('lathe call needs a channel');
    const notJson = await lathe(['call', 'app.info', '{nope', '--home', tmpDir()]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('the payload must be JSON');
  });

  it('says how to start Lathe when no server is running', async () => {
    const result = await lathe(['call', 'app.info'], { LATHE_HOME: tmpDir() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no running Lathe found');
  });

  it('prints this machine with `lathe system`', async () => {
    const result = await lathe(['system', '--home', tmpDir()], { LATHE_PYTHON: '/usr/bin/python3' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${os.cpus().length} logical`);
    expect(result.stdout).toMatch(/Python\s+\/usr\/bin\/python3/);
    expect(result.stdout).toMatch(/GPU\s+/);
    expect(result.stdout).toMatch(/Docker\s+/);
  });
});
