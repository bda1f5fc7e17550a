import { describe, expect, it } from 'vitest';
import { downsampleMinMax, lttb, lttbWithEnvelope, type Bucket, type SeriesPoint } from '../../../main/experiments/downsample';

/** mulberry32: a tiny seeded PRNG, so every "random" series here is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const series = (values: number[], start = 0): SeriesPoint[] => values.map((value, i) => ({ step: start + i, value }));

/** One million points at steps 0..999,999 with values in [0, 1), and one spike of 1e6. */
function millionWithSpike(spikeStep: number): SeriesPoint[] {
  const random = prng(42);
  const points: SeriesPoint[] = new Array(1_000_000);
  for (let i = 0; i < points.length; i++) points[i] = { step: i, value: random() };
  points[spikeStep] = { step: spikeStep, value: 1e6 };
  return points;
}

/** What a bucket must say, computed the slow way from every point whose step lies in its range. */
function bruteForce(points: readonly SeriesPoint[], bucket: Bucket) {
  const inside = points.filter((p) => p.step >= bucket.minX && p.step <= bucket.maxX);
  const finite = inside.map((p) => p.value).filter(Number.isFinite);
  return {
    count: inside.length,
    min: finite.length > 0 ? Math.min(...finite) : NaN,
    max: finite.length > 0 ? Math.max(...finite) : NaN,
    nonFinite: inside.length - finite.length,
    hasNaN: inside.some((p) => Number.isNaN(p.value)),
    hasPosInf: inside.some((p) => p.value === Infinity),
    hasNegInf: inside.some((p) => p.value === -Infinity),
  };
}

