/**
 * Pure statistics for the load panel: nearest-rank percentiles, a histogram with round bucket
 * edges, throughput. Latencies are milliseconds.
 */

export interface LatencySummary {
  /** Answers that carried a latency (errors are counted apart). */
  count: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  mean: number | null;
  min: number | null;
  max: number | null;
  /** Requests finished (answered or failed) per second of wall time; null before any time passed. */
  requestsPerSecond: number | null;
}

export interface Bucket {
  /** Inclusive lower edge. */
  from: number;
  /** Exclusive upper edge (the last bucket holds its edge too). */
  to: number;
  count: number;
  label: string;
}

/**
 * The nearest-rank percentile of ascending `sorted`: the smallest value with at least p % of the
 * values at or below it. p in (0, 100]; null for no values.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p * sorted.length) / 100);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1]!;
}

export function summarize(latencies: readonly number[], errors: number, elapsedMs: number): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const total = sorted.reduce((sum, v) => sum + v, 0);
  const finished = sorted.length + errors;
  return {
    count: sorted.length,
    errors,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sorted.length ? total / sorted.length : null,
    min: sorted.length ? sorted[0]! : null,
    max: sorted.length ? sorted[sorted.length - 1]! : null,
    requestsPerSecond: elapsedMs > 0 && finished > 0 ? (finished * 1000) / elapsedMs : null,
  };
}

/** The smallest 1, 2 or 5 × 10^k at or above `raw` (raw > 0). */
export function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  const step = scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10;
  return tidy(step * power);
}

/** Drops float noise: 0.30000000000000004 → 0.3. */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

/** A latency for people: "0.42 ms", "3.4 ms", "128 ms", "1,250 ms". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms).toLocaleString('en-US')} ms`;
}

function edgeLabel(value: number, step: number): string {
  const decimals = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step)));
  return value.toFixed(decimals);
}

/**
 * About `target` buckets of one round width (1, 2 or 5 × 10^k ms) covering every value, from the
 * round edge at or below the smallest. Empty buckets in between are kept (a gap is information).
 */
export function histogram(values: readonly number[], target = 20): Bucket[] {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const v of finite) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const spread = max - min;
  const step = niceStep(spread > 0 ? spread / Math.max(1, target) : Math.max(Math.abs(max) / 10, 0.01));
  const start = tidy(Math.floor(min / step) * step);
  const count = Math.max(1, Math.floor(tidy((max - start) / step)) + 1);
  const buckets: Bucket[] = Array.from({ length: count }, (_, i) => {
    const from = tidy(start + i * step);
    const to = tidy(start + (i + 1) * step);
    return { from, to, count: 0, label: `${edgeLabel(from, step)}–${edgeLabel(to, step)}` };
  });
  for (const v of finite) {
    const index = Math.min(count - 1, Math.max(0, Math.floor(tidy((v - start) / step))));
    buckets[index]!.count++;
  }
  return buckets;
}
