import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricHistory } from '../../../main/contract/experiments';
import { bucketRows, pointRows } from './runsTable';

/**
 * One metric's history. Downsampled buckets draw as an envelope (min and max lines) with a line
 * through each bucket's last value, so a one-point spike stays visible; raw points draw as they are.
 */
export function MetricChart({ history }: { history: MetricHistory }) {
  const bucketed = history.buckets !== undefined;
  const rows = useMemo(() => (history.buckets ? bucketRows(history.buckets) : pointRows(history.points ?? [])), [history]);
  const nonFinite = history.buckets
    ? history.buckets.reduce((sum, bucket) => sum + bucket.nonFinite, 0)
    : (history.points ?? []).filter((point) => typeof point.value === 'string').length;
  return (
    <figure className="metric-chart" data-testid={`run-metric-chart-${history.key}`} data-mode={bucketed ? 'buckets' : 'points'} data-rows={rows.length}>
      <figcaption>
        {history.key}
        <span className="muted">
          {' '}
          · {history.total} points{bucketed ? `, ${rows.length} buckets (min–max band)` : ''}
          {nonFinite > 0 ? ` · ${nonFinite} not finite (NaN or ±Infinity), not drawn` : ''}
        </span>
      </figcaption>
      <LineChart responsive data={rows} style={{ width: '100%', height: 220 }} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
        <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} tick={{ fontSize: 11 }} />
        <YAxis domain={['auto', 'auto']} tick={{ fontSize: 11 }} width={56} />
        <Tooltip />
        {bucketed && <Line type="linear" dataKey="max" name="max" stroke="#9db7d8" strokeDasharray="3 3" dot={false} isAnimationActive={false} />}
        {bucketed && <Line type="linear" dataKey="min" name="min" stroke="#9db7d8" strokeDasharray="3 3" dot={false} isAnimationActive={false} />}
        <Line type="linear" dataKey="value" name={bucketed ? 'last' : history.key} stroke="#2f7fe0" dot={rows.length < 60} isAnimationActive={false} />
      </LineChart>
    </figure>
  );
}
