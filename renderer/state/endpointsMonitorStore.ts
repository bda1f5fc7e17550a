import { create } from 'zustand';
import type { Channel, ChannelResponses } from '../../main/contract/channels';
import type { LatheError } from '../../main/contract/result';
import type { RequestOf } from '../../main/contract/schemas';
import { getBridge } from '../api/client';

/** How often a shown panel asks again (only while the window is visible). */
export const METRICS_POLL_MS = 2000;
export const LOGS_POLL_MS = 2000;
export const CAPTURED_POLL_MS = 5000;
/** The metrics window and step: five minutes, a point every 5 s. */
export const METRICS_WINDOW_SECONDS = 300;
export const METRICS_STEP_SECONDS = 5;
export const LOG_LINES = 200;
export const CAPTURED_RECORDS = 100;

type Kind = 'metrics' | 'captured' | 'logs';
const CHANNEL = { metrics: 'endpoints.metrics', captured: 'endpoints.captured', logs: 'endpoints.logs' } as const satisfies Record<Kind, Channel>;

export type MetricsReport = ChannelResponses['endpoints.metrics'];
export type CapturedReport = ChannelResponses['endpoints.captured'];
export type LogsReport = ChannelResponses['endpoints.logs'];

/** One endpoint's latest answer for a panel, and the latest error (the last answer stays shown under it). */
export interface Loaded<T> {
  value: T | null;
  error: LatheError | null;
  loading: boolean;
  /** When the value was read (ms since the epoch). */
  at: number | null;
}

export const NOT_LOADED: Loaded<never> = { value: null, error: null, loading: false, at: null };

interface MonitorState {
  /** By EndpointName. */
  metrics: Record<string, Loaded<MetricsReport>>;
  captured: Record<string, Loaded<CapturedReport>>;
  logs: Record<string, Loaded<LogsReport>>;
  loadMetrics(endpoint: string): Promise<void>;
  loadCaptured(endpoint: string): Promise<void>;
  loadLogs(endpoint: string): Promise<void>;
}

const REQUESTS: { [K in Kind]: (endpoint: string) => RequestOf<(typeof CHANNEL)[K]> } = {
  metrics: (EndpointName) => ({ EndpointName, WindowSeconds: METRICS_WINDOW_SECONDS, StepSeconds: METRICS_STEP_SECONDS }),
  captured: (EndpointName) => ({ EndpointName, MaxRecords: CAPTURED_RECORDS }),
  logs: (EndpointName) => ({ EndpointName, Lines: LOG_LINES }),
};

/** Calls in flight, by kind and endpoint: a poll that finds one still out skips its turn. */
const inFlight = new Set<string>();

/** The Metrics, Captured data and Logs panels of an endpoint: each its latest answer, polled while shown. */
export const useEndpointsMonitorStore = create<MonitorState>()((set) => {
  async function load<K extends Kind>(kind: K, endpoint: string): Promise<void> {
    const key = `${kind}\u0000${endpoint}`;
    if (inFlight.has(key)) return;
    inFlight.add(key);
    set((state) => ({ [kind]: { ...state[kind], [endpoint]: { ...(state[kind][endpoint] ?? NOT_LOADED), loading: true } } }) as Partial<MonitorState>);
    try {
      const result = await getBridge().call(CHANNEL[kind], REQUESTS[kind](endpoint) as never);
      set((state) => {
        const previous = state[kind][endpoint] ?? NOT_LOADED;
        const next = result.ok ? { value: result.value, error: null, loading: false, at: Date.now() } : { ...previous, error: result.error, loading: false };
        return { [kind]: { ...state[kind], [endpoint]: next } } as Partial<MonitorState>;
      });
    } finally {
      inFlight.delete(key);
    }
  }

  return {
    metrics: {},
    captured: {},
    logs: {},
    loadMetrics: (endpoint) => load('metrics', endpoint),
    loadCaptured: (endpoint) => load('captured', endpoint),
    loadLogs: (endpoint) => load('logs', endpoint),
  };
});

/** Forgets every answer and call in flight (tests). */
export function resetEndpointsMonitor(): void {
  inFlight.clear();
  useEndpointsMonitorStore.setState(useEndpointsMonitorStore.getInitialState(), true);
}
