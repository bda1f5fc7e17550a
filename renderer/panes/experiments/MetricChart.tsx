import { useMemo, type ReactNode } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricHistory } from '../../../main/contract/experiments';
import { formatMetric } from './runsTable';
import { formatX, hiddenNote, plotSeries, type ChartOptions, type PlotSeries } from './chartMath';

/** The main line's colour in a single-run chart; the envelope is drawn in a paler one. */
const LINE = '#2f7fe0';
const ENVELOPE = '#9db7d8';
const MARGIN = { top: 8, right: 16, bottom: 4, left: 0 };

function optionAttributes(options: ChartOptions) {
  return { 'data-x-axis': options.xAxis, 'data-log': String(options.logScale), 'data-smoothing': String(options.smoothing) };
}

/** Grid, axes and tooltip, as plain elements (called, not mounted: recharts reads its direct children). */
function axes(options: ChartOptions): ReactNode {
  return (
    <>
      <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
      <XAxis
        dataKey="x"
        type="number"
        domain={['dataMin', 'dataMax']}
        allowDecimals={options.xAxis === 'time'}
        tickFormatter={(x: number) => formatX(x, options.xAxis)}
        tick={{ fontSize: 11 }}
      />
      <YAxis scale={options.logScale ? 'log' : 'auto'} domain={['auto', 'auto']} allowDataOverflow={false} tick={{ fontSize: 11 }} width={56} tickFormatter={(y: number) => formatMetric(y)} />
      <Tooltip labelFormatter={(x) => (typeof x === 'number' ? `${options.xAxis === 'step' ? 'step' : 'time'} ${formatX(x, options.xAxis)}` : String(x))} />
    </>
  );
}

/**
 * One metric's history for one run. Downsampled buckets draw their envelope (a min–max band and
 * dashed min and max lines) under the line through each bucket's last value, so a one-point spike
 * stays visible whatever the options; with smoothing, the smoothed line is the main one and the
 * raw line stays faint behind it.
 */
export function MetricChart({ history, options }: { history: MetricHistory; options: ChartOptions }) {
  const plot = useMemo(() => plotSeries(history, options), [history, options]);
  const { rows, bucketed } = plot;
  const smoothing = options.smoothing > 0;
  const note = hiddenNote(plot);
  return (
    <figure
      className="metric-chart"
      data-testid={`run-metric-chart-${history.key}`}
      data-mode={bucketed ? 'buckets' : 'points'}
      data-rows={rows.length}
      {...optionAttributes(options)}
    >
      <figcaption>
        {history.key}
        <span className="muted">
          {' '}
          · {history.total} points{bucketed ? `, ${rows.length} buckets (min–max band)` : ''}
          {note ? ` · ${note}` : ''}
        </span>
      </figcaption>
      <ComposedChart responsive data={rows} style={{ width: '100%', height: 220 }} margin={MARGIN}>
        {axes(options)}
        {bucketed && <Area type="linear" dataKey="band" name="min–max" stroke="none" fill={ENVELOPE} fillOpacity={0.25} isAnimationActive={false} tooltipType="none" />}
        {bucketed && <Line type="linear" dataKey="max" name="max" stroke={ENVELOPE} strokeDasharray="3 3" dot={false} isAnimationActive={false} />}
        {bucketed && <Line type="linear" dataKey="min" name="min" stroke={ENVELOPE} strokeDasharray="3 3" dot={false} isAnimationActive={false} />}
        {smoothing && <Line type="linear" dataKey="value" name="raw" stroke={LINE} strokeOpacity={0.3} dot={false} isAnimationActive={false} />}
        <Line
          type="linear"
          dataKey={smoothing ? 'smooth' : 'value'}
          name={smoothing ? 'smoothed' : bucketed ? 'last' : history.key}
          stroke={LINE}
          strokeWidth={smoothing ? 2 : 1}
          dot={!smoothing && rows.length < 60}
          isAnimationActive={false}
        />
      </ComposedChart>
    </figure>
  );
}

/** One run's series in an overlaid chart. */
export interface OverlaySeries {
  runId: string;
  name: string;
  color: string;
  history: MetricHistory;
}

function overlayItems(plotted: ReadonlyArray<OverlaySeries & { plot: PlotSeries }>, smoothing: boolean): ReactNode[] {
  const items: ReactNode[] = [];
  for (const { runId, name, color, plot } of plotted) {
    if (plot.bucketed) {
      items.push(
        <Area key={`${runId}-band`} data={plot.rows} type="linear" dataKey="band" name={`${name} min–max`} stroke="none" fill={color} fillOpacity={0.15} isAnimationActive={false} legendType="none" tooltipType="none" />,
      );
    }
    if (smoothing) {
      items.push(<Line key={`${runId}-raw`} data={plot.rows} type="linear" dataKey="value" name={`${name} raw`} stroke={color} strokeOpacity={0.25} dot={false} isAnimationActive={false} legendType="none" tooltipType="none" />);
    }
    items.push(
      <Line key={`${runId}-line`} data={plot.rows} type="linear" dataKey={smoothing ? 'smooth' : 'value'} name={name} stroke={color} strokeWidth={smoothing ? 2 : 1.5} dot={false} isAnimationActive={false} />,
    );
  }
  return items;
}

/**
 * One metric across runs: a line per run (its colour, its name in the legend), each run's bucket
 * envelope as a faint band of the same colour, the shared chart options. Every run keeps its own
 * time origin on the time axis (seconds since that run's first value).
 */
export function CompareChart({ metricKey, series, options }: { metricKey: string; series: readonly OverlaySeries[]; options: ChartOptions }) {
  const plotted = useMemo(() => series.map((s) => ({ ...s, plot: plotSeries(s.history, options) })), [series, options]);
  const note = plotted
    .map(({ name, plot }) => {
      const text = hiddenNote(plot);
      return text ? `${name}: ${text}` : '';
    })
    .filter(Boolean)
    .join('; ');
  return (
    <figure className="metric-chart compare-chart" data-testid={`compare-chart-${metricKey}`} data-series={plotted.length} {...optionAttributes(options)}>
      <figcaption>
        {metricKey}
        {note && <span className="muted"> · {note}</span>}
      </figcaption>
      <ComposedChart responsive style={{ width: '100%', height: 240 }} margin={MARGIN}>
        {axes(options)}
        {overlayItems(plotted, options.smoothing > 0)}
      </ComposedChart>
      <ul className="chart-legend" aria-label={`Runs in the ${metricKey} chart`}>
        {plotted.map(({ runId, name, color, plot }) => (
          <li key={runId}>
            <span className="legend-swatch" style={{ background: color }} aria-hidden="true" />
            {name}
            {plot.bucketed && <span className="muted"> (band: min–max)</span>}
          </li>
        ))}
      </ul>
    </figure>
  );
}
