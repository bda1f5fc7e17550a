// Downsampling figures for `npm run bench`: a 1,000,000-point metric series to a chart 800 points wide.
import { downsampleMinMax, lttbWithEnvelope, type SeriesPoint } from '../main/experiments/downsample';

const POINTS = 1_000_000;
const WIDTH = 800;
const RUNS = 5;

/** A noisy decaying loss curve with a few spikes and non-finite values, as a long training logs it. */
function lossCurve(n: number): SeriesPoint[] {
  let seed = 12345;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  const points: SeriesPoint[] = new Array(n);
  const start = Date.UTC(2025, 0, 1);
  for (let i = 0; i < n; i++) {
    const value = i % 99_991 === 0 && i > 0 ? 1e6 : i % 250_007 === 0 && i > 0 ? NaN : Math.exp(-i / 200_000) + 0.05 * random();
    points[i] = { step: i, value, timestamp: start + i * 10 };
  }
  return points;
}

function medianMs(fn: () => unknown): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    fn();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** Median times of the two downsampled views of a 1M-point series, as lines for the bench report. */
export async function downsampleFigures(): Promise<string[]> {
  const points = lossCurve(POINTS);
  let buckets = 0;
  let line = 0;
  const minMax = medianMs(() => (buckets = downsampleMinMax(points, WIDTH).length));
  const withEnvelope = medianMs(() => (line = lttbWithEnvelope(points, WIDTH).line.length));
  const n = POINTS.toLocaleString('en-US');
  return [
    `downsampleMinMax  ${n} points → ${buckets} buckets:  median ${minMax.toFixed(1)} ms (n=${RUNS})`,
    `lttbWithEnvelope  ${n} points → ${line} points + envelope:  median ${withEnvelope.toFixed(1)} ms (n=${RUNS})`,
  ];
}
