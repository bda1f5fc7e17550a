import { describe, expect, it } from 'vitest';
import { percentile, VariantMetrics } from '../../../main/endpoints/variantMetrics';

describe('percentiles', () => {
  it.each([
    [[], 0.5, null],
    [[7], 0.99, 7],
    [[1, 2, 3, 4], 0.5, 2],
    [[1, 2, 3, 4], 0.75, 3],
    [Array.from({ length: 100 }, (_, i) => i + 1), 0.95, 95],
    [Array.from({ length: 100 }, (_, i) => i + 1), 0.99, 99],
    [Array.from({ length: 1000 }, (_, i) => i + 1), 0.99, 990],
  ])('of %j at %s is %s (nearest rank)', (sorted, q, want) => {
    expect(percentile(sorted, q)).toBe(want);
  });
});

describe('variant metrics', () => {
  it('count invocations and errors in the window, with latency percentiles and workers per step', () => {
    let workers = 2;
    const metrics = new VariantMetrics(() => workers);
    const t0 = Date.parse('2026-11-25T07:00:00Z');
    for (let i = 0; i < 10; i++) metrics.record('ok', { modelMs: i + 1, overheadMs: 0.5 }, t0 + i * 100);
    metrics.record('4xx', { modelMs: 20, overheadMs: 1 }, t0 + 5000);
    workers = 3;
    metrics.record('5xx', null, t0 + 12_000);
    metrics.record('ok', { modelMs: 1, overheadMs: 0.2 }, t0 - 400_000); // outside a 5-minute window
    const report = metrics.report(300, 10, t0 + 12_500);
    expect([report.Invocations, report.Invocation4XXErrors, report.Invocation5XXErrors]).toEqual([12, 1, 1]);
    expect(report.ModelLatency).toEqual({ p50: 6, p95: 20, p99: 20 });
    expect(report.OverheadLatency.p50).toBe(0.5);
    const busy = report.Series.filter((p) => p.Invocations > 0);
    expect(busy.map((p) => [p.Invocations, p.Errors, p.Workers])).toEqual([
      [11, 1, 2],
      [1, 1, 3],
    ]);
    expect(report.Series).toHaveLength(31);
    expect(report.Series.at(-2)!.Time).toBe('2026-11-25T07:00:00.000Z');
    expect(report.Series.at(-1)!.Workers).toBe(3);
  });
});
