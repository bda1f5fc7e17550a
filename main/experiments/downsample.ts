/**
 * Downsampling of metric series for charts: a width in pixels in, at most that many buckets or
 * points out, with the extremes kept. Pure functions, O(n), no allocation per input point beyond
 * the output (and one sorted copy when the input is not sorted).
 *
 * Two views, meant to be drawn together:
 * - `downsampleMinMax`: per bucket of equal axis extent, min/max/mean/first/last/count. Drawn as a
 *   band (min..max) it can never hide a one-point spike, and it counts NaN and ±Infinity (which
 *   MLflow stores) without letting them poison the numbers.
 * - `lttb`: Largest-Triangle-Three-Buckets, a line that looks like the raw series. It keeps the
 *   visually important points but may drop an extreme, so `lttbWithEnvelope` returns it with the
 *   min/max buckets of the same width.
 */

export interface SeriesPoint {
  step: number;
  value: number;
  /** Milliseconds since the epoch, as MLflow records them. */
  timestamp?: number;
}

export type SeriesAxis = 'step' | 'timestamp';

/** A run of consecutive points (in axis order) that fell into one bucket. */
export interface Bucket {
  /** Where to draw the bucket: the midpoint of `minX`..`maxX` (a point's own x when it is alone). */
  x: number;
  /** Smallest and largest axis value (step or timestamp) of the points in the bucket. */
  minX: number;
  maxX: number;
  first: SeriesPoint;
  last: SeriesPoint;
  /** Over the finite values only; NaN when the bucket holds no finite value. */
  min: number;
  max: number;
  mean: number;
  /** Axis value of the (first) point holding `min` / `max`; NaN when the bucket holds no finite value. */
  minAt: number;
  maxAt: number;
  /** Every point in the bucket, finite or not. */
  count: number;
  /** Points whose value is NaN, +Infinity or -Infinity: counted here, left out of min/max/mean. */
  nonFinite: number;
  hasNaN: boolean;
  hasPosInf: boolean;
  hasNegInf: boolean;
}

export interface LineWithEnvelope {
  /** LTTB points: a line that looks like the series, first and last point kept. */
  line: SeriesPoint[];
  /** The `downsampleMinMax` buckets at the same width: draw min..max as a band so no extreme hides. */
  envelope: Bucket[];
}

function checkWidth(width: number, name: string): void {
  if (!Number.isInteger(width) || width < 1) {
    throw new RangeError(`${name} must be a whole number of at least 1 (a chart's width in points), got ${String(width)}`);
  }
}

/**
 * The points in ascending axis order: `points` itself when it already is (the usual case, checked
 * in one pass), else a stably sorted copy; the input is never modified. Throws a RangeError when a
 * point has no finite axis value (a missing timestamp on the time axis).
 */
function sortedByAxis(points: readonly SeriesPoint[], axis: SeriesAxis): readonly SeriesPoint[] {
  let sorted = true;
  let previous = -Infinity;
  for (let i = 0; i < points.length; i++) {
    const x = axis === 'step' ? points[i]!.step : points[i]!.timestamp;
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new RangeError(`point ${i} has no finite ${axis} (got ${String(x)}), so it cannot be placed on the ${axis} axis`);
    }
    if (x < previous) sorted = false;
    previous = x;
  }
  if (sorted) return points;
  return [...points].sort((a, b) => axisOf(a, axis) - axisOf(b, axis));
}

/** The point's axis value; only called after `sortedByAxis` has checked that it exists. */
function axisOf(point: SeriesPoint, axis: SeriesAxis): number {
  return axis === 'step' ? point.step : (point.timestamp as number);
}

/** Summary of points[start..end) (non-empty, in axis order). */
function summarize(points: readonly SeriesPoint[], start: number, end: number, axis: SeriesAxis): Bucket {
  let min = Infinity;
  let max = -Infinity;
  let minAt = NaN;
  let maxAt = NaN;
  let sum = 0;
  let finite = 0;
  let hasNaN = false;
  let hasPosInf = false;
  let hasNegInf = false;
  for (let i = start; i < end; i++) {
    const point = points[i]!;
    const value = point.value;
    if (Number.isFinite(value)) {
      finite++;
      sum += value;
      if (value < min) {
        min = value;
        minAt = axisOf(point, axis);
      }
      if (value > max) {
        max = value;
        maxAt = axisOf(point, axis);
      }
    } else if (value === Infinity) hasPosInf = true;
    else if (value === -Infinity) hasNegInf = true;
    else hasNaN = true;
  }
  let mean = finite > 0 ? sum / finite : NaN;
  if (finite > 0 && !Number.isFinite(mean)) {
    // The sum of finite values overflowed (values near ±1.8e308): add the values already divided.
    mean = 0;
    for (let i = start; i < end; i++) {
      const value = points[i]!.value;
      if (Number.isFinite(value)) mean += value / finite;
    }
  }
  const first = points[start]!;
  const last = points[end - 1]!;
  const minX = axisOf(first, axis);
  const maxX = axisOf(last, axis);
  return {
    x: minX === maxX ? minX : minX + (maxX - minX) / 2,
    minX,
    maxX,
    first,
    last,
    min: finite > 0 ? min : NaN,
    max: finite > 0 ? max : NaN,
    mean,
    minAt,
    maxAt,
    count: end - start,
    nonFinite: end - start - finite,
    hasNaN,
    hasPosInf,
    hasNegInf,
  };
}

