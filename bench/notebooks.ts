// Notebook figures for `npm run bench` (alone: `node --import tsx bench/notebooks.ts`), side by side
// in one run with Debian's jupyter_server 1.23:
//   (a) Lathe: notebooks.start (Lathe's config: TCP_NODELAY on kernel WebSockets), kernels reached
//       the way the renderer reaches them, through the loopback server's /jupyter/ proxy;
//   (b) the same Lathe server reached directly (no proxy): what the proxy costs;
//   (c) a stock `python3 -m jupyter_server` started by hand without Lathe's config, reached directly.
// Server ready = spawn to GET /jupyter/api/status answering 200; kernel ready = POST /api/kernels to
// the kernel_info reply over its WebSocket; round trip = one `1+1` execute_request to its reply.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLathe, type Lathe } from '../main/app';
import { connectKernel, jupyterServices, nodeServerSettings, type KernelConnection } from '../main/notebooks/jupyterServices';
import { serverArgs } from '../main/notebooks/serverLaunch';
import { freePort } from '../main/util/net';

const PYTHON = '/usr/bin/python3';

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
const pct = (samples: number[], p: number) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor((samples.length * p) / 100))] ?? NaN;
const ms = (value: number) => value.toFixed(1).padStart(6);

interface Target {
  url: string;
  token: string;
}

/** Kernel ready (start + kernel_info over the WebSocket), then `n` round trips of `1+1` after a warm-up. */
async function kernelFigures(target: Target, n: number, warmup: number): Promise<{ readyMs: number; trips: number[] }> {
  const settings = nodeServerSettings(target.url, target.token);
  const { KernelAPI } = jupyterServices();
  const started = performance.now();
  const model = await KernelAPI.startNew({ name: 'python3' }, settings);
  const kernel: KernelConnection = connectKernel(model, settings);
  await kernel.info;
  const readyMs = performance.now() - started;
  const trips: number[] = [];
  try {
    for (let i = 0; i < warmup + n; i++) {
      const t = performance.now();
      const reply = await kernel.requestExecute({ code: '1+1' }).done;
      if (reply.content.status !== 'ok') throw new Error(`1+1 answered ${JSON.stringify(reply.content)}`);
      if (i >= warmup) trips.push(performance.now() - t);
    }
  } finally {
    kernel.dispose();
    await KernelAPI.shutdownKernel(model.id, settings).catch(() => undefined);
  }
  return { readyMs, trips };
}

/** From kernel.interrupt() on a running `time.sleep(60)` cell to its KeyboardInterrupt reply, `n` times. */
async function interruptFigures(target: Target, n: number): Promise<number[]> {
  const settings = nodeServerSettings(target.url, target.token);
  const { KernelAPI } = jupyterServices();
  const model = await KernelAPI.startNew({ name: 'python3' }, settings);
  const kernel: KernelConnection = connectKernel(model, settings);
  const samples: number[] = [];
  try {
    await kernel.info;
    for (let i = 0; i < n; i++) {
      const future = kernel.requestExecute({ code: 'import time\ntime.sleep(60)' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const t = performance.now();
      await kernel.interrupt();
      const reply = await future.done.catch((error: unknown) => ({ content: { status: 'error', ename: String(error) } }));
      const content = reply.content as { status: string; ename?: string };
      if (content.ename !== 'KeyboardInterrupt') throw new Error(`the interrupted cell answered ${JSON.stringify(content)}`);
      samples.push(performance.now() - t);
    }
  } finally {
    kernel.dispose();
    await KernelAPI.shutdownKernel(model.id, settings).catch(() => undefined);
  }
  return samples;
}

/** A stock jupyter_server, started the way its documentation says, without Lathe's config. */
async function stockServer(workspace: string): Promise<{ target: Target; readyMs: number; child: ChildProcess }> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const args = serverArgs({ python: PYTHON, port, workspace, configFile: '', root: process.getuid?.() === 0 }).filter((arg) => !arg.startsWith('--config='));
  const started = performance.now();
  const child = spawn(PYTHON, args, { cwd: workspace, env: { ...process.env, JUPYTER_TOKEN: token, PYDEVD_DISABLE_FILE_VALIDATION: '1' }, detached: true, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/jupyter/`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the stock jupyter_server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}api/status`, { headers: { authorization: `token ${token}` } });
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (performance.now() - started > 60_000) throw new Error('the stock jupyter_server was not ready in 60 s');
    await sleep(50);
  }
  return { target: { url, token }, readyMs: performance.now() - started, child };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) return resolve();
    child.once('exit', () => resolve());
    process.kill(-child.pid, 'SIGTERM');
  });
}

