// npm run bench — prints Lathe's start-up figures. Never asserts: the figures go in closing notes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLathe } from '../main/app';
import { launchChromium, watchedPage } from '../test/helpers/browser';
import { serveLathe } from '../test/helpers/serve';
import { downsampleFigures } from './downsample';
import { endpointFigures } from './endpoints';
import { trackingFigures } from './experiments';
import { submitToFirstLine, tinyJobs } from './jobs';
import { notebookFigures } from './notebooks';
import { registryFigures } from './registry';
import { runsTableFigures } from './runsTable';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  return `median ${median.toFixed(1)} ms  min ${sorted[0]!.toFixed(1)} ms  max ${sorted[sorted.length - 1]!.toFixed(1)} ms  (n=${sorted.length})`;
}

const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `lathe-bench-${name}-`));

/** In-process: createLathe({serve:true}) until the first authenticated call answers. */
async function serverStartToReady(): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const home = tmp('core');
    const started = performance.now();
    const lathe = await createLathe({ home, serve: true, background: false, staticDir: null });
    const res = await fetch(`${lathe.url}/api/call/app.info`, { method: 'POST', headers: { authorization: `Bearer ${lathe.token}`, 'content-type': 'application/json' }, body: '{}' });
    if (res.status !== 200) throw new Error(`app.info answered ${res.status}`);
    samples.push(performance.now() - started);
    await lathe.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  }
  return samples;
}

/** The real `lathe serve` process (tsx, store, server) from spawn to printed URL, and Home's first render. */
async function processAndFirstRender(): Promise<{ spawn: number[]; render: number[]; ready: number[]; warm: number[] }> {
  const browser = await launchChromium();
  const spawnMs: number[] = [];
  const render: number[] = [];
  const ready: number[] = [];
  const warm: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const home = tmp('serve');
      const lathe = await serveLathe(home, { LATHE_PYTHON: '/usr/bin/python3' });
      spawnMs.push(lathe.startMs);
      const { page, offHost } = await watchedPage(browser);
      await page.goto(lathe.browserUrl);
      await page.waitForSelector('html[data-app-state="ready"]', { timeout: 60_000 });
      const marks = await page.evaluate(() => ({
        paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        ready: performance.getEntriesByName('lathe:ready')[0]?.startTime ?? performance.now(),
      }));
      render.push(marks.paint);
      ready.push(marks.ready);
      if (offHost.length > 0) throw new Error(`requests left 127.0.0.1: ${offHost.join(', ')}`);
      await page.context().close();
      await lathe.stop();

      // The same data folder again: Home can show the last probe while a fresh one runs.
      const again = await serveLathe(home, { LATHE_PYTHON: '/usr/bin/python3' });
      const second = await watchedPage(browser);
      await second.page.goto(again.browserUrl);
      await second.page.waitForSelector('html[data-app-state="ready"]', { timeout: 60_000 });
      warm.push(await second.page.evaluate(() => performance.getEntriesByName('lathe:ready')[0]?.startTime ?? performance.now()));
      await second.page.context().close();
      await again.stop();
      fs.rmSync(home, { recursive: true, force: true });
    }
  } finally {
    await browser.close();
  }
  return { spawn: spawnMs, render, ready, warm };
}

const core = await serverStartToReady();
const ui = await processAndFirstRender();
const firstLine = await submitToFirstLine(RUNS);
let dockerFirstLine: string;
try {
  dockerFirstLine = stats(await submitToFirstLine(RUNS, 'lathe-python:local'));
} catch (error) {
  dockerFirstLine = `not measured: ${(error as Error).message.split('\n')[0]}`;
}
const tiny = await tinyJobs(Number(process.env.BENCH_TINY_JOBS ?? 100), 2);
const downsampling = await downsampleFigures();
const tracking = await trackingFigures();
const runsTable = await runsTableFigures(Math.min(RUNS, 3));
const registry = await registryFigures(Math.min(RUNS, 5));
const endpoints = await endpointFigures();
const notebooks = await notebookFigures(Math.min(RUNS, 5));
process.stdout.write(
  [
    `Lathe bench on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
    `server start-to-ready (createLathe + first authenticated call): ${stats(core)}`,
    `lathe serve process, spawn to printed URL:                      ${stats(ui.spawn)}`,
    `Home first contentful paint (navigation start):                ${stats(ui.render)}`,
    `Home first render with data (data-app-state=ready):            ${stats(ui.ready)}`,
    `  the same, on the next start of the same data folder:         ${stats(ui.warm)}`,
    `training job submit to first line of user code, process:       ${stats(firstLine)}`,
    `training job submit to first line of user code, Docker:        ${dockerFirstLine}`,
    `100 tiny training jobs at concurrency 2: wall ${(tiny.wallMs / 1000).toFixed(1)} s, ${tiny.perJobMs.toFixed(0)} ms per job per slot (python3 -c pass alone: ${tiny.pythonStartMs.toFixed(0)} ms)`,
    ...downsampling,
    ...tracking,
    ...runsTable,
    ...registry,
    ...endpoints,
    ...notebooks,
    '',
  ].join('\n'),
);