describe('downsampleMinMax', () => {
  const spikeStep = 612_347;
  const million = millionWithSpike(spikeStep);

  it('turns a 1,000,000-point series into exactly 800 buckets that still show a one-point spike', () => {
    const buckets = downsampleMinMax(million, 800);
    expect(buckets).toHaveLength(800);
    expect(buckets.reduce((sum, b) => sum + b.count, 0)).toBe(1_000_000);
    const holding = buckets.filter((b) => b.minX <= spikeStep && spikeStep <= b.maxX);
    expect(holding).toHaveLength(1);
    expect(holding[0]!.max).toBe(1e6);
    expect(holding[0]!.maxAt).toBe(spikeStep);
    // The spike lifts only its own bucket.
    expect(buckets.filter((b) => b.max >= 1)).toEqual(holding);
    expect(buckets[0]!.first).toBe(million[0]);
    expect(buckets.at(-1)!.last).toBe(million.at(-1));
  });

  it('agrees with a brute-force min/max over each bucket on random series with gaps, duplicate steps and non-finite values', () => {
    const random = prng(7);
    for (let round = 0; round < 40; round++) {
      const length = Math.floor(random() * 3000);
      const points: SeriesPoint[] = [];
      let step = Math.floor(random() * 100) - 50;
      for (let i = 0; i < length; i++) {
        const r = random();
        step += r < 0.2 ? 0 : r < 0.95 ? 1 : Math.floor(random() * 500); // duplicates, steady, gaps
        const kind = random();
        const value = kind < 0.01 ? NaN : kind < 0.015 ? Infinity : kind < 0.02 ? -Infinity : (random() - 0.5) * 10 ** Math.floor(random() * 6);
        points.push({ step, value });
      }
      const width = 1 + Math.floor(random() * 300);
      const buckets = downsampleMinMax(points, width);

      expect(buckets.length).toBeLessThanOrEqual(width);
      if (length <= width) expect(buckets).toHaveLength(length);
      expect(buckets.reduce((sum, b) => sum + b.count, 0)).toBe(length);
      for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.minX).toBeGreaterThanOrEqual(buckets[i - 1]!.maxX);
      if (length > width) for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.minX).toBeGreaterThan(buckets[i - 1]!.maxX);
      for (const bucket of buckets) {
        if (length <= width) {
          expect(bucket.count).toBe(1);
          continue;
        }
        const expected = bruteForce(points, bucket);
        expect({ count: bucket.count, min: bucket.min, max: bucket.max, nonFinite: bucket.nonFinite, hasNaN: bucket.hasNaN, hasPosInf: bucket.hasPosInf, hasNegInf: bucket.hasNegInf }).toEqual(expected);
        expect(bucket.minX).toBeLessThanOrEqual(bucket.x);
        expect(bucket.x).toBeLessThanOrEqual(bucket.maxX);
      }
    }
  });

  it('counts and flags NaN and ±Infinity without letting them into min, max or mean', () => {
    const [bucket] = downsampleMinMax(series([1, NaN, 2, Infinity, -Infinity, 3]), 1);
    expect(bucket).toMatchObject({ min: 1, max: 3, mean: 2, count: 6, nonFinite: 3, hasNaN: true, hasPosInf: true, hasNegInf: true });

    const onlyNaN = downsampleMinMax(series([NaN, NaN, NaN]), 1)[0]!;
    expect(onlyNaN.min).toBeNaN();
    expect(onlyNaN.max).toBeNaN();
    expect(onlyNaN.mean).toBeNaN();
    expect(onlyNaN).toMatchObject({ count: 3, nonFinite: 3, hasNaN: true, hasPosInf: false, hasNegInf: false });

    const clean = downsampleMinMax(series([4, 5]), 1)[0]!;
    expect(clean).toMatchObject({ nonFinite: 0, hasNaN: false, hasPosInf: false, hasNegInf: false });
  });

  it('keeps a finite mean when the sum of huge values would overflow', () => {
    const [bucket] = downsampleMinMax(series([1e308, 1e308, 1e308]), 1);
    expect(bucket!.mean).toBeCloseTo(1e308, -300);
    expect(Number.isFinite(bucket!.mean)).toBe(true);
  });

  it('returns every point as its own bucket when the width is at least the series length', () => {
    const points = series([3, 1, 4, 1, 5]);
    const buckets = downsampleMinMax(points, 800);
    expect(buckets.map((b) => [b.x, b.min, b.max, b.count])).toEqual(points.map((p) => [p.step, p.value, p.value, 1]));
    expect(buckets.map((b) => b.first)).toEqual(points);
  });

  it('cuts the axis into equal extents, so a gap stays a gap and empty buckets are left out', () => {
    const points = [...series(new Array(100).fill(1)), { step: 1000, value: 9 }];
    const buckets = downsampleMinMax(points, 10);
    expect(buckets.map((b) => [b.minX, b.maxX, b.count])).toEqual([
      [0, 99, 100],
      [1000, 1000, 1],
    ]);
  });

  it('handles width 1, an empty series, a single point and a series all at one step', () => {
    const points = series([5, -2, 7]);
    expect(downsampleMinMax(points, 1)).toEqual([expect.objectContaining({ min: -2, max: 7, count: 3, minX: 0, maxX: 2, x: 1, minAt: 1, maxAt: 2 })]);
    expect(downsampleMinMax([], 800)).toEqual([]);
    expect(downsampleMinMax([{ step: 3, value: 0.5 }], 800)).toEqual([expect.objectContaining({ x: 3, min: 0.5, max: 0.5, mean: 0.5, count: 1 })]);
    const sameStep = Array.from({ length: 100 }, (_, i) => ({ step: 5, value: i }));
    expect(downsampleMinMax(sameStep, 10)).toEqual([expect.objectContaining({ x: 5, min: 0, max: 99, count: 100 })]);
  });

  it('sorts a copy of unsorted input and leaves the input as it was', () => {
    const sorted = series([1, 8, 2, 9, 3, 7, 4]);
    const shuffled = [sorted[3]!, sorted[0]!, sorted[6]!, sorted[1]!, sorted[5]!, sorted[2]!, sorted[4]!];
    const before = [...shuffled];
    expect(downsampleMinMax(shuffled, 3)).toEqual(downsampleMinMax(sorted, 3));
    expect(shuffled).toEqual(before);
  });

  it('buckets on the time axis when asked, and refuses a point without a timestamp there', () => {
    const points: SeriesPoint[] = [
      { step: 0, value: 1, timestamp: 1000 },
      { step: 1, value: 2, timestamp: 1001 },
      { step: 2, value: 3, timestamp: 5000 },
    ];
    expect(downsampleMinMax(points, 2, 'timestamp').map((b) => [b.minX, b.maxX, b.count])).toEqual([
      [1000, 1001, 2],
      [5000, 5000, 1],
    ]);
    expect(() => downsampleMinMax([...points, { step: 3, value: 4 }], 2, 'timestamp')).toThrow(/point 3 has no finite timestamp/);
  });

  it('refuses a width below 1 or not a whole number with a RangeError that says what it got', () => {
    expect(() => downsampleMinMax(series([1, 2]), 0)).toThrow(RangeError);
    expect(() => downsampleMinMax(series([1, 2]), 0)).toThrow('width must be a whole number of at least 1 (a chart\'s width in points), got 0');
    expect(() => downsampleMinMax([], -5)).toThrow(RangeError);
    expect(() => downsampleMinMax([], 2.5)).toThrow(RangeError);
    expect(() => downsampleMinMax([], NaN)).toThrow(RangeError);
  });
});

