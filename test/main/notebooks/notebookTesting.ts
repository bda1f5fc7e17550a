/** Shared by the notebook integration tests: a served Lathe with its own data folder, kernels through its proxy. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLathe, type Lathe } from '../../../main/app';
import type { NotebookServerStatus } from '../../../main/contract/notebooks';
import { until as pollUntil } from '../../helpers/until';
import { connectKernel, jupyterServices, nodeServerSettings, type KernelConnection, type KernelMessage } from '../../../main/notebooks/jupyterServices';

export const PYTHON = '/usr/bin/python3';

/** A small environment: discovery probes only the interpreters named here (the user's HOME keeps matplotlib's font cache). */
export function testEnv(home: string, python = PYTHON): NodeJS.ProcessEnv {
  return { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? home, LANG: 'C.UTF-8', LATHE_PYTHON: python };
}

export async function servedLathe(python = PYTHON): Promise<{ lathe: Lathe; home: string; close(): Promise<void> }> {
  // Not tmpDir(): that is removed after each test, and these live for the whole file.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-test-notebooks-'));
  const lathe = await createLathe({ home, serve: true, staticDir: null, background: false, env: testEnv(home, python) });
  return {
    lathe,
    home,
    close: async () => {
      await lathe.dispose();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** test/helpers/until.ts's poll, with the notebook tests' 45 s limit. */
export function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, what: string, limitMs = 45_000): Promise<T> {
  return pollUntil(read, done, what, limitMs);
}

/** The Jupyter server's own token, read from its environment (what Lathe must never hand out). */
export function jupyterTokenOf(pid: number): string {
  const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  const entry = environ.find((line) => line.startsWith('JUPYTER_TOKEN='));
  if (!entry) throw new Error(`no JUPYTER_TOKEN in the environment of ${pid}`);
  return entry.slice('JUPYTER_TOKEN='.length);
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /s.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** A kernel through Lathe's proxy, as the renderer reaches one: Url and Token from notebooks.start. */
export async function proxiedKernel(status: NotebookServerStatus): Promise<{ kernel: KernelConnection; statuses: string[] }> {
  if (!status.Url || !status.Token) throw new Error(`the server is not ready: ${JSON.stringify(status)}`);
  const settings = nodeServerSettings(status.Url, status.Token);
  const model = await jupyterServices().KernelAPI.startNew({ name: 'python3' }, settings);
  // As the runner connects (see connectKernel: a library promise that would go unhandled).
  const kernel = connectKernel(model, settings);
  const statuses: string[] = [];
  kernel.statusChanged.connect((_, state) => void statuses.push(state));
  await kernel.info;
  return { kernel, statuses };
}

export interface Executed {
  reply: Record<string, unknown>;
  messages: KernelMessage[];
  /** stdout and stderr text, and text/plain results. */
  text: string;
}

export async function execute(kernel: KernelConnection, code: string): Promise<Executed> {
  const messages: KernelMessage[] = [];
  const future = kernel.requestExecute({ code });
  future.onIOPub = (message) => void messages.push(message);
  const reply = (await future.done).content;
  const text = messages
    .map((m) => (m.header.msg_type === 'stream' ? String(m.content.text) : m.header.msg_type === 'execute_result' ? String((m.content.data as Record<string, unknown>)['text/plain']) : ''))
    .join('');
  return { reply, messages, text };
}
