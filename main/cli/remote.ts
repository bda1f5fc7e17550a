import fs from 'node:fs';
import { fail, type Result } from '../contract/result';
import { homeLayout } from '../home';
import { processAlive, type ServerAddress, type ServerFile } from '../server/serverFile';

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
