import { create } from 'zustand';
import type { LatheError } from '../../main/contract/result';
import type { RequestOf } from '../../main/contract/schemas';
import { getBridge } from '../api/client';
import { errorLabel } from '../panes/endpoints/endpointFormat';

export const DEFAULT_REQUESTS = '500';
export const DEFAULT_CONCURRENCY = '8';
export const MAX_REQUESTS = 100_000;
export const MAX_CONCURRENCY = 64;
/** How often progress reaches the screen while a run goes, at most. */
const PROGRESS_MS = 100;

export interface LoadRun {
  endpoint: string;
  total: number;
  concurrency: number;
  state: 'running' | 'done' | 'canceled';
  /** Requests answered or failed. */
  done: number;
  /** Total latency (model + overhead) of each answer, in order of arrival. */
  latencies: number[];
  errors: number;
  /** Failed requests by kind ("ModelError 415": 3). */
  errorKinds: Record<string, number>;
  firstError: LatheError | null;
  /** Wall time from the first request to the last answer (or to now, while running). */
  elapsedMs: number;
}

interface LoadState {
  /** As typed in the panel. */
  requests: string;
  concurrency: string;
  /** The latest run (one at a time, any endpoint). */
  run: LoadRun | null;
  setRequests(text: string): void;
  setConcurrency(text: string): void;
  /** Sends `request` `total` times, `concurrency` at a time. */
  start(request: RequestOf<'endpoints.invoke'>, total: number, concurrency: number): Promise<void>;
  /** Starts no more requests; those in flight finish and count. */
  cancel(): void;
}

/** A count typed in the panel, or why it is not one. */
export function parseCount(text: string, max: number, what: string): { value: number } | { error: string } {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(value) || value < 1) return { error: `${what}: a whole number from 1.` };
  if (value > max) return { error: `${what}: at most ${max.toLocaleString('en-US')}.` };
  return { value };
}

let canceled = false;

/** The load panel: N requests at concurrency C through endpoints.invoke, from this window. */
export const useEndpointsLoadStore = create<LoadState>()((set, get) => ({
  requests: DEFAULT_REQUESTS,
  concurrency: DEFAULT_CONCURRENCY,
  run: null,

  setRequests(requests) {
    set({ requests });
  },

  setConcurrency(concurrency) {
    set({ concurrency });
  },

  async start(request, total, concurrency) {
    if (get().run?.state === 'running') return;
    canceled = false;
    const run: LoadRun = { endpoint: request.EndpointName, total, concurrency, state: 'running', done: 0, latencies: [], errors: 0, errorKinds: {}, firstError: null, elapsedMs: 0 };
    set({ run });
    const started = performance.now();
    let shownAt = 0;
    const show = (force: boolean) => {
      const now = performance.now();
      if (!force && now - shownAt < PROGRESS_MS) return;
      shownAt = now;
      set({ run: { ...run, latencies: [...run.latencies], errorKinds: { ...run.errorKinds }, elapsedMs: now - started } });
    };
    let issued = 0;
    const worker = async () => {
      while (!canceled && issued < total) {
        issued++;
        const result = await getBridge().call('endpoints.invoke', request);
        run.done++;
        if (result.ok) {
          run.latencies.push(result.value.ModelLatencyMs + result.value.OverheadLatencyMs);
        } else {
          run.errors++;
          const kind = errorLabel(result.error);
          run.errorKinds[kind] = (run.errorKinds[kind] ?? 0) + 1;
          run.firstError ??= result.error;
        }
        show(false);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
    run.state = canceled ? 'canceled' : 'done';
    show(true);
  },

  cancel() {
    if (get().run?.state === 'running') canceled = true;
  },
}));