describe('lttb', () => {
  it('keeps the first and last point and returns exactly the threshold for long series', () => {
    const random = prng(3);
    const points = series(Array.from({ length: 10_000 }, () => random()));
    for (const threshold of [3, 10, 799, 800]) {
      const line = lttb(points, threshold);
      expect(line).toHaveLength(threshold);
      expect(line[0]).toBe(points[0]);
      expect(line.at(-1)).toBe(points.at(-1));
      for (let i = 1; i < line.length; i++) expect(line[i]!.step).toBeGreaterThan(line[i - 1]!.step);
    }
  });

  it('returns every point when the threshold is at least the series length, and first and last at 2', () => {
    const points = series([3, 1, 4, 1, 5]);
    expect(lttb(points, 5)).toEqual(points);
    expect(lttb(points, 100)).toEqual(points);
    expect(lttb(points, 2)).toEqual([points[0], points[4]]);
    expect(lttb(points, 1)).toEqual([points[4]]);
    expect(lttb([], 10)).toEqual([]);
    expect(lttb([points[0]!], 10)).toEqual([points[0]]);
  });

  it('keeps a spike (the largest triangle) and a run of NaN that fills a bucket', () => {
    const values = new Array(1000).fill(0.5);
    values[437] = 50;
    for (let i = 600; i < 700; i++) values[i] = NaN;
    const line = lttb(series(values), 20);
    expect(line.some((p) => p.step === 437 && p.value === 50)).toBe(true);
    expect(line.some((p) => Number.isNaN(p.value))).toBe(true);
  });

  it('refuses a threshold of 0 with a RangeError', () => {
    expect(() => lttb(series([1, 2, 3]), 0)).toThrow(RangeError);
    expect(() => lttb(series([1, 2, 3]), 0)).toThrow(/threshold must be a whole number of at least 1/);
  });
});

describe('lttbWithEnvelope', () => {
  it('on 1,000,000 points: a line of 800 points and an envelope whose band holds the one-point spike', () => {
    const spikeStep = 271_828;
    const million = millionWithSpike(spikeStep);
    const { line, envelope } = lttbWithEnvelope(million, 800);
    expect(line).toHaveLength(800);
    expect(line[0]).toBe(million[0]);
    expect(line.at(-1)).toBe(million.at(-1));
    expect(envelope).toHaveLength(800);
    const peak = envelope.find((b) => b.max === 1e6);
    expect(peak).toBeDefined();
    expect(peak!.minX <= spikeStep && spikeStep <= peak!.maxX).toBe(true);
    expect(Math.max(...envelope.map((b) => b.max))).toBe(1e6);
  });

  it('shows in the envelope an extreme and a NaN that the line dropped', () => {
    // Two nearby spikes in one LTTB bucket: the line keeps one, the band still reaches the other.
    const values = Array.from({ length: 1000 }, (_, i): number => (i % 2 === 0 ? 0 : 1));
    values[500] = 40;
    values[501] = -40;
    values[502] = NaN;
    const points = series(values);
    const { line, envelope } = lttbWithEnvelope(points, 10);
    expect(line).toHaveLength(10);
    expect(line.some((p) => p.value === 40) && line.some((p) => p.value === -40)).toBe(false);
    expect(line.some((p) => Number.isNaN(p.value))).toBe(false);
    expect(Math.max(...envelope.map((b) => b.max))).toBe(40);
    expect(Math.min(...envelope.map((b) => b.min))).toBe(-40);
    expect(envelope.filter((b) => b.hasNaN)).toEqual([expect.objectContaining({ nonFinite: 1, minX: 500, maxX: 599 })]);
  });

  it('refuses width 0', () => {
    expect(() => lttbWithEnvelope(series([1]), 0)).toThrow(RangeError);
  });
});
