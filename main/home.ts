import os from 'node:os';
import path from 'node:path';

/** The platform's app-data folder for Lathe; the same folder Electron's userData uses. */
export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.LATHE_HOME) return path.resolve(env.LATHE_HOME);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Lathe');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Lathe');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Lathe');
}

/** The folders inside LATHE_HOME. */
export function homeLayout(home: string) {
  return {
    home,
    logs: path.join(home, 'logs'),
    store: path.join(home, 'lathe.db'),
    /** Written by `lathe serve` so `lathe call` can find the running server. */
    serverFile: path.join(home, 'server.json'),
  };
}
