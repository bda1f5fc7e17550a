import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServedLathe {
  /** The printed URL, with its one-time ?token=. */
  browserUrl: string;
  url: string;
  token: string;
  process: ChildProcess;
  /** Milliseconds from spawn to the printed URL. */
  startMs: number;
  stop(): Promise<void>;
}

/** Runs the real `lathe serve` command in a child process with its own LATHE_HOME. */
export function serveLathe(home: string, env: NodeJS.ProcessEnv = {}): Promise<ServedLathe> {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(root, 'bin', 'lathe.js'), 'serve', '--home', home, '--port', '0'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lathe serve printed no URL in 60 s; stderr: ${stderr}`)), 60_000);
    child.on('exit', (code) => reject(new Error(`lathe serve exited with ${code}: ${stderr}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = stdout.match(/running at (http:\/\/127\.0\.0\.1:(\d+))\/\?token=(\w+)/);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        browserUrl: `${match[1]}/?token=${match[3]}`,
        url: match[1]!,
        token: match[3]!,
        process: child,
        startMs: performance.now() - started,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
