import fs from 'node:fs';
import { fail, type Result } from '../contract/result';
import { homeLayout } from '../home';

export interface ServerAddress {
  url: string;
  token: string;
}

/** What `lathe serve` leaves in LATHE_HOME so other `lathe` commands can reach it (mode 0600). */
export interface ServerFile extends ServerAddress {
  pid: number;
  startedAt: string;
}

export function writeServerFile(home: string, info: ServerFile): void {
  const file = homeLayout(home).serverFile;
  fs.writeFileSync(file, JSON.stringify(info, null, 2), { mode: 0o600 });
}

export function removeServerFile(home: string, pid: number): void {
  const file = homeLayout(home).serverFile;
  try {
    const info = JSON.parse(fs.readFileSync(file, 'utf8')) as ServerFile;
    if (info.pid === pid) fs.rmSync(file);
  } catch {
    // Already gone or unreadable: nothing to clean up.
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** LATHE_URL + LATHE_TOKEN, else the server file of a live `lathe serve` in `home`. */
export function findServer(env: NodeJS.ProcessEnv, home: string): ServerAddress | null {
  if (env.LATHE_URL && env.LATHE_TOKEN) return { url: env.LATHE_URL, token: env.LATHE_TOKEN };
  try {
    const info = JSON.parse(fs.readFileSync(homeLayout(home).serverFile, 'utf8')) as ServerFile;
    return processAlive(info.pid) ? { url: info.url, token: info.token } : null;
  } catch {
    return null;
  }
}

export async function callServer(server: ServerAddress, channel: string, payload: unknown): Promise<Result<unknown>> {
  let response: Response;
  try {
    response = await fetch(`${server.url}/api/call/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json', 'x-lathe-actor': 'cli' },
      body: JSON.stringify(payload),
    });
  } catch (error) {
    return fail('unavailable', `could not reach Lathe at ${server.url} (${(error as Error).message}); is \`lathe serve\` running?`);
  }
  if (response.status === 401) return fail('permission-denied', `Lathe at ${server.url} refused the token`);
  return (await response.json()) as Result<unknown>;
}
