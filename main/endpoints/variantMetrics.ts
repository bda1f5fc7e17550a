/**
 * Per-variant endpoint metrics, as CloudWatch names them for SageMaker: Invocations,
 * Invocation4XXErrors, Invocation5XXErrors, ModelLatency and OverheadLatency (percentiles), and the
 * workers running over time. Kept in memory in one-second buckets for the last hour.
 */
import type { LatencyPercentiles, VariantMetricsReport } from '../contract/endpoints';

const KEEP_SECONDS = 3600;
/** Latency samples kept for percentiles (the most recent ones). */
const KEEP_SAMPLES = 20_000;

interface Bucket {
  second: number;
  invocations: number;
  errors4xx: number;
  errors5xx: number;
  workers: number;
}

export type Percentiles = LatencyPercentiles;
export type { VariantMetricsReport };

/** The value below which `q` of the sorted samples fall (nearest rank), or null when there are none. */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99) };
}

export class VariantMetrics {
  private buckets: Bucket[] = [];
  private samples: Array<{ at: number; model: number; overhead: number }> = [];
  private coldStarts: Array<{ at: number; ms: number }> = [];

  /** A cold start: a request found the variant at zero workers and waited for one. */
  coldStart(ms: number, nowMs = Date.now()): void {
    this.coldStarts.push({ at: nowMs, ms });
    this.coldStarts.splice(0, Math.max(0, this.coldStarts.length - 100));
  }

  constructor(private readonly workers: () => number) {}

  private bucket(nowMs: number): Bucket {
    const second = Math.floor(nowMs / 1000);
    let last = this.buckets.at(-1);
    if (!last || last.second !== second) {
      last = { second, invocations: 0, errors4xx: 0, errors5xx: 0, workers: this.workers() };
      this.buckets.push(last);
      const oldest = second - KEEP_SECONDS;
      if (this.buckets[0]!.second <= oldest) this.buckets = this.buckets.filter((b) => b.second > oldest);
    }
    return last;
  }

  /** One answered call: its status class and, when the model answered, the two latencies. */
  record(outcome: 'ok' | '4xx' | '5xx', latency: { modelMs: number; overheadMs: number } | null, nowMs = Date.now()): void {
    const bucket = this.bucket(nowMs);
    bucket.invocations++;
    if (outcome === '4xx') bucket.errors4xx++;
    if (outcome === '5xx') bucket.errors5xx++;
    bucket.workers = this.workers();
    if (latency) {
      this.samples.push({ at: nowMs, model: latency.modelMs, overhead: latency.overheadMs });
      if (this.samples.length > KEEP_SAMPLES * 1.25) this.samples = this.samples.slice(-KEEP_SAMPLES);
    }
  }

  /** The last `windowSeconds`, with a series point every `stepSeconds`. */
  report(windowSeconds: number, stepSeconds: number, nowMs = Date.now()): VariantMetricsReport {
    this.bucket(nowMs); // the current second exists, so workers are sampled even when idle
    const from = Math.floor(nowMs / 1000) - windowSeconds + 1;
    const inWindow = this.buckets.filter((b) => b.second >= from);
    const samples = this.samples.filter((s) => s.at >= from * 1000);
    const series: VariantMetricsReport['Series'] = [];
    // Steps start on multiples of the step, as CloudWatch periods do.
    for (let start = Math.floor(from / stepSeconds) * stepSeconds; start <= Math.floor(nowMs / 1000); start += stepSeconds) {
      const slice = inWindow.filter((b) => b.second >= start && b.second < start + stepSeconds);
      series.push({
        Time: new Date(start * 1000).toISOString(),
        Invocations: slice.reduce((n, b) => n + b.invocations, 0),
        Errors: slice.reduce((n, b) => n + b.errors4xx + b.errors5xx, 0),
        Workers: slice.at(-1)?.workers ?? series.at(-1)?.Workers ?? this.workers(),
      });
    }
    return {
      Invocations: inWindow.reduce((n, b) => n + b.invocations, 0),
      Invocation4XXErrors: inWindow.reduce((n, b) => n + b.errors4xx, 0),
      Invocation5XXErrors: inWindow.reduce((n, b) => n + b.errors5xx, 0),
      ModelLatency: percentiles(samples.map((s) => s.model)),
      OverheadLatency: percentiles(samples.map((s) => s.overhead)),
      ColdStarts: this.coldStarts.filter((c) => c.at >= from * 1000).map((c) => ({ Time: new Date(c.at).toISOString(), Milliseconds: c.ms })),
      Series: series,
    };
  }
}
