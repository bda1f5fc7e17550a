import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../version';

/** resources/python under the repository (or packaged app) root: Lathe's own Python package. */
export function pythonResourcesDir(): string {
  // In a packaged app the folder is unpacked beside the asar archive, so Python can read it.
  return path.join(projectRoot().replace(/\.asar$/, '.asar.unpacked'), 'resources', 'python');
}

let probeSource: string | null = null;

/** The source of resources/python/lathe/probe.py, read once; Lathe passes it to `python -c`. */
export function probeScriptSource(): string {
  probeSource ??= fs.readFileSync(path.join(pythonResourcesDir(), 'lathe', 'probe.py'), 'utf8');
  return probeSource;
}
