import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { LatheError } from '../../../main/contract/result';
import type { JobMetricSeries, TrainingJobDescription } from '../../../main/contract/training';
import { ErrorState } from '../../components/ErrorState';
import { chartRows } from '../../lib/jobs';

/** Colours that read on both themes. */
const COLOURS = ['#2f7fe0', '#e0762f', '#2fa05a', '#b04ad0', '#d0453a', '#7a8a99', '#c2a122', '#1fa3a3'];

/** Pure: series grouped by what they measure ("train:auc" and "validation:auc" → "auc"). */
export function metricFamilies(series: readonly JobMetricSeries[]): Array<{ family: string; series: JobMetricSeries[] }> {
  const families = new Map<string, JobMetricSeries[]>();
  for (const s of series) {
    const family = s.name.includes(':') ? s.name.slice(s.name.indexOf(':') + 1) : s.name;
    families.set(family, [...(families.get(family) ?? []), s]);
  }
  return [...families].map(([family, members]) => ({ family, series: members }));
}

function FamilyChart({ family, series }: { family: string; series: JobMetricSeries[] }) {
  const rows = useMemo(() => chartRows(series), [series]);
  return (
    <figure className="metric-chart" data-testid={`metric-chart-${family}`}>
      <figcaption>{family}</figcaption>
      <LineChart responsive data={rows} style={{ width: '100%', height: 240 }} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
        <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} tick={{ fontSize: 11 }} />
        <YAxis domain={['auto', 'auto']} tick={{ fontSize: 11 }} width={56} />
        <Tooltip />
        <Legend />
        {series.map((s, i) => (
          <Line key={s.name} type="linear" dataKey={s.name} stroke={COLOURS[i % COLOURS.length]} dot={false} isAnimationActive={false} connectNulls />
        ))}
      </LineChart>
    </figure>
  );
}

interface Props {
  series: readonly JobMetricSeries[];
  error: LatheError | null;
  finals: TrainingJobDescription['FinalMetricDataList'];
  running: boolean;
  onRetry(): void;
}

/** The job's metrics per step (one chart per measure, a line per data set) and its final values. */
export function MetricsView({ series, error, finals, running, onRetry }: Props) {
  const families = useMemo(() => metricFamilies(series), [series]);
  const points = series.reduce((sum, s) => sum + s.points.length, 0);
  return (
    <div className="metrics-view">
      {error && <ErrorState title="Could not read the metrics" error={error} onRetry={onRetry} />}
      <div className="metric-charts" data-testid="job-metrics-chart" data-series={series.map((s) => s.name).join(',')} data-points={points}>
        {series.length === 0 ? (
          <p className="muted">{running ? 'No metric yet; points appear here as the job reports them.' : 'This job recorded no metrics.'}</p>
        ) : (
          families.map(({ family, series: members }) => <FamilyChart key={family} family={family} series={members} />)
        )}
      </div>
      <h2 className="section-title">Final metrics</h2>
      {finals.length === 0 ? (
        <p className="muted">{running ? 'Final values are recorded when the job ends.' : 'None.'}</p>
      ) : (
        <table className="table compact-table" data-testid="final-metrics">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {finals.map((metric) => (
              <tr key={metric.MetricName}>
                <td>
                  <code>{metric.MetricName}</code>
                </td>
                <td className="numeric">{Number.isInteger(metric.Value) ? metric.Value : metric.Value.toFixed(5)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