/** The server's own token, from its environment (the bench's direct column needs it). */
function jupyterToken(pid: number): string {
  const entry = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((line) => line.startsWith('JUPYTER_TOKEN='));
  if (!entry) throw new Error('no JUPYTER_TOKEN');
  return entry.slice('JUPYTER_TOKEN='.length);
}

export async function notebookFigures(runs = Number(process.env.BENCH_RUNS ?? 5), trips = Number(process.env.BENCH_NOTEBOOK_TRIPS ?? 200)): Promise<string[]> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-notebooks-'));
  const stockWorkspace = path.join(home, 'stock');
  fs.mkdirSync(stockWorkspace);
  let lathe: Lathe | null = null;
  const stockChildren: ChildProcess[] = [];
  try {
    lathe = await createLathe({ home, serve: true, staticDir: null, background: false, env: { ...process.env, LATHE_PYTHON: PYTHON } });
    const latheReady: number[] = [];
    const stockReady: number[] = [];
    // The first kernel on a fresh server (what a person waits for after Start), then one more on
    // the same server per way in, measured in alternating order.
    const firstKernel = { lathe: [] as number[], stock: [] as number[] };
    const kernelReady = { proxy: [] as number[], direct: [] as number[], stock: [] as number[] };
    const roundTrips = { proxy: [] as number[], direct: [] as number[], stock: [] as number[] };
    const interrupts: number[] = [];
    for (let run = 0; run < runs; run++) {
      const n = run === 0 ? trips : 20;
      const status = await lathe.router.invoke('notebooks.start');
      if (status.State !== 'ready') throw new Error(`notebooks.start: ${status.State} ${status.FailureReason ?? ''}`);
      latheReady.push(status.ReadyMs ?? NaN);
      const proxyTarget = { url: status.Url!, token: status.Token! };
      const directTarget = { url: status.DirectUrl!, token: jupyterToken(status.Pid!) };
      firstKernel.lathe.push((await kernelFigures(proxyTarget, 0, 0)).readyMs);
      if (run === 0) interrupts.push(...(await interruptFigures(proxyTarget, 5)));
      const order = run % 2 === 0 ? (['proxy', 'direct'] as const) : (['direct', 'proxy'] as const);
      for (const way of order) {
        const figures = await kernelFigures(way === 'proxy' ? proxyTarget : directTarget, n, 20);
        kernelReady[way].push(figures.readyMs);
        roundTrips[way].push(...figures.trips);
      }
      await lathe.router.invoke('notebooks.stop');
      const stock = await stockServer(stockWorkspace);
      stockChildren.push(stock.child);
      stockReady.push(stock.readyMs);
      firstKernel.stock.push((await kernelFigures(stock.target, 0, 0)).readyMs);
      const stockKernel = await kernelFigures(stock.target, n, 20);
      await stop(stock.child);
      kernelReady.stock.push(stockKernel.readyMs);
      roundTrips.stock.push(...stockKernel.trips);
    }
    const line = (label: string, samples: number[]) => `  ${label.padEnd(62)} median ${ms(median(samples))} ms  p90 ${ms(pct(samples, 90))} ms  (n=${samples.length})`;
    return [
      `notebooks (Debian jupyter_server 1.23, ipykernel, ${PYTHON}):`,
      line('server ready, Lathe notebooks.start (spawn → /api/status 200)', latheReady),
      line('server ready, stock jupyter_server, same flags, no config', stockReady),
      line('first kernel ready after start, Lathe, through the proxy', firstKernel.lathe),
      line('first kernel ready after start, stock server direct', firstKernel.stock),
      line('next kernel ready, through Lathe /jupyter/ proxy', kernelReady.proxy),
      line('next kernel ready, Lathe server direct', kernelReady.direct),
      line('next kernel ready, stock server direct', kernelReady.stock),
      line('1+1 round trip, through Lathe /jupyter/ proxy (TCP_NODELAY)', roundTrips.proxy),
      line('1+1 round trip, Lathe server direct (TCP_NODELAY)', roundTrips.direct),
      line('1+1 round trip, stock jupyter_server direct (no TCP_NODELAY)', roundTrips.stock),
      line('interrupt a time.sleep(60) cell → its KeyboardInterrupt reply (proxy)', interrupts),
      `  ratio stock / Lathe proxy (1+1 median): ${(median(roundTrips.stock) / median(roundTrips.proxy)).toFixed(1)}×`,
    ];
  } finally {
    for (const child of stockChildren) await stop(child);
    await lathe?.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${(await notebookFigures()).join('\n')}\n`);
}