/**
 * Min/max buckets of a series for a chart `width` points wide.
 *
 * The axis range (first to last point) is cut into `width` buckets of equal extent, not equal
 * point counts: a bucket is a slice of the chart's x axis, so a gap in the data stays a gap and a
 * dense stretch does not take more of the width than its steps do. Empty buckets are omitted, so
 * the answer has at most `width` buckets (exactly `width` when the points cover the axis evenly
 * with at least one per bucket), and points with the same axis value share a bucket. When the
 * series has no more points than `width`, every point is its own bucket (duplicates included).
 *
 * `points` should be sorted by `axis` (ascending; ties in any order). If it is not, a sorted copy
 * is used. Throws a RangeError when `width` is not a whole number ≥ 1, or a point lacks a finite
 * value on `axis`.
 */
export function downsampleMinMax(points: readonly SeriesPoint[], width: number, axis: SeriesAxis = 'step'): Bucket[] {
  checkWidth(width, 'width');
  const sorted = sortedByAxis(points, axis);
  const n = sorted.length;
  const buckets: Bucket[] = [];
  if (n === 0) return buckets;
  if (n <= width) {
    for (let i = 0; i < n; i++) buckets.push(summarize(sorted, i, i + 1, axis));
    return buckets;
  }
  const lo = axisOf(sorted[0]!, axis);
  const span = axisOf(sorted[n - 1]!, axis) - lo;
  // All points at one axis value: one bucket (there is nothing to spread over the width).
  if (span === 0) return [summarize(sorted, 0, n, axis)];
  let start = 0;
  let current = 0;
  for (let i = 1; i < n; i++) {
    // Rounding is monotonic, so in sorted input the index never decreases.
    const index = Math.min(width - 1, Math.floor(((axisOf(sorted[i]!, axis) - lo) / span) * width));
    if (index !== current) {
      buckets.push(summarize(sorted, start, i, axis));
      start = i;
      current = index;
    }
  }
  buckets.push(summarize(sorted, start, n, axis));
  return buckets;
}

/**
 * Largest-Triangle-Three-Buckets (Steinarsson, 2013): at most `threshold` points of the series that
 * keep its visual shape, always with its first and last point. The inner points are chosen from
 * buckets of equal point counts, one per bucket: the one forming the largest triangle with the
 * point kept before it and the average of the next bucket.
 *
 * Non-finite values take no part in the triangles (they would make every area NaN or infinite);
 * a bucket holding only non-finite values keeps its first point, so a run of NaN is not smoothed
 * away. A non-finite value inside a bucket with finite ones can be dropped: the envelope of
 * `lttbWithEnvelope` counts and flags it.
 *
 * With `threshold` ≥ the number of points every point is kept; 2 keeps first and last; 1 keeps
 * only the last point (the value a runs table shows). Unsorted input and errors as `downsampleMinMax`.
 */
export function lttb(points: readonly SeriesPoint[], threshold: number, axis: SeriesAxis = 'step'): SeriesPoint[] {
  checkWidth(threshold, 'threshold');
  const sorted = sortedByAxis(points, axis);
  const n = sorted.length;
  if (n <= threshold) return sorted.slice();
  if (threshold === 1) return [sorted[n - 1]!];
  if (threshold === 2) return [sorted[0]!, sorted[n - 1]!];

  const line: SeriesPoint[] = [sorted[0]!];
  const every = (n - 2) / (threshold - 2);
  // The point kept last, as the triangle's first corner; a non-finite one leaves the previous anchor.
  let anchorX = axisOf(sorted[0]!, axis);
  let anchorY = Number.isFinite(sorted[0]!.value) ? sorted[0]!.value : NaN;
  for (let bucket = 0; bucket < threshold - 2; bucket++) {
    const rangeStart = Math.floor(bucket * every) + 1;
    const rangeEnd = Math.min(Math.floor((bucket + 1) * every) + 1, n - 1);
    const nextStart = rangeEnd;
    const nextEnd = Math.min(Math.floor((bucket + 2) * every) + 1, n);

    let sumX = 0;
    let sumY = 0;
    let finite = 0;
    for (let i = nextStart; i < nextEnd; i++) {
      const value = sorted[i]!.value;
      if (Number.isFinite(value)) {
        sumX += axisOf(sorted[i]!, axis);
        sumY += value;
        finite++;
      }
    }
    const averageX = finite > 0 ? sumX / finite : axisOf(sorted[nextEnd - 1]!, axis);
    const averageY = finite > 0 ? sumY / finite : anchorY;
    // Before any finite point was kept, measure against the next bucket's level.
    const fromY = Number.isNaN(anchorY) ? averageY : anchorY;

    let chosen = rangeStart;
    let largest = -1;
    for (let i = rangeStart; i < rangeEnd; i++) {
      const value = sorted[i]!.value;
      if (!Number.isFinite(value)) continue;
      const x = axisOf(sorted[i]!, axis);
      // Twice the triangle's area; NaN only when the next bucket had no finite value and no anchor exists.
      const area = Math.abs((anchorX - averageX) * (value - fromY) - (anchorX - x) * (averageY - fromY));
      if (area > largest || largest < 0) {
        largest = Number.isNaN(area) ? 0 : area;
        chosen = i;
      }
    }
    const kept = sorted[chosen]!;
    line.push(kept);
    if (Number.isFinite(kept.value)) {
      anchorX = axisOf(kept, axis);
      anchorY = kept.value;
    }
  }
  line.push(sorted[n - 1]!);
  return line;
}

/**
 * An LTTB line of at most `width` points plus the min/max buckets at the same width, so an extreme
 * that LTTB dropped is still drawn (as the band) and NaN/±Infinity are still counted.
 */
export function lttbWithEnvelope(points: readonly SeriesPoint[], width: number, axis: SeriesAxis = 'step'): LineWithEnvelope {
  checkWidth(width, 'width');
  const sorted = sortedByAxis(points, axis);
  return { line: lttb(sorted, width, axis), envelope: downsampleMinMax(sorted, width, axis) };
}
