/** A variant's live charts (recharts is big: this module loads with the Metrics tab). */
import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { VariantMetricsReport } from '../../../main/contract/endpoints';
import { seriesRows } from './monitorFormat';

const INVOCATIONS = '#2f7fe0';
const ERRORS = '#d0453a';
const WORKERS = '#2fa05a';
const tick = { fontSize: 11 };
const margin = { top: 8, right: 16, bottom: 4, left: 0 };

export function VariantCharts({ variant, series, stepSeconds }: { variant: string; series: VariantMetricsReport['Series']; stepSeconds: number }) {
  const rows = useMemo(() => seriesRows(series), [series]);
  const invocations = series.reduce((n, p) => n + p.Invocations, 0);
  const errors = series.reduce((n, p) => n + p.Errors, 0);
  return (
    <div className="metric-charts endpoint-metric-charts">
      <figure className="metric-chart" data-testid={`metrics-chart-${variant}`} data-points={rows.length} data-invocations={invocations} data-errors={errors}>
        <figcaption>
          Invocations and errors<span className="muted"> · per {stepSeconds} s</span>
        </figcaption>
        <LineChart responsive data={rows} style={{ width: '100%', height: 200 }} margin={margin}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="time" tick={tick} interval="preserveStartEnd" minTickGap={24} />
          <YAxis tick={tick} allowDecimals={false} width={44} />
          <Tooltip />
          <Legend />
          <Line type="linear" dataKey="Invocations" stroke={INVOCATIONS} dot={false} isAnimationActive={false} />
          <Line type="linear" dataKey="Errors" stroke={ERRORS} dot={false} isAnimationActive={false} />
        </LineChart>
      </figure>
      <figure className="metric-chart" data-testid={`metrics-workers-${variant}`} data-points={rows.length} data-workers={rows.at(-1)?.Workers ?? 0}>
        <figcaption>
          Workers<span className="muted"> · ready, over time</span>
        </figcaption>
        <LineChart responsive data={rows} style={{ width: '100%', height: 200 }} margin={margin}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="time" tick={tick} interval="preserveStartEnd" minTickGap={24} />
          <YAxis tick={tick} allowDecimals={false} width={44} domain={[0, 'auto']} />
          <Tooltip />
          <Line type="stepAfter" dataKey="Workers" stroke={WORKERS} dot={false} isAnimationActive={false} />
        </LineChart>
      </figure>
    </div>
  );
}
