import fs from 'node:fs';
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

/** Written whole or not at all (temp file + rename), readable by this user only. */
export function writeServerFile(home: string, info: ServerFile): void {
  const file = homeLayout(home).serverFile;
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, JSON.stringify(info, null, 2), { mode: 0o600 });
    fs.chmodSync(temp, 0o600);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
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

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

