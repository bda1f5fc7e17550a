/** The load test's latency histogram (recharts is big: this module loads with the load panel). */
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { Bucket } from './latency';

const FILL = '#2f7fe0';
const tick = { fontSize: 11 };

export function LatencyHistogram({ buckets, total }: { buckets: Bucket[]; total: number }) {
  return (
    <figure className="metric-chart latency-histogram" data-testid="latency-histogram" data-buckets={buckets.length} data-count={total}>
      <figcaption>
        Total latency<span className="muted"> · model + overhead, ms · {total.toLocaleString('en-US')} answers</span>
      </figcaption>
      <BarChart responsive data={buckets} style={{ width: '100%', height: 240 }} margin={{ top: 8, right: 16, bottom: 22, left: 0 }} barCategoryGap={1}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
        <XAxis dataKey="label" tick={tick} interval="preserveStartEnd" label={{ value: 'ms', position: 'insideBottomRight', offset: -10, fontSize: 11 }} />
        <YAxis tick={tick} allowDecimals={false} width={44} />
        <Tooltip formatter={(value) => [String(value), 'requests']} labelFormatter={(label) => `${String(label)} ms`} />
        <Bar dataKey="count" name="requests" fill={FILL} isAnimationActive={false} />
      </BarChart>
    </figure>
  );
}
